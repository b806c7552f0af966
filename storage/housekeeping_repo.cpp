#include "storage/housekeeping_repo.hpp"

#include <string>

namespace nexsync::storage {

namespace {

constexpr std::int64_t rows_per_statement = 5000;

// Runs a DELETE of at most $1 rows (with $2 its age or idle bound) until it deletes fewer than
// rows_per_statement; returns the total.
std::int64_t delete_in_batches(connection& c, const std::string& sql, std::int64_t bound) {
  std::int64_t total = 0;
  for (;;) {
    auto n = c.exec(sql, params{rows_per_statement, bound}).affected();
    total += n;
    if (n < rows_per_statement) return total;
  }
}

}  // namespace

pruned_counts prune_old_records(connection& c, const retention& keep) {
  pruned_counts out;
  out.sessions = delete_in_batches(
      c,
      "DELETE FROM sessions WHERE token_hash IN (SELECT token_hash FROM sessions"
      " WHERE absolute_expires_at <= now() OR last_seen_at <= now() - make_interval(secs => $2) LIMIT $1)",
      keep.session_idle_seconds);
  out.webhook_events = delete_in_batches(
      c,
      "DELETE FROM webhook_events WHERE id IN (SELECT id FROM webhook_events"
      " WHERE status <> 'received' AND received_at < now() - make_interval(days => $2::int) ORDER BY id LIMIT $1)",
      keep.history_days);
  out.background_runs = delete_in_batches(
      c,
      "DELETE FROM sync_runs WHERE id IN (SELECT id FROM sync_runs"
      " WHERE trigger <> 'manual' AND status <> 'running' AND started_at < now() - make_interval(days => $2::int)"
      " ORDER BY id LIMIT $1)",
      keep.history_days);
  out.reconcile_reports = delete_in_batches(
      c,
      "DELETE FROM reconcile_reports WHERE id IN (SELECT r.id FROM reconcile_reports r"
      " WHERE r.created_at < now() - make_interval(days => $2::int)"
      "   AND r.id < (SELECT max(l.id) FROM reconcile_reports l WHERE l.tenant_id = r.tenant_id AND l.kind = r.kind)"
      " ORDER BY r.id LIMIT $1)",
      keep.history_days);
  out.oauth_flows = c.exec("DELETE FROM oauth_flows WHERE expires_at < now() - interval '1 hour'").affected();
  return out;
}

}  // namespace nexsync::storage
