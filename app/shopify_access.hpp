#pragma once
// The one place a Shopify access token is obtained: unseal the tenant's tokens, refresh them shortly
// before they expire (and once when Shopify answers 401), store the new pair, and mark the integration
// as needing reconnection when Shopify refuses the refresh. One refresh at a time per integration, across
// processes: a short lease on the integrations row (storage/migrations/007_refresh_lease.sql).
// Connect, disconnect and the sync engine all go through with_shopify_token().

#include "app/context.hpp"
#include "shopify/admin_client.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace nexsync::app {

/// What sealed_config holds for a Shopify integration.
struct shopify_tokens {
  std::string access_token;
  std::optional<std::int64_t> access_expires_at;   ///< Unix seconds; none for a non-expiring token
  std::string refresh_token;                        ///< empty for a non-expiring token
  std::optional<std::int64_t> refresh_expires_at;  ///< Unix seconds
};

/// Tokens from a token endpoint reply received at `now` (Unix seconds).
shopify_tokens tokens_from(const shopify::token_response& r, std::int64_t now);

/// The associated data binding sealed tokens to one tenant and shop.
std::string sealing_context(std::int64_t tenant_id, std::string_view shop_domain);

/// Seals tokens for storage under the current master key.
std::string seal_tokens(const crypto::keyring& keys, std::int64_t tenant_id, std::string_view shop_domain,
                        const shopify_tokens& tokens);

/// Opens sealed tokens; nullopt if the key is unknown, the text was tampered with or belongs elsewhere.
std::optional<shopify_tokens> unseal_tokens(const crypto::keyring& keys, std::int64_t tenant_id,
                                            std::string_view shop_domain, std::string_view sealed);

/// Seconds before expiry at which a token is refreshed rather than used.
inline constexpr std::int64_t refresh_margin_seconds = 300;

/// A token ready for one call.
struct shopify_access {
  std::string subdomain;  ///< the shop, e.g. "acme-jewellers"
  std::string token;
};

/// A usable access token for the tenant's Shopify shop: refreshed first if it expires within the
/// margin or if force_refresh (a refresh somebody else finished meanwhile counts). Single flight across
/// callers and processes: the caller taking the row's refresh lease refreshes, the others wait for its
/// result (up to 10 s, then a transport error). Errors: unauthorized when not connected or the refresh
/// was refused (then the integration is marked needs_reconnect); transport/server for transient failures.
boost::asio::awaitable<shopify::client_result<shopify_access>> get_shopify_access(context& ctx, std::int64_t tenant_id,
                                                                                 bool force_refresh = false);

/// After Shopify answered 401 to rejected_token: a renewed token. Refreshes only while the stored token
/// is still the rejected one, so many callers hit by the same 401 cause one refresh between them.
boost::asio::awaitable<shopify::client_result<shopify_access>> renew_shopify_access(context& ctx, std::int64_t tenant_id,
                                                                                   std::string rejected_token);

/// Runs op(access) (a coroutine returning client_result<T>) with a valid token; on a 401 renews the
/// token (once for all callers rejected with it) and runs it again.
template <class T, class Op>
boost::asio::awaitable<shopify::client_result<T>> with_shopify_token(context& ctx, std::int64_t tenant_id, Op op) {
  auto access = co_await get_shopify_access(ctx, tenant_id, false);
  if (!access) co_return access.error();
  auto first = co_await op(*access);
  if (first || first.error().kind != shopify::client_error_kind::unauthorized) co_return first;
  auto rejected = access->token;
  auto renewed = co_await renew_shopify_access(ctx, tenant_id, rejected);
  if (!renewed) co_return renewed.error();
  auto second = co_await op(*renewed);
  co_return second;
}

/// Builds ctx.keys, ctx.shopify_transport and ctx.shopify from the settings if not set yet.
void ensure_shopify_services(context& ctx);

}  // namespace nexsync::app
