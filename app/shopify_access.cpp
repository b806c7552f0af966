#include "app/shopify_access.hpp"

#include "crypto/seal.hpp"
#include "log/log.hpp"
#include "shopify/admin_client.hpp"
#include "shopify/http_transport.hpp"
#include "shopify/shop_domain.hpp"
#include "storage/integrations_repo.hpp"

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

boost::asio::awaitable<shopify::client_result<shopify_access>> get_shopify_access(context& ctx, std::int64_t tenant_id,
                                                                                 bool force_refresh) {
  ensure_shopify_services(ctx);
  auto load = [tenant_id](storage::connection& c) { return storage::find_integration(c, tenant_id, "shopify"); };
  auto row = co_await ctx.db->query(load);
  if (!row || row->status == "disconnected" || !row->sealed_config)
    co_return not_connected("Shopify is not connected.");
  if (row->status == "needs_reconnect") co_return not_connected("The Shopify connection needs to be reconnected.");

  auto tokens = unseal_tokens(*ctx.keys, tenant_id, row->shop_domain, *row->sealed_config);
  auto reason = std::string{};
  if (!tokens) {
    reason = "The stored Shopify credentials could not be opened (unknown master key or tampering).";
  } else {
    auto now = unix_now();
    bool fresh = !tokens->access_expires_at || *tokens->access_expires_at > now + refresh_margin_seconds;
    if (fresh && !force_refresh) co_return shopify_access{subdomain_of(row->shop_domain), tokens->access_token};
    if (tokens->refresh_token.empty() || (tokens->refresh_expires_at && *tokens->refresh_expires_at <= now)) {
      reason = "Shopify's access has expired and cannot be renewed.";
    } else {
      auto refreshed = co_await ctx.shopify->refresh(subdomain_of(row->shop_domain), tokens->refresh_token);
      if (!refreshed) {
        auto kind = refreshed.error().kind;
        if (kind != shopify::client_error_kind::rejected && kind != shopify::client_error_kind::unauthorized &&
            kind != shopify::client_error_kind::bad_response)
          co_return refreshed.error();  // transient: try again later, keep the connection
        log::warn("shopify", "token refresh refused", {{"tenant_id", tenant_id}, {"error", refreshed.error().message}});
        reason = "Shopify refused to renew nexsync's access.";
      } else {
        auto next = tokens_from(*refreshed, unix_now());
        auto sealed = seal_tokens(*ctx.keys, tenant_id, row->shop_domain, next);
        auto key_id = ctx.keys->current().id;
        auto version = row->config_version;
        auto expires = next.access_expires_at;
        auto store = [tenant_id, version, sealed, key_id, expires](storage::connection& c) {
          return storage::update_tokens(c, tenant_id, "shopify", version, sealed, key_id, expires);
        };
        auto stored = co_await ctx.db->query(store);
        if (stored) {
          log::info("shopify", "token refreshed", {{"tenant_id", tenant_id}});
          co_return shopify_access{subdomain_of(row->shop_domain), next.access_token};
        }
        // Another refresh won the race: use what it stored.
        auto again = co_await ctx.db->query(load);
        if (again && again->status == "connected" && again->sealed_config) {
          auto theirs = unseal_tokens(*ctx.keys, tenant_id, again->shop_domain, *again->sealed_config);
          if (theirs) co_return shopify_access{subdomain_of(again->shop_domain), theirs->access_token};
        }
        co_return not_connected("The Shopify connection changed while renewing access.");
      }
    }
  }
  auto mark = [tenant_id, reason](storage::connection& c) { storage::mark_needs_reconnect(c, tenant_id, "shopify", reason); };
  co_await ctx.db->query(mark);
  co_return not_connected(reason);
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
