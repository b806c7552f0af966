#include "app/shopify_access.hpp"

#include "crypto/random.hpp"
#include "crypto/seal.hpp"
#include "log/log.hpp"
#include "shopify/admin_client.hpp"
#include "shopify/http_transport.hpp"
#include "shopify/shop_domain.hpp"
#include "storage/integrations_repo.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <stdexcept>

namespace nexsync::app {

namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

shopify::client_error not_connected(std::string message) {
  return shopify::client_error{shopify::client_error_kind::unauthorized, 0, std::move(message), std::nullopt};
}

std::string subdomain_of(std::string_view shop_domain) {
  auto dot = shop_domain.find('.');
  return std::string{shop_domain.substr(0, dot)};
}

boost::json::value optional_int(const std::optional<std::int64_t>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

std::optional<std::int64_t> read_optional_int(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_int64()) return std::nullopt;
  return v->get_int64();
}

crypto::keyring build_keyring(const config::settings& s) {
  auto current = crypto::parse_master_key(s.master_key_id, s.master_key);
  if (!current) throw std::runtime_error("master_key is not a valid 32-byte key");
  std::vector<crypto::sealing_key> previous;
  std::string_view rest = s.previous_master_keys;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    auto colon = item.find(':');
    if (colon == std::string_view::npos) throw std::runtime_error("previous_master_keys: expected id:key");
    auto key = crypto::parse_master_key(item.substr(0, colon), item.substr(colon + 1));
    if (!key) throw std::runtime_error("previous_master_keys: an entry is not a valid key");
    previous.push_back(std::move(*key));
  }
  return crypto::keyring{std::move(*current), std::move(previous)};
}

}  // namespace

shopify_tokens tokens_from(const shopify::token_response& r, std::int64_t now) {
  shopify_tokens t;
  t.access_token = r.access_token;
  if (r.refresh) {
    t.access_expires_at = now + r.refresh->expires_in;
    t.refresh_token = r.refresh->refresh_token;
    t.refresh_expires_at = now + r.refresh->refresh_token_expires_in;
  }
  return t;
}

std::string sealing_context(std::int64_t tenant_id, std::string_view shop_domain) {
  return "nexsync/shopify-tokens/v1|tenant=" + std::to_string(tenant_id) + "|shop=" + std::string{shop_domain};
}

std::string seal_tokens(const crypto::keyring& keys, std::int64_t tenant_id, std::string_view shop_domain,
                        const shopify_tokens& t) {
  boost::json::object o{{"access_token", t.access_token},
                        {"access_expires_at", optional_int(t.access_expires_at)},
                        {"refresh_token", t.refresh_token},
                        {"refresh_expires_at", optional_int(t.refresh_expires_at)}};
  return crypto::seal(keys, boost::json::serialize(o), sealing_context(tenant_id, shop_domain));
}

std::optional<shopify_tokens> unseal_tokens(const crypto::keyring& keys, std::int64_t tenant_id,
                                            std::string_view shop_domain, std::string_view sealed) {
  auto plain = crypto::unseal(keys, sealed, sealing_context(tenant_id, shop_domain));
  if (!plain) return std::nullopt;
  boost::system::error_code ec;
  auto v = boost::json::parse(*plain, ec);
  if (ec || !v.is_object()) return std::nullopt;
  auto& o = v.get_object();
  auto* access = o.if_contains("access_token");
  auto* refresh = o.if_contains("refresh_token");
  if (!access || !access->is_string() || !refresh || !refresh->is_string()) return std::nullopt;
  return shopify_tokens{std::string{access->get_string()}, read_optional_int(o, "access_expires_at"),
                        std::string{refresh->get_string()}, read_optional_int(o, "refresh_expires_at")};
}

namespace {

using access_result = shopify::client_result<shopify_access>;

// The lease outlives the transport's connect + request timeouts (10 s + 30 s), so a live refresh never
// loses it; a crashed process's lease runs out after this.
constexpr std::int64_t lease_seconds = 60;
// How long a caller waits for somebody else's refresh before giving up with a transient error.
constexpr auto wait_limit = std::chrono::seconds(10);
constexpr auto poll_interval = std::chrono::milliseconds(50);

// What a caller needs: a token that is not about to expire, and possibly a renewed one.
struct access_request {
  bool force = false;                         ///< renew, unless somebody renewed since the caller looked
  std::optional<std::string> rejected_token;  ///< renew while the stored token is still this one (a 401)
};

// Whether these stored tokens must be renewed for this request. first_look: the caller has not yet seen
// the row change (a forced renewal is satisfied by anybody's renewal after that).
bool wants_refresh(const shopify_tokens& t, const access_request& want, bool first_look, std::int64_t now) {
  if (t.access_expires_at && *t.access_expires_at <= now + refresh_margin_seconds) return true;
  if (want.rejected_token && *want.rejected_token == t.access_token) return true;
  return want.force && first_look;
}

shopify::client_error transient(std::string message) {
  return shopify::client_error{shopify::client_error_kind::transport, 0, std::move(message), std::nullopt};
}

// Logging lives outside the coroutines (g++ 12 and nested braced lists in a coroutine do not mix).
void log_refused(std::int64_t tenant_id, const std::string& error) {
  log::warn("shopify", "token refresh refused", {{"tenant_id", tenant_id}, {"error", error}});
}

void log_refreshed(std::int64_t tenant_id) { log::info("shopify", "token refreshed", {{"tenant_id", tenant_id}}); }

std::string unavailable_reason(const std::optional<storage::integration_row>& row) {
  if (row && row->status == "needs_reconnect") return "The Shopify connection needs to be reconnected.";
  return "Shopify is not connected.";
}

// The token stored now (after somebody else's refresh or a reconnect), if it can be used.
boost::asio::awaitable<access_result> use_stored(context& ctx, std::int64_t tenant_id) {
  auto load = [tenant_id](storage::connection& c) { return storage::find_integration(c, tenant_id, "shopify"); };
  auto row = co_await ctx.db->query(load);
  access_result out = not_connected("The Shopify connection changed while renewing access.");
  if (row && row->status == "connected" && row->sealed_config) {
    auto theirs = unseal_tokens(*ctx.keys, tenant_id, row->shop_domain, *row->sealed_config);
    if (theirs) out = shopify_access{subdomain_of(row->shop_domain), theirs->access_token};
  } else {
    out = not_connected(unavailable_reason(row));
  }
  co_return out;
}

// Refreshes with the lease held: calls Shopify (no pool connection held meanwhile), then stores the new
// pair under the optimistic config_version check, which releases the lease. A refusal marks the row
// needs_reconnect only if nobody changed it meanwhile.
boost::asio::awaitable<access_result> refresh_with_lease(context& ctx, std::int64_t tenant_id,
                                                         const storage::integration_row& row, const shopify_tokens& tokens,
                                                         const std::string& holder) {
  access_result out = not_connected("Shopify is not connected.");
  auto version = row.config_version;
  auto shop_domain = row.shop_domain;
  auto subdomain = subdomain_of(shop_domain);
  auto reason = std::string{};
  bool use_theirs = false;
  if (tokens.refresh_token.empty() || (tokens.refresh_expires_at && *tokens.refresh_expires_at <= unix_now())) {
    reason = "Shopify's access has expired and cannot be renewed.";
  } else {
    auto refresh_token = tokens.refresh_token;
    auto refreshed = co_await ctx.shopify->refresh(subdomain, refresh_token);
    if (!refreshed) {
      auto kind = refreshed.error().kind;
      if (kind != shopify::client_error_kind::rejected && kind != shopify::client_error_kind::unauthorized &&
          kind != shopify::client_error_kind::bad_response) {
        // Transient: keep the connection, let the next caller try again.
        out = refreshed.error();
        auto release = [tenant_id, holder](storage::connection& c) {
          storage::release_refresh_lease(c, tenant_id, "shopify", holder);
        };
        co_await ctx.db->query(release);
      } else {
        log_refused(tenant_id, refreshed.error().message);
        reason = "Shopify refused to renew nexsync's access.";
      }
    } else {
      auto next = tokens_from(*refreshed, unix_now());
      auto sealed = seal_tokens(*ctx.keys, tenant_id, shop_domain, next);
      auto key_id = ctx.keys->current().id;
      auto expires = next.access_expires_at;
      auto store = [tenant_id, version, holder, sealed, key_id, expires](storage::connection& c) {
        return storage::store_refreshed_tokens(c, tenant_id, "shopify", version, holder, sealed, key_id, expires);
      };
      auto stored = co_await ctx.db->query(store);
      if (stored) {
        log_refreshed(tenant_id);
        out = shopify_access{subdomain, next.access_token};
      } else {
        use_theirs = true;  // the row moved meanwhile (a reconnect, or a refresh after our lease ran out)
      }
    }
  }
  if (!reason.empty()) {
    auto mark = [tenant_id, version, holder, reason](storage::connection& c) {
      return storage::mark_refresh_refused(c, tenant_id, "shopify", version, holder, reason);
    };
    auto marked = co_await ctx.db->query(mark);
    if (marked) out = not_connected(reason);
    else use_theirs = true;  // refused because somebody else had already renewed: theirs is good
  }
  if (use_theirs) {
    auto theirs = co_await use_stored(ctx, tenant_id);
    out = std::move(theirs);
  }
  co_return out;
}

// Single flight: whoever takes the row's lease refreshes; everybody else (in this process or another)
// polls the row until its config_version moves, then uses the stored token. Bounded by wait_limit.
boost::asio::awaitable<access_result> refresh_once(context& ctx, std::int64_t tenant_id, std::int64_t seen_version,
                                                   access_request want) {
  access_result out = transient("Timed out waiting for another renewal of the Shopify token; try again shortly.");
  auto holder = crypto::random_hex(16);
  auto deadline = std::chrono::steady_clock::now() + wait_limit;
  auto executor = co_await boost::asio::this_coro::executor;
  boost::asio::steady_timer timer{executor};
  for (;;) {
    auto take = [tenant_id, holder](storage::connection& c) {
      return storage::take_refresh_lease(c, tenant_id, "shopify", holder, lease_seconds);
    };
    auto lease = co_await ctx.db->query(take);
    if (!lease.row || lease.row->status != "connected" || !lease.row->sealed_config) {
      out = not_connected(unavailable_reason(lease.row));
      break;
    }
    const auto& row = *lease.row;
    auto tokens = unseal_tokens(*ctx.keys, tenant_id, row.shop_domain, *row.sealed_config);
    bool moved = row.config_version != seen_version;
    if (tokens && !wants_refresh(*tokens, want, !moved, unix_now())) {
      if (lease.taken) {
        auto release = [tenant_id, holder](storage::connection& c) {
          storage::release_refresh_lease(c, tenant_id, "shopify", holder);
        };
        co_await ctx.db->query(release);
      }
      out = shopify_access{subdomain_of(row.shop_domain), tokens->access_token};
      break;
    }
    if (lease.taken) {
      if (tokens) {
        auto done = co_await refresh_with_lease(ctx, tenant_id, row, *tokens, holder);
        out = std::move(done);
      } else {
        auto reason = std::string{"The stored Shopify credentials could not be opened (unknown master key or tampering)."};
        auto version = row.config_version;
        auto mark = [tenant_id, version, holder, reason](storage::connection& c) {
          return storage::mark_refresh_refused(c, tenant_id, "shopify", version, holder, reason);
        };
        co_await ctx.db->query(mark);
        out = not_connected(reason);
      }
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    timer.expires_after(poll_interval);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
  co_return out;
}

boost::asio::awaitable<access_result> obtain_access(context& ctx, std::int64_t tenant_id, access_request want) {
  ensure_shopify_services(ctx);
  auto load = [tenant_id](storage::connection& c) { return storage::find_integration(c, tenant_id, "shopify"); };
  auto row = co_await ctx.db->query(load);
  access_result out = not_connected(unavailable_reason(row));
  if (row && row->status == "connected" && row->sealed_config) {
    auto tokens = unseal_tokens(*ctx.keys, tenant_id, row->shop_domain, *row->sealed_config);
    if (tokens && !wants_refresh(*tokens, want, true, unix_now())) {
      out = shopify_access{subdomain_of(row->shop_domain), tokens->access_token};
    } else {
      auto version = row->config_version;
      auto settled = co_await refresh_once(ctx, tenant_id, version, want);
      out = std::move(settled);
    }
  }
  co_return out;
}

}  // namespace

boost::asio::awaitable<shopify::client_result<shopify_access>> get_shopify_access(context& ctx, std::int64_t tenant_id,
                                                                                 bool force_refresh) {
  access_request want;
  want.force = force_refresh;
  auto got = co_await obtain_access(ctx, tenant_id, want);
  co_return got;
}

boost::asio::awaitable<shopify::client_result<shopify_access>> renew_shopify_access(context& ctx, std::int64_t tenant_id,
                                                                                   std::string rejected_token) {
  access_request want;
  want.rejected_token = std::move(rejected_token);
  auto got = co_await obtain_access(ctx, tenant_id, want);
  co_return got;
}

void ensure_shopify_services(context& ctx) {
  static std::mutex m;
  std::lock_guard lock{m};
  if (!ctx.keys) ctx.keys = std::make_shared<crypto::keyring>(build_keyring(ctx.settings));
  if (!ctx.shopify_transport) {
    shopify::transport_options o;
    o.ca_file = ctx.settings.shopify_ca_file;
    ctx.shopify_transport = shopify::make_beast_transport(o);
  }
  if (!ctx.shopify)
    ctx.shopify = std::make_shared<shopify::admin_client>(
        *ctx.shopify_transport,
        shopify::app_credentials{ctx.settings.shopify_api_key, ctx.settings.shopify_api_secret},
        ctx.settings.shopify_shop_url, ctx.settings.shopify_api_version);
}

}  // namespace nexsync::app
