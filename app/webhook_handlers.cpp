#include "app/webhook_handlers.hpp"

#include "app/shop_tenant_cache.hpp"
#include "app/webhook_ingest.hpp"
#include "crypto/encoding.hpp"
#include "log/log.hpp"
#include "shopify/shop_domain.hpp"
#include "shopify/webhook_body.hpp"
#include "shopify/webhook_signature.hpp"
#include "storage/customers_repo.hpp"
#include "storage/integrations_repo.hpp"

#include <boost/json/object.hpp>

#include <array>
#include <cstring>
#include <optional>

namespace nexsync::app {

namespace {

constexpr std::string_view provider = "shopify";

// Topics that must still find the shop after it was disconnected (retries, and shop/redact 48 h later).
bool reaches_former_tenant(std::string_view topic) {
  return topic == "app/uninstalled" || topic == "customers/data_request" || topic == "customers/redact" ||
         topic == "shop/redact";
}

http::response unavailable() {
  auto r = http::response::json_error(503, "unavailable", "The webhook could not be stored; please retry.");
  r.set_header("Retry-After", "5");
  return r;
}

// A header Shopify sends: visible ASCII only (the value lands in a text column), at most max bytes.
std::optional<std::string> header_token(const http::request& req, std::string_view name, std::size_t max) {
  auto v = req.header(name);
  if (!v) return std::nullopt;
  if (v->empty() || v->size() > max) return std::nullopt;
  for (unsigned char ch : *v)
    if (ch < 0x21 || ch > 0x7E) return std::nullopt;
  return std::string{*v};
}

// An optional header: absent is fine (empty), present must be a clean token.
bool optional_header(const http::request& req, std::string_view name, std::size_t max, std::string& out) {
  if (!req.header(name)) return true;
  auto v = header_token(req, name, max);
  if (!v) return false;
  out = *v;
  return true;
}

// Whether s is valid UTF-8 without NUL (storable in a text column).
bool storable_text(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    // Eight ASCII bytes without NUL at a time: webhook bodies are mostly ASCII.
    if (s.size() - i >= 8) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      constexpr std::uint64_t high = 0x8080808080808080ull, ones = 0x0101010101010101ull;
      if ((w & high) == 0 && ((w - ones) & ~w & high) == 0) {
        i += 8;
        continue;
      }
    }
    auto c = static_cast<unsigned char>(s[i]);
    if (c == 0) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte (no overlongs, surrogates)
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;
    auto c1 = static_cast<unsigned char>(s[i + 1]);
    if (c1 < lo || c1 > hi) return false;
    for (std::size_t k = 2; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n + 1;
  }
  return true;
}

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// A signed delivery nexsync has no use for (a shop nobody connected, a body naming another shop) gets a
// 2xx all the same: Shopify retries anything else for hours and then deletes the subscription, and its
// compliance checks expect 200 for a shop the app does not know. Only a bad signature gets 401.
http::response ignored(std::string_view code, std::string_view message) {
  return http::response::json(200, boost::json::object{{"stored", false}, {"ignored", code}, {"message", message}});
}

boost::asio::awaitable<http::response> receive(context& ctx, http::request& req) {
  // 1. The signature of the raw body, before anything is parsed.
  auto hmac = req.header("X-Shopify-Hmac-Sha256");
  std::vector<std::string> secrets{ctx.settings.shopify_api_secret};
  if (!ctx.settings.shopify_previous_api_secret.empty()) secrets.push_back(ctx.settings.shopify_previous_api_secret);
  if (!hmac || !shopify::verify_webhook(secrets, req.body, *hmac)) {
    log::warn("webhooks", "rejected: bad or missing signature", {{"request_id", req.request_id}});
    co_return http::response::json_error(401, "invalid_signature", "The webhook signature does not match.");
  }

  // 2. The headers that say what this is.
  storage::new_webhook_event ev;
  auto topic = header_token(req, "X-Shopify-Topic", 100);
  auto webhook_id = header_token(req, "X-Shopify-Webhook-Id", 255);
  auto shop = header_token(req, "X-Shopify-Shop-Domain", 255);
  if (!topic || !webhook_id || !shop || !shopify::is_valid_shop_domain(*shop) ||
      !optional_header(req, "X-Shopify-Event-Id", 255, ev.event_id) ||
      !optional_header(req, "X-Shopify-API-Version", 50, ev.api_version) ||
      !optional_header(req, "X-Shopify-Triggered-At", 64, ev.triggered_at))
    co_return http::response::json_error(400, "invalid_headers",
                                         "X-Shopify-Topic, X-Shopify-Webhook-Id and a valid X-Shopify-Shop-Domain are required.");
  ev.topic = lower(*topic);
  ev.webhook_id = *webhook_id;
  ev.shop_domain = lower(*shop);

  // 3. The body: malformed JSON is kept as a failed event (Shopify would otherwise retry for hours).
  auto body = shopify::read_webhook_body(req.body);
  if (!body.is_object) {
    ev.status = "failed";
    ev.reason = body.problem;
  } else if (!body.named_shop.empty() && body.named_shop != ev.shop_domain) {
    log::warn("webhooks", "ignored: body names another shop than the header",
              {{"request_id", req.request_id}, {"shop", ev.shop_domain}, {"topic", ev.topic}});
    co_return ignored("shop_mismatch", "The body names another shop than X-Shopify-Shop-Domain; nothing was stored.");
  }
  // An order's body is a nudge: applying it re-reads the order from Shopify, so the inbox keeps only
  // the order it names, not the 7.5 KB of the customer's name, addresses and lines (personal data at rest
  // until applied, and PostgreSQL's TOAST and compression work: `nexsync-bench ceiling`, 50 rows a commit,
  // 8,241 -> 23,558 rows/s). Any other body is kept as it came; a body that parsed is valid UTF-8 without
  // NUL already (Boost.JSON checks it): only others are scanned.
  if (auto order = shopify::inbox_order_body(ev.topic, body); !order.empty()) {
    ev.payload = std::move(order);
  } else if (body.is_object || storable_text(req.body)) {
    ev.payload = std::move(req.body);  // nothing reads the request's body after this
  } else {
    ev.payload = "base64:" + crypto::base64_encode(req.body);
    ev.reason += " (body is not UTF-8 text: stored as base64)";
  }

  try {
    // 4. The tenant that owns the shop (never the header's word alone).
    auto shop_domain = ev.shop_domain;
    bool former = reaches_former_tenant(ev.topic);
    auto tenant = ctx.webhook_shops->find(shop_domain);
    if (!tenant) {
      auto lookup = [shop_domain, former](storage::connection& c) {
        auto holder = storage::shop_holder(c, std::string{provider}, shop_domain);
        bool current = holder.has_value();
        if (!holder && former) holder = storage::webhook_shop_tenant(c, shop_domain, true);
        return std::make_pair(holder, current);
      };
      auto [found, current] = co_await ctx.db->query(lookup);
      if (found && current) ctx.webhook_shops->remember(shop_domain, *found);
      tenant = found;
    }
    if (!tenant) {
      log::warn("webhooks", "ignored: unknown shop", {{"request_id", req.request_id}, {"shop", ev.shop_domain}, {"topic", ev.topic}});
      co_return ignored("unknown_shop", "No account is connected to this shop; nothing was stored.");
    }
    ev.tenant_id = *tenant;

    // 5. Durably stored (group commit) before any 2xx.
    auto topic_name = ev.topic;
    auto stored = co_await ctx.webhooks->store(std::move(ev));
    bool duplicate = !stored.is_new;
    log::debug("webhooks", duplicate ? "duplicate" : "stored",
               {{"request_id", req.request_id}, {"event_id", stored.id}, {"topic", topic_name}});

    // 6. What cannot wait for the shop's connection: uninstall and customer erasure. Also on a redelivery
    //    of an event whose action did not complete (a 503 earlier), never on one already handled.
    bool act = stored.id != 0 && stored.tenant_id == *tenant && stored.status == "received" && body.is_object;
    if (act && topic_name == "app/uninstalled") {
      auto id = stored.id;
      auto t = *tenant;
      auto uninstall = [id, t, shop_domain](storage::connection& c) {
        storage::transaction tx{c};
        storage::mark_uninstalled(c, std::string{provider}, shop_domain);
        storage::mark_event(c, t, id, "applied", "");
        tx.commit();
      };
      co_await ctx.db->query(uninstall);
      ctx.webhook_shops->forget(shop_domain);
      log::info("webhooks", "app uninstalled", {{"request_id", req.request_id}, {"tenant_id", t}});
    } else if (act && topic_name == "customers/redact") {
      auto customer_id = body.customer_id;
      auto email = body.customer_email;
      auto id = stored.id;
      auto t = *tenant;
      auto redact = [id, t, customer_id, email](storage::connection& c) {
        storage::transaction tx{c};
        auto n = storage::redact_customer(c, t, customer_id, email);
        auto events = storage::redact_event_payloads(c, t, email);
        storage::mark_event(c, t, id, "applied",
                            "redacted " + std::to_string(n) + " customer record(s) and " + std::to_string(events) + " stored order webhook(s)");
        tx.commit();
        return n;
      };
      auto redacted = co_await ctx.db->query(redact);
      log::info("webhooks", "customer redacted", {{"request_id", req.request_id}, {"tenant_id", t}, {"records", redacted}});
    } else if (act && (topic_name == "customers/data_request" || topic_name == "shop/redact")) {
      // A data request is for the tenant to answer from their records; shop/redact (48 h after an
      // uninstall) finds the credentials already erased, and the records are the tenant's own.
      auto reason = topic_name == "shop/redact"
                        ? std::string{"the shop's credentials were erased at uninstall; records belong to the tenant"}
                        : std::string{"recorded for the tenant to answer from the Customers page"};
      auto id = stored.id;
      auto t = *tenant;
      auto note = [id, t, reason](storage::connection& c) { storage::mark_event(c, t, id, "applied", reason); };
      co_await ctx.db->query(note);
    }
    co_return http::response::json(200, boost::json::object{{"stored", true}, {"duplicate", duplicate}});
  } catch (const std::exception& e) {
    log::warn("webhooks", "not stored: database unavailable", {{"request_id", req.request_id}, {"error", e.what()}});
  }
  co_return unavailable();
}

}  // namespace

void add_webhook_routes(http::router& r, context& ctx) {
  if (!ctx.webhooks) ctx.webhooks = make_webhook_ingest(ctx.webhook_db ? ctx.webhook_db : ctx.db, ctx.settings.webhook_db_connections);
  if (!ctx.webhook_shops) ctx.webhook_shops = std::make_shared<shop_tenant_cache>();
  r.add("POST", webhook_path, [&ctx](http::request& req) { return receive(ctx, req); });
}

}  // namespace nexsync::app
