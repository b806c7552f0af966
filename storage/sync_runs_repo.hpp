#pragma once
// Sync runs and their skipped rows. Every query is scoped by tenant.

#include "storage/pg.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nexsync::storage {

/// One recorded run.
struct sync_run_row {
  std::int64_t id = 0;
  std::string direction, trigger, status;
  std::int64_t synced = 0, skipped = 0, failed = 0;
  std::optional<std::int64_t> total;
  std::string error;
  std::string started_at, finished_at;  ///< ISO 8601 UTC; finished_at empty while running
  double seconds = 0;
};

/// A skipped row: its key and the reason.
struct skip_row {
  std::string key;
  std::string reason;
};

/// Starts a run; returns its id.
std::int64_t start_run(connection& c, std::int64_t tenant_id, const std::string& direction, const std::string& trigger);

/// Adds counts and skipped rows of one page to a run (inside the page's transaction).
void add_to_run(connection& c, std::int64_t tenant_id, std::int64_t run_id, std::int64_t synced, std::int64_t skipped,
                std::int64_t failed, const std::vector<skip_row>& skips);

/// Records the total number of rows the run will look at, when known.
void set_run_total(connection& c, std::int64_t tenant_id, std::int64_t run_id, std::int64_t total);

/// Ends a run (error empty: succeeded).
void finish_run(connection& c, std::int64_t tenant_id, std::int64_t run_id, const std::string& error);

/// A run of this tenant.
std::optional<sync_run_row> find_run(connection& c, std::int64_t tenant_id, std::int64_t run_id);

/// The latest runs of this tenant, newest first.
std::vector<sync_run_row> recent_runs(connection& c, std::int64_t tenant_id, int limit);

/// The skipped rows of one run of this tenant.
std::vector<skip_row> run_skips(connection& c, std::int64_t tenant_id, std::int64_t run_id, int limit);

}  // namespace nexsync::storage
