#pragma once
// Integrations (a tenant's connection to an online store) and OAuth round trips in flight.
// Every call is scoped by tenant, except the shop-keyed ones webhooks need (they find the tenant).
// Sealed configs are opaque text here: sealing is the caller's business. Blocking: use storage::pool.

#include "storage/pg.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nexsync::storage {

/// One integration as stored.
struct integration_row {
  std::int64_t id = 0;
  std::int64_t tenant_id = 0;
  std::string provider;                         ///< "shopify"
  std::string shop_domain;                      ///< e.g. acme.myshopify.com
  std::string status;                           ///< connected | needs_reconnect | disconnected
  std::optional<std::string> sealed_config;     ///< NULL once disconnected
  std::optional<std::string> key_id;            ///< master key id of sealed_config
  std::int64_t config_version = 0;              ///< bumped on every token change
  std::optional<std::int64_t> access_expires_at;  ///< Unix seconds
  std::string granted_scopes;                   ///< comma-separated
  std::optional<std::string> location_id;       ///< gid of the inventory location
  std::optional<std::string> status_reason;     ///< why it needs reconnecting / was disconnected
  std::optional<std::int64_t> connected_at;     ///< Unix seconds
  std::optional<std::int64_t> last_synced_at;   ///< Unix seconds
  std::optional<std::int64_t> last_reconciled_at;  ///< Unix seconds
};

/// What a fresh connection stores.
struct new_connection {
  std::int64_t tenant_id = 0;
  std::string provider;
  std::string shop_domain;
  std::string sealed_config;
  std::string key_id;
  std::optional<std::int64_t> access_expires_at;
  std::string granted_scopes;
  std::optional<std::string> location_id;
};

/// The tenant's integration with this provider, whatever its status.
std::optional<integration_row> find_integration(connection& c, std::int64_t tenant_id, const std::string& provider);

/// The tenant currently holding this shop (connected or needing reconnection), if any.
std::optional<std::int64_t> shop_holder(connection& c, const std::string& provider, const std::string& shop_domain);

/// Stores a connection (insert, or replace the tenant's previous row); throws query_error with
/// unique_violation() if another tenant holds the shop.
void save_connection(connection& c, const new_connection& n);

/// The answer to asking for the token-refresh lease.
struct refresh_lease {
  bool taken = false;                  ///< the caller holds the lease now and is the one to refresh
  std::optional<integration_row> row;  ///< the row as it is now (none: no such integration)
};

/// Takes the row's token-refresh lease for lease_seconds if it is connected and nobody holds an unexpired
/// lease (one conditional UPDATE, so exactly one of racing callers, in any process, gets it); otherwise
/// only reads the row. holder: a random id of this refresh attempt.
refresh_lease take_refresh_lease(connection& c, std::int64_t tenant_id, const std::string& provider,
                                 const std::string& holder, std::int64_t lease_seconds);

/// Stores refreshed tokens if the row is still at expected_version, and releases holder's lease either
/// way; false if the row moved meanwhile (a reconnect, or a refresh after this lease ran out).
bool store_refreshed_tokens(connection& c, std::int64_t tenant_id, const std::string& provider,
                            std::int64_t expected_version, const std::string& holder, const std::string& sealed_config,
                            const std::string& key_id, std::optional<std::int64_t> access_expires_at);

/// Releases the lease if holder still holds it (the refresh failed transiently or was not needed).
void release_refresh_lease(connection& c, std::int64_t tenant_id, const std::string& provider, const std::string& holder);

/// Shopify refused a refresh: marks needs_reconnect with reason only if the row is still connected at
/// expected_version (a refresh refused because a concurrent one had already rotated the refresh token
/// must not disconnect the shop), and releases holder's lease. Returns whether it marked.
bool mark_refresh_refused(connection& c, std::int64_t tenant_id, const std::string& provider,
                          std::int64_t expected_version, const std::string& holder, const std::string& reason);

/// Disconnects: deletes the sealed config, keeps the row (and everything imported) as history.
/// Returns false if there was nothing connected.
bool mark_disconnected(connection& c, std::int64_t tenant_id, const std::string& provider, const std::string& reason);

/// app/uninstalled for a shop: disconnects whichever tenant holds it; returns that tenant.
std::optional<std::int64_t> mark_uninstalled(connection& c, const std::string& provider, const std::string& shop_domain);

/// Records a finished manual sync ("Last synced"); reconciliation marks live in reconcile_repo.hpp.
void mark_synced(connection& c, std::int64_t tenant_id, const std::string& provider);

/// A connected shop: which tenant holds which shop domain.
struct connected_shop {
  std::int64_t tenant_id = 0;
  std::string shop_domain;
  std::optional<std::int64_t> last_reconciled_at;  ///< Unix seconds: where the last complete reconcile started
  std::optional<std::int64_t> last_swept_at;       ///< Unix seconds: where the last complete sweep started
};

/// Every integration of this provider that is connected (the reconciler's list).
std::vector<connected_shop> connected_shops(connection& c, const std::string& provider);

/// An OAuth round trip in flight.
struct oauth_flow_row {
  std::int64_t tenant_id = 0;
  std::string provider;
  std::string shop_domain;
  std::string session_hash;
};

/// Records a round trip (nonce_hash, session_hash: hex) valid for ttl_seconds; purges expired ones.
void create_oauth_flow(connection& c, const std::string& nonce_hash, const oauth_flow_row& flow, std::int64_t ttl_seconds);

/// Takes (deletes) an unexpired round trip of this tenant: each nonce works once.
std::optional<oauth_flow_row> consume_oauth_flow(connection& c, const std::string& nonce_hash, std::int64_t tenant_id);

}  // namespace nexsync::storage
