#include "storage/integrations_repo.hpp"

namespace nexsync::storage {

namespace {

constexpr std::string_view columns =
    "id, tenant_id, provider, shop_domain, status, sealed_config, key_id, config_version,"
    " extract(epoch FROM access_expires_at)::bigint, granted_scopes, location_id, status_reason,"
    " extract(epoch FROM connected_at)::bigint, extract(epoch FROM last_synced_at)::bigint,"
    " extract(epoch FROM last_reconciled_at)::bigint";

std::optional<std::int64_t> opt_int(const result& r, int row, int col) {
  if (r.is_null(row, col)) return std::nullopt;
  return r.int64(row, col);
}

integration_row read_row(const result& r, int i) {
  integration_row x;
  x.id = r.int64(i, 0);
  x.tenant_id = r.int64(i, 1);
  x.provider = r.get(i, 2);
  x.shop_domain = r.get(i, 3);
  x.status = r.get(i, 4);
  x.sealed_config = r.optional(i, 5);
  x.key_id = r.optional(i, 6);
  x.config_version = r.int64(i, 7);
  x.access_expires_at = opt_int(r, i, 8);
  x.granted_scopes = r.get(i, 9);
  x.location_id = r.optional(i, 10);
  x.status_reason = r.optional(i, 11);
  x.connected_at = opt_int(r, i, 12);
  x.last_synced_at = opt_int(r, i, 13);
  x.last_reconciled_at = opt_int(r, i, 14);
  return x;
}

}  // namespace

std::optional<integration_row> find_integration(connection& c, std::int64_t tenant_id, const std::string& provider) {
  // A unique key (a click reads it twice: the handler, then its job), so its plan can be kept.
  auto r = c.exec_with_cached_plan("SELECT " + std::string{columns} + " FROM integrations WHERE tenant_id = $1 AND provider = $2",
                                   params{tenant_id, provider});
  if (r.rows() == 0) return std::nullopt;
  return read_row(r, 0);
}

std::optional<std::int64_t> shop_holder(connection& c, const std::string& provider, const std::string& shop_domain) {
  auto r = c.exec(
      "SELECT tenant_id FROM integrations WHERE provider = $1 AND lower(shop_domain) = lower($2)"
      " AND status <> 'disconnected'",
      params{provider, shop_domain});
  if (r.rows() == 0) return std::nullopt;
  return r.int64(0, 0);
}

void save_connection(connection& c, const new_connection& n) {
  c.exec(
      "INSERT INTO integrations (tenant_id, provider, shop_domain, status, sealed_config, key_id, config_version,"
      " access_expires_at, granted_scopes, location_id, connected_at)"
      " VALUES ($1, $2, lower($3), 'connected', $4, $5, 1, to_timestamp($6), $7, $8, now())"
      " ON CONFLICT (tenant_id, provider) DO UPDATE SET shop_domain = EXCLUDED.shop_domain, status = 'connected',"
      " sealed_config = EXCLUDED.sealed_config, key_id = EXCLUDED.key_id,"
      " config_version = integrations.config_version + 1, access_expires_at = EXCLUDED.access_expires_at,"
      " granted_scopes = EXCLUDED.granted_scopes, location_id = EXCLUDED.location_id, status_reason = NULL,"
      " connected_at = now(), disconnected_at = NULL, updated_at = now()",
      params{n.tenant_id, n.provider, n.shop_domain, n.sealed_config, n.key_id, n.access_expires_at, n.granted_scopes,
             n.location_id});
}

refresh_lease take_refresh_lease(connection& c, std::int64_t tenant_id, const std::string& provider,
                                 const std::string& holder, std::int64_t lease_seconds) {
  auto r = c.exec(
      "UPDATE integrations SET refresh_lease_until = now() + make_interval(secs => $4), refresh_lease_holder = $3"
      " WHERE tenant_id = $1 AND provider = $2 AND status = 'connected'"
      " AND (refresh_lease_until IS NULL OR refresh_lease_until <= now())"
      " RETURNING " + std::string{columns},
      params{tenant_id, provider, holder, lease_seconds});
  refresh_lease out;
  if (r.rows() == 1) {
    out.taken = true;
    out.row = read_row(r, 0);
  } else {
    out.row = find_integration(c, tenant_id, provider);
  }
  return out;
}

bool store_refreshed_tokens(connection& c, std::int64_t tenant_id, const std::string& provider,
                            std::int64_t expected_version, const std::string& holder, const std::string& sealed_config,
                            const std::string& key_id, std::optional<std::int64_t> access_expires_at) {
  auto r = c.exec(
      "UPDATE integrations SET sealed_config = $5, key_id = $6, access_expires_at = to_timestamp($7),"
      " config_version = config_version + 1, status_reason = NULL, updated_at = now(),"
      " refresh_lease_until = CASE WHEN refresh_lease_holder = $4 THEN NULL ELSE refresh_lease_until END,"
      " refresh_lease_holder = CASE WHEN refresh_lease_holder = $4 THEN NULL ELSE refresh_lease_holder END"
      " WHERE tenant_id = $1 AND provider = $2 AND config_version = $3 AND status = 'connected'",
      params{tenant_id, provider, expected_version, holder, sealed_config, key_id, access_expires_at});
  if (r.affected() == 1) return true;
  release_refresh_lease(c, tenant_id, provider, holder);
  return false;
}

void release_refresh_lease(connection& c, std::int64_t tenant_id, const std::string& provider, const std::string& holder) {
  c.exec(
      "UPDATE integrations SET refresh_lease_until = NULL, refresh_lease_holder = NULL"
      " WHERE tenant_id = $1 AND provider = $2 AND refresh_lease_holder = $3",
      params{tenant_id, provider, holder});
}

bool mark_refresh_refused(connection& c, std::int64_t tenant_id, const std::string& provider,
                          std::int64_t expected_version, const std::string& holder, const std::string& reason) {
  auto r = c.exec(
      "UPDATE integrations SET status = 'needs_reconnect', status_reason = $4, updated_at = now(),"
      " refresh_lease_until = NULL, refresh_lease_holder = NULL"
      " WHERE tenant_id = $1 AND provider = $2 AND config_version = $3 AND status = 'connected'",
      params{tenant_id, provider, expected_version, reason});
  if (r.affected() == 1) return true;
  release_refresh_lease(c, tenant_id, provider, holder);
  return false;
}

bool mark_disconnected(connection& c, std::int64_t tenant_id, const std::string& provider, const std::string& reason) {
  auto r = c.exec(
      "UPDATE integrations SET status = 'disconnected', status_reason = $3, sealed_config = NULL, key_id = NULL,"
      " access_expires_at = NULL, config_version = config_version + 1, disconnected_at = now(), updated_at = now()"
      " WHERE tenant_id = $1 AND provider = $2 AND status <> 'disconnected'",
      params{tenant_id, provider, reason});
  return r.affected() == 1;
}

std::optional<std::int64_t> mark_uninstalled(connection& c, const std::string& provider, const std::string& shop_domain) {
  auto r = c.exec(
      "UPDATE integrations SET status = 'disconnected', status_reason = 'The app was uninstalled in Shopify.',"
      " sealed_config = NULL, key_id = NULL, access_expires_at = NULL, config_version = config_version + 1,"
      " disconnected_at = now(), updated_at = now()"
      " WHERE provider = $1 AND lower(shop_domain) = lower($2) AND status <> 'disconnected' RETURNING tenant_id",
      params{provider, shop_domain});
  if (r.rows() == 0) return std::nullopt;
  return r.int64(0, 0);
}

void mark_synced(connection& c, std::int64_t tenant_id, const std::string& provider) {
  c.exec("UPDATE integrations SET last_synced_at = now(), updated_at = now() WHERE tenant_id = $1 AND provider = $2",
         params{tenant_id, provider});
}

void create_oauth_flow(connection& c, const std::string& nonce_hash, const oauth_flow_row& flow, std::int64_t ttl_seconds) {
  c.exec("DELETE FROM oauth_flows WHERE expires_at < now() - interval '1 hour'");
  c.exec(
      "INSERT INTO oauth_flows (nonce_hash, tenant_id, provider, shop_domain, session_hash, expires_at)"
      " VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))",
      params{nonce_hash, flow.tenant_id, flow.provider, flow.shop_domain, flow.session_hash, ttl_seconds});
}

std::optional<oauth_flow_row> consume_oauth_flow(connection& c, const std::string& nonce_hash, std::int64_t tenant_id) {
  auto r = c.exec(
      "DELETE FROM oauth_flows WHERE nonce_hash = $1 AND tenant_id = $2"
      " RETURNING tenant_id, provider, shop_domain, session_hash, expires_at > now()",
      params{nonce_hash, tenant_id});
  if (r.rows() == 0 || !r.boolean(0, 4)) return std::nullopt;
  return oauth_flow_row{r.int64(0, 0), r.get(0, 1), r.get(0, 2), r.get(0, 3)};
}

std::vector<connected_shop> connected_shops(connection& c, const std::string& provider) {
  auto r = c.exec("SELECT tenant_id, shop_domain, extract(epoch FROM last_reconciled_at)::bigint,"
                  " extract(epoch FROM last_swept_at)::bigint FROM integrations WHERE provider = $1 AND status = 'connected'"
                  " ORDER BY tenant_id",
                  params{provider});
  std::vector<connected_shop> out;
  for (int i = 0; i < r.rows(); ++i) {
    connected_shop s{r.int64(i, 0), r.get(i, 1), std::nullopt, std::nullopt};
    if (!r.is_null(i, 2)) s.last_reconciled_at = r.int64(i, 2);
    if (!r.is_null(i, 3)) s.last_swept_at = r.int64(i, 3);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace nexsync::storage
