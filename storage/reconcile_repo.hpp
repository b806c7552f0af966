#pragma once
// Reconciliation bookkeeping: each walk's mark (where the next one starts) and its completeness report.
// Tenant-scoped. Blocking: run through storage::pool.

#include "storage/pg.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nexsync::storage {

/// One walk's findings: Shopify's paid orders in the window against the sales held for them.
struct reconcile_report {
  std::int64_t id = 0;
  std::int64_t tenant_id = 0;
  std::string shop_domain;
  std::int64_t run_id = 0;
  std::string kind;                         ///< reconcile (daily or cron) | sweep (every few minutes)
  std::optional<std::int64_t> window_from;  ///< Unix seconds; none: every readable order
  std::int64_t window_to = 0;               ///< Unix seconds: when the walk started
  std::int64_t shopify_paid = 0;
  std::int64_t recorded = 0;
  std::vector<std::string> missing;         ///< order names (or ids) without a sale
  std::int64_t cost_points = 0;             ///< query cost the walk spent
  std::int64_t cost_cap = 0;                ///< the most it could spend (0: uncapped)
  bool complete = true;                     ///< false: the cap stopped it before the last page
  std::string created_at;                   ///< UTC ISO 8601
};

/// Where the last successful walk of this kind started (Unix seconds), if one succeeded.
std::optional<std::int64_t> walk_mark(connection& c, std::int64_t tenant_id, const std::string& kind);
/// Moves the mark of this kind to started_at (Unix seconds): only after a complete walk.
void set_walk_mark(connection& c, std::int64_t tenant_id, const std::string& kind, std::int64_t started_at);

/// Where a capped sweep stopped: the start of the window it walked (Unix seconds) and the cursor after
/// its last page.
struct sweep_resume {
  std::int64_t window_from = 0;
  std::string cursor;
};
/// The stored resume point of the tenant's sweep, if its last sweep stopped at the cap.
std::optional<sweep_resume> find_sweep_resume(connection& c, std::int64_t tenant_id);
/// Stores (or, with nullopt, clears) the sweep's resume point.
void set_sweep_resume(connection& c, std::int64_t tenant_id, const std::optional<sweep_resume>& resume);

/// The Shopify order ids (gids) of this list that have no sale in this tenant.
std::vector<std::string> orders_without_sale(connection& c, std::int64_t tenant_id, const std::vector<std::string>& order_ids);

/// Stores a report (id and created_at are assigned).
void save_report(connection& c, const reconcile_report& report);
/// The tenant's latest report of this kind.
std::optional<reconcile_report> latest_report(connection& c, std::int64_t tenant_id, const std::string& kind);

}  // namespace nexsync::storage
