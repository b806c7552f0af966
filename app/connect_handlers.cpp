#include "app/connect_handlers.hpp"

#include "app/pages.hpp"
#include "app/session.hpp"
#include "app/shopify_access.hpp"
#include "app/sync_services.hpp"
#include "app/webhook_handlers.hpp"
#include "auth/session_token.hpp"
#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"
#include "crypto/random.hpp"
#include "crypto/seal.hpp"
#include "log/log.hpp"
#include "shopify/documents.hpp"
#include "shopify/oauth.hpp"
#include "shopify/oauth_state.hpp"
#include "shopify/shop_domain.hpp"
#include "storage/integrations_repo.hpp"
#include "storage/webhook_events_repo.hpp"

#include <boost/json.hpp>

#include <array>
#include <charconv>
#include <chrono>

namespace nexsync::app {

namespace {

constexpr std::string_view nonce_cookie = "nexsync_shopify_oauth";
constexpr std::int64_t flow_ttl_seconds = 600;
constexpr std::string_view provider = "shopify";

struct error_text {
  std::string_view code;
  std::string_view message;
};

// The one table of connect/disconnect failures and what the page tells the user.
constexpr std::array<error_text, 18> error_texts{{
    {"shop_not_found", "We could not find that Shopify store. Enter the name before .myshopify.com, for example acme-jewellers."},
    {"shopify_unreachable", "Shopify could not be reached just now. Please try again in a moment."},
    {"not_permitted", "Only an owner or an integration manager can connect or disconnect the online store."},
    {"already_connected", "This account is already connected to a Shopify store. Disconnect it on the Integrations page first."},
    {"shop_taken", "That Shopify store is already connected to another nexsync account. Disconnect it there first."},
    {"invalid_signature", "The reply from Shopify could not be verified. Please start the connection again."},
    {"stale_request", "The reply from Shopify was too old to trust. Please start the connection again."},
    {"invalid_shop", "The reply from Shopify named an invalid store. Please start the connection again."},
    {"invalid_state", "This connection attempt has expired, was already used, or was started in another browser. Please start again here."},
    {"session_mismatch", "This connection was started in a different sign-in session. Please start again here."},
    {"shop_mismatch", "Shopify answered for a different store than the one you asked to connect. Please start again."},
    {"token_exchange_failed", "Shopify did not grant access. Please try connecting again."},
    {"missing_scopes", "Shopify granted fewer permissions than nexsync needs (products, inventory, orders and customers). Please connect again and approve all of them."},
    {"webhook_registration_failed", "nexsync could not subscribe to order notifications from Shopify. Please try again."},
    {"protected_customer_data", "Shopify has not approved this app for protected customer data, which order notifications carry. In the Shopify Partner Dashboard, open the app's API access page, request access to protected customer data (for a development store, filling in the form is enough), then connect again."},
    {"no_location", "Your Shopify store has no active location to keep inventory in step with."},
    {"not_connected", "There is no Shopify connection to disconnect."},
    {"storage_failed", "The connection could not be saved. Please try again."},
}};

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string hex_sha256(std::string_view s) { return crypto::to_hex(crypto::sha256(s)); }

// The OAuth state's signing key: derived from the master key, so it never appears in the settings.
std::string state_key(const context& ctx) {
  return crypto::hmac_sha256(ctx.keys->current().key, "nexsync oauth state v1");
}

std::string session_hash(const http::request& req) {
  return crypto::to_hex(auth::token_hash(req.cookie(session_cookie_name).value_or("")));
}

http::response back_to_connect(std::string_view error_code) {
  return http::response::redirect("/website/connect?error=" + std::string{error_code});
}

// A callback failure: back to the page with the code, and the nonce cookie gone.
http::response callback_failure(context& ctx, const http::request& req, std::string_view code) {
  log::warn("shopify", "connect refused", {{"request_id", req.request_id}, {"error", code}});
  auto res = back_to_connect(code);
  res.add_header("Set-Cookie", auth::expired_cookie(nonce_cookie, ctx.secure_cookies()));
  return res;
}

std::string callback_url(const context& ctx) {
  auto base = ctx.settings.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/api/integrations/shopify/callback";
}

std::string webhook_url(const context& ctx) {
  auto base = ctx.settings.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + std::string{webhook_path};
}

boost::json::object integration_context(const storage::integration_row& row) {
  boost::json::object o{{"shop_domain", row.shop_domain},
                        {"status", row.status},
                        {"connected", row.status == "connected"},
                        {"needs_reconnect", row.status == "needs_reconnect"},
                        {"disconnected", row.status == "disconnected"},
                        {"scopes", row.granted_scopes}};
  if (row.status_reason) o["status_reason"] = *row.status_reason;
  return o;
}

boost::asio::awaitable<http::response> show_connect(context& ctx, http::request& req, const storage::session_row& s) {
  auto tenant = s.tenant_id;
  auto load = [tenant](storage::connection& c) { return storage::find_integration(c, tenant, std::string{provider}); };
  auto row = co_await ctx.db->query(load);
  boost::json::object page{{"shopify_connected_banner", req.query_param("shopify").value_or("") == "connected"}};
  if (auto code = req.query_param("error")) {
    page["error_code"] = *code;
    page["error"] = connect_error_message(*code);
  }
  if (row && row->status != "disconnected") page["integration"] = integration_context(*row);
  co_return render_page("connect", "Connect your online store", std::move(page), &s, "website");
}

boost::asio::awaitable<http::response> start_connect(context& ctx, http::request& req, const storage::session_row& s) {
  if (!can_manage_integrations(s)) co_return back_to_connect("not_permitted");
  auto subdomain = shopify::normalise_shop(req.form_param("shop").value_or(""));
  if (!subdomain) co_return back_to_connect("shop_not_found");
  auto domain = shopify::shop_domain(*subdomain);

  auto tenant = s.tenant_id;
  auto check = [tenant, domain](storage::connection& c) {
    auto mine = storage::find_integration(c, tenant, std::string{provider});
    auto holder = storage::shop_holder(c, std::string{provider}, domain);
    if (holder && *holder != tenant) return std::string{"shop_taken"};
    if (mine && mine->status == "connected" && mine->shop_domain != domain) return std::string{"already_connected"};
    return std::string{};
  };
  auto conflict = co_await ctx.db->query(check);
  if (!conflict.empty()) co_return back_to_connect(conflict);

  auto exists = co_await ctx.shopify->shop_exists(*subdomain);
  if (!exists) {
    log::warn("shopify", "shop probe failed", {{"request_id", req.request_id}, {"error", exists.error().message}});
    co_return back_to_connect("shopify_unreachable");
  }
  if (!*exists) co_return back_to_connect("shop_not_found");

  auto nonce = crypto::random_hex(32);
  auto session = session_hash(req);
  storage::oauth_flow_row flow{tenant, std::string{provider}, domain, session};
  auto nonce_hash = hex_sha256(nonce);
  auto record = [nonce_hash, flow](storage::connection& c) { storage::create_oauth_flow(c, nonce_hash, flow, flow_ttl_seconds); };
  co_await ctx.db->query(record);

  shopify::oauth_state state{nonce, tenant, session, *subdomain, unix_now() + flow_ttl_seconds};
  auto signed_state = shopify::sign_state(state_key(ctx), state);
  auto url = shopify::authorize_url(ctx.shopify->base_url(*subdomain), ctx.settings.shopify_api_key,
                                    shopify::required_scopes(), callback_url(ctx), signed_state);
  log::info("shopify", "connect started", {{"request_id", req.request_id}, {"tenant_id", tenant}, {"shop", domain}});
  auto res = http::response::redirect(url);
  res.add_header("Set-Cookie", auth::session_cookie(nonce_cookie, nonce, flow_ttl_seconds, ctx.secure_cookies()));
  co_return res;
}

// Registers the webhook topics nexsync handles; "already taken" (a reconnect) counts as done. Empty
// when every topic is subscribed, else what Shopify said (logged: the page shows a sentence of ours).
boost::asio::awaitable<std::string> register_webhooks(context& ctx, std::string subdomain, std::string token) {
  for (std::string_view topic : {"ORDERS_CREATE", "ORDERS_PAID", "APP_UNINSTALLED"}) {
    boost::json::object vars{{"topic", topic}, {"uri", webhook_url(ctx)}};
    std::string query{shopify::webhook_subscription_create.text};
    auto reply = co_await ctx.shopify->graphql(subdomain, token, query, vars);
    std::string problem;
    boost::system::error_code missing;
    if (!reply) problem = reply.error().message;
    else if (!reply->errors.empty()) problem = reply->errors.front().message;
    else if (auto* payload = reply->body.find_pointer("/data/webhookSubscriptionCreate", missing); !payload || !payload->is_object())
      problem = "the answer had no webhookSubscriptionCreate";
    else if (auto* errors = payload->as_object().if_contains("userErrors"); errors && errors->is_array())
      for (auto& e : errors->as_array()) {
        auto* m = e.is_object() ? e.as_object().if_contains("message") : nullptr;
        std::string message = m && m->is_string() ? std::string{m->as_string()} : std::string{"(no message)"};
        if (message.find("already been taken") == std::string::npos) problem = message;
      }
    if (!problem.empty()) {
      log::warn("shopify", "webhook subscription refused", {{"shop", subdomain}, {"topic", topic}, {"error", problem}});
      co_return problem;
    }
  }
  co_return std::string{};
}

// The first active location: where inventory is pushed.
boost::asio::awaitable<std::optional<std::string>> primary_location(context& ctx, std::string subdomain, std::string token) {
  boost::json::object vars{{"first", shopify::locations_page.page_size}};
  std::string query{shopify::locations_page.text};
  auto reply = co_await ctx.shopify->graphql(subdomain, token, query, vars);
  if (!reply || !reply->errors.empty()) co_return std::nullopt;
  auto* data = reply->body.as_object().if_contains("data");
  if (!data || !data->is_object()) co_return std::nullopt;
  auto* locations = data->as_object().if_contains("locations");
  if (!locations || !locations->is_object()) co_return std::nullopt;
  auto* nodes = locations->as_object().if_contains("nodes");
  if (!nodes || !nodes->is_array()) co_return std::nullopt;
  for (auto& n : nodes->as_array()) {
    if (!n.is_object()) continue;
    auto* id = n.as_object().if_contains("id");
    auto* active = n.as_object().if_contains("isActive");
    if (id && id->is_string() && (!active || !active->is_bool() || active->as_bool())) co_return std::string{id->as_string()};
  }
  co_return std::nullopt;
}

boost::asio::awaitable<http::response> finish_connect(context& ctx, http::request& req, const storage::session_row& s) {
  auto params = req.query_params();
  if (!shopify::verify_query(ctx.settings.shopify_api_secret, params))
    co_return callback_failure(ctx, req, "invalid_signature");

  auto ts_text = req.query_param("timestamp").value_or("");
  std::int64_t ts = 0;
  auto [end, ec] = std::from_chars(ts_text.data(), ts_text.data() + ts_text.size(), ts);
  if (ec != std::errc{} || end != ts_text.data() + ts_text.size() || !shopify::timestamp_fresh(ts, unix_now()))
    co_return callback_failure(ctx, req, "stale_request");

  auto shop = req.query_param("shop").value_or("");
  if (!shopify::is_valid_shop_domain(shop)) co_return callback_failure(ctx, req, "invalid_shop");
  for (auto& ch : shop) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));

  auto state = shopify::verify_state(state_key(ctx), req.query_param("state").value_or(""), unix_now());
  if (!state || state->tenant_id != s.tenant_id) co_return callback_failure(ctx, req, "invalid_state");
  auto session = session_hash(req);
  if (!crypto::constant_time_equal(state->session_hash, session)) co_return callback_failure(ctx, req, "session_mismatch");
  auto cookie = req.cookie(nonce_cookie).value_or("");
  if (cookie.empty() || !crypto::constant_time_equal(state->nonce, cookie)) co_return callback_failure(ctx, req, "invalid_state");
  if (shopify::shop_domain(state->shop) != shop) co_return callback_failure(ctx, req, "shop_mismatch");
  if (!can_manage_integrations(s)) co_return callback_failure(ctx, req, "not_permitted");

  // Single use: the flow row is deleted now, whatever happens next.
  auto tenant = s.tenant_id;
  auto nonce_hash = hex_sha256(state->nonce);
  auto take = [nonce_hash, tenant](storage::connection& c) { return storage::consume_oauth_flow(c, nonce_hash, tenant); };
  auto flow = co_await ctx.db->query(take);
  if (!flow || flow->shop_domain != shop || flow->session_hash != session) co_return callback_failure(ctx, req, "invalid_state");

  auto holder_check = [shop](storage::connection& c) { return storage::shop_holder(c, std::string{provider}, shop); };
  auto holder = co_await ctx.db->query(holder_check);
  if (holder && *holder != tenant) co_return callback_failure(ctx, req, "shop_taken");

  auto code = req.query_param("code").value_or("");
  if (code.empty() || code.size() > 256) co_return callback_failure(ctx, req, "token_exchange_failed");
  auto subdomain = state->shop;
  auto exchanged = co_await ctx.shopify->exchange_code(subdomain, code);
  if (!exchanged) {
    log::warn("shopify", "code exchange failed", {{"request_id", req.request_id}, {"error", exchanged.error().message}});
    co_return callback_failure(ctx, req, "token_exchange_failed");
  }
  auto tokens = tokens_from(*exchanged, unix_now());
  // Give the token back when nothing will be stored, unless this tenant still holds the shop (a
  // revoke uninstalls the app for the shop, which would cut its existing connection).
  bool may_revoke = !holder.has_value();
  auto abandon = [&](std::string_view why) -> boost::asio::awaitable<http::response> {
    if (may_revoke) {
      auto revoked = co_await ctx.shopify->revoke(subdomain, tokens.access_token);
      if (!revoked) log::warn("shopify", "revoke after failed connect failed", {{"error", revoked.error().message}});
    }
    co_return callback_failure(ctx, req, why);
  };

  auto missing = shopify::missing_scopes(exchanged->scope, shopify::required_scopes());
  if (!missing.empty()) {
    auto res = co_await abandon("missing_scopes");
    co_return res;
  }
  auto hooks_problem = co_await register_webhooks(ctx, subdomain, tokens.access_token);
  if (!hooks_problem.empty()) {
    // Order topics need the app's protected customer data access, which only its developer can request.
    bool access = hooks_problem.find("protected customer data") != std::string::npos;
    auto res = co_await abandon(access ? "protected_customer_data" : "webhook_registration_failed");
    co_return res;
  }
  auto location = co_await primary_location(ctx, subdomain, tokens.access_token);
  if (!location) {
    auto res = co_await abandon("no_location");
    co_return res;
  }

  storage::new_connection n{tenant, std::string{provider}, shop, seal_tokens(*ctx.keys, tenant, shop, tokens),
                            ctx.keys->current().id, tokens.access_expires_at, exchanged->scope, location};
  auto save = [n](storage::connection& c) {
    try {
      storage::save_connection(c, n);
      return std::string{};
    } catch (const storage::query_error& e) {
      if (e.unique_violation()) return std::string{"shop_taken"};
      throw;
    }
  };
  auto saved = co_await ctx.db->query(save);
  if (!saved.empty()) co_return callback_failure(ctx, req, saved);

  log::info("shopify", "connected", {{"request_id", req.request_id}, {"tenant_id", tenant}, {"shop", shop}});
  // Order webhooks stored before a disconnect waited for this token. Only when there are some: a job
  // started here would refuse the owner's first click with "a sync is running".
  auto find_waiting = [tenant, shop](storage::connection& c) { return !storage::pending_order_events(c, tenant, shop, 1).empty(); };
  bool waiting = false;
  if (ctx.sync) waiting = co_await ctx.db->query(find_waiting);
  if (waiting) ctx.sync->apply_waiting_webhooks(tenant, shop);
  auto res = http::response::redirect("/website/connect?shopify=connected");
  res.add_header("Set-Cookie", auth::expired_cookie(nonce_cookie, ctx.secure_cookies()));
  co_return res;
}

}  // namespace

std::string_view connect_error_message(std::string_view code) {
  for (const auto& e : error_texts)
    if (e.code == code) return e.message;
  return "Something went wrong while connecting the store. Please try again.";
}

void add_connect_routes(http::router& r, context& ctx) {
  ensure_shopify_services(ctx);
  r.add("GET", "/website/connect",
        page(ctx, [&ctx](http::request& req, const storage::session_row& s) { return show_connect(ctx, req, s); }));
  r.add("POST", "/website/connect/shopify",
        page(ctx, [&ctx](http::request& req, const storage::session_row& s) { return start_connect(ctx, req, s); }));
  r.add("GET", "/api/integrations/shopify/callback",
        page(ctx, [&ctx](http::request& req, const storage::session_row& s) { return finish_connect(ctx, req, s); }));
}

}  // namespace nexsync::app
