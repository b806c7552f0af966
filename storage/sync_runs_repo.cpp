#include "storage/sync_runs_repo.hpp"

namespace nexsync::storage {

namespace {
constexpr const char* run_columns =
    "id, direction, trigger, status, synced, skipped, failed, total, coalesce(error, ''),"
    " to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
    " coalesce(to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''),"
    " extract(epoch FROM coalesce(finished_at, now()) - started_at)::float8";

sync_run_row read_run(const result& r, int i) {
  sync_run_row row;
  row.id = r.int64(i, 0);
  row.direction = r.get(i, 1);
  row.trigger = r.get(i, 2);
  row.status = r.get(i, 3);
  row.synced = r.int64(i, 4);
  row.skipped = r.int64(i, 5);
  row.failed = r.int64(i, 6);
  if (!r.is_null(i, 7)) row.total = r.int64(i, 7);
  row.error = r.get(i, 8);
  row.started_at = r.get(i, 9);
  row.finished_at = r.get(i, 10);
  row.seconds = r.number(i, 11);
  return row;
}
}  // namespace

std::int64_t start_run(connection& c, std::int64_t tenant_id, const std::string& direction, const std::string& trigger) {
  return c
      .exec("INSERT INTO sync_runs (tenant_id, direction, trigger) VALUES ($1, $2, $3) RETURNING id",
            params{tenant_id, direction, trigger})
      .int64(0, 0);
}

void add_to_run(connection& c, std::int64_t tenant_id, std::int64_t run_id, std::int64_t synced, std::int64_t skipped,
                std::int64_t failed, const std::vector<skip_row>& skips) {
  c.exec("UPDATE sync_runs SET synced = synced + $3, skipped = skipped + $4, failed = failed + $5"
         " WHERE tenant_id = $1 AND id = $2",
         params{tenant_id, run_id, synced, skipped, failed});
  if (skips.empty()) return;
  // The page's skips are one row: its foreign keys are checked once, not once a skipped row (migration 012).
  std::vector<std::string_view> keys, reasons;
  for (auto& skip : skips) {
    keys.push_back(skip.key);
    reasons.push_back(skip.reason);
  }
  c.exec("INSERT INTO sync_skip_pages (run_id, tenant_id, item_keys, reasons) VALUES ($2, $1, $3::text[], $4::text[])",
         params{tenant_id, run_id, binary_text_array(keys), binary_text_array(reasons)});
}

void set_run_total(connection& c, std::int64_t tenant_id, std::int64_t run_id, std::int64_t total) {
  c.exec("UPDATE sync_runs SET total = $3 WHERE tenant_id = $1 AND id = $2", params{tenant_id, run_id, total});
}

void finish_run(connection& c, std::int64_t tenant_id, std::int64_t run_id, const std::string& error) {
  c.exec("UPDATE sync_runs SET status = $3, error = nullif($4, ''), finished_at = now()"
         " WHERE tenant_id = $1 AND id = $2",
         params{tenant_id, run_id, std::string{error.empty() ? "succeeded" : "failed"}, error});
}

std::int64_t close_interrupted_runs(connection& c) {
  return c.exec("UPDATE sync_runs SET status = 'failed', error = $1, finished_at = now() WHERE status = 'running'",
                params{std::string{interrupted_run_error}})
      .affected();
}

std::optional<sync_run_row> find_run(connection& c, std::int64_t tenant_id, std::int64_t run_id) {
  auto r = c.exec(std::string{"SELECT "} + run_columns + " FROM sync_runs WHERE tenant_id = $1 AND id = $2",
                  params{tenant_id, run_id});
  if (r.rows() == 0) return std::nullopt;
  return read_run(r, 0);
}

std::vector<sync_run_row> recent_runs(connection& c, std::int64_t tenant_id, int limit) {
  auto r = c.exec(std::string{"SELECT "} + run_columns + " FROM sync_runs WHERE tenant_id = $1"
                  "   AND (trigger = 'manual' OR status <> 'succeeded' OR synced > 0 OR failed > 0)"
                  " ORDER BY id DESC LIMIT $2",
                  params{tenant_id, limit});
  std::vector<sync_run_row> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_run(r, i));
  return out;
}

std::vector<skip_row> run_skips(connection& c, std::int64_t tenant_id, std::int64_t run_id, int limit) {
  auto r = c.exec("SELECT u.k, u.r FROM sync_skip_pages p, unnest(p.item_keys, p.reasons) WITH ORDINALITY AS u(k, r, n)"
                  " WHERE p.tenant_id = $1 AND p.run_id = $2 ORDER BY p.id, u.n LIMIT $3",
                  params{tenant_id, run_id, limit});
  std::vector<skip_row> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back({r.get(i, 0), r.get(i, 1)});
  return out;
}

}  // namespace nexsync::storage
