#pragma once
// Housekeeping: what no one can use any more, or what is older than the operator keeps, is deleted so
// the tables stop growing with time. A system task across tenants (like close_interrupted_runs): every
// statement is bounded by age or expiry, never by tenant.

#include "storage/pg.hpp"

#include <cstdint>

namespace nexsync::storage {

/// How long records are kept.
struct retention {
  std::int64_t session_idle_seconds = 120 * 60;  ///< a session unused this long is over (find_session's rule)
  std::int64_t history_days = 14;                 ///< settled webhooks, background runs and their reports
};

/// What one pass deleted.
struct pruned_counts {
  std::int64_t sessions = 0;
  std::int64_t webhook_events = 0;
  std::int64_t background_runs = 0;  ///< with their skipped rows
  std::int64_t reconcile_reports = 0;
  std::int64_t oauth_flows = 0;
};

/// Deletes sessions that expired (absolute or idle), webhook events settled (applied, skipped, failed)
/// and received more than history_days ago (one still waiting is never deleted), finished runs that no
/// person clicked (webhook applies, sweeps, reconciles, start-up replays) started more than history_days
/// ago, reconcile reports older than that except each tenant's latest of each kind (the completeness
/// report), and OAuth flows expired an hour ago. Manual runs stay: they are the tenant's own history.
/// At most 5,000 rows a statement, each its own transaction, so no pass holds locks for long.
pruned_counts prune_old_records(connection& c, const retention& keep);

}  // namespace nexsync::storage
