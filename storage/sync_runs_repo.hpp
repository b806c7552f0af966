#pragma once
// Sync runs and their skipped rows. Every query is scoped by tenant, but close_interrupted_runs (start-up).

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

/// What an interrupted run's record says (close_interrupted_runs).
inline constexpr const char* interrupted_run_error =
    "Interrupted: nexsync stopped before this run finished. Every page it had written is kept; run it again to finish.";

/// Closes, as failed, every run an earlier server process left running (it stopped or crashed mid-run),
/// so none shows "running" forever; returns how many. Called once at start-up, across tenants: one
/// process serves every shop (one rate limiter for all of them), so no other process is running them;
/// with DESIGN.md's several nodes, a node would close only the runs of the shops it owns. A run this
/// process starts before the call is closed too, and then corrected by its own finish_run.
std::int64_t close_interrupted_runs(connection& c);

/// A run of this tenant.
std::optional<sync_run_row> find_run(connection& c, std::int64_t tenant_id, std::int64_t run_id);

/// The latest runs of this tenant worth a look, newest first: every clicked run, and the background
/// ones (webhook applies, sweeps, reconciles, start-up replays) that are running, failed, or recorded
/// something. A sweep every five minutes that found nothing new would otherwise push the clicks out.
std::vector<sync_run_row> recent_runs(connection& c, std::int64_t tenant_id, int limit);

/// The skipped rows of one run of this tenant.
std::vector<skip_row> run_skips(connection& c, std::int64_t tenant_id, std::int64_t run_id, int limit);

}  // namespace nexsync::storage
