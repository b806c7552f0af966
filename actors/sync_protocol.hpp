#pragma once
// The messages of shop_connection and connection_registry: sync requests, results, progress, status.

#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>

#include "actors/rate_limiter.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace nexsync::actors {

/// What to run. direction: products | customers | orders | inventory (buttons), reconcile, sweep
/// (cron), webhook (apply a stored webhook event). trigger: manual | cron | webhook | startup.
struct sync_request {
  std::string direction;
  std::string trigger = "manual";
  std::int64_t user_id = 0;
  std::string since;         ///< reconcile/sweep: ISO time to walk orders from (empty: the stored mark)
  std::int64_t event_id = 0; ///< webhook: the stored event to apply
};

/// How a run ended.
struct sync_result {
  std::int64_t run_id = 0;
  std::string direction;
  std::string trigger;
  std::int64_t synced = 0, skipped = 0, failed = 0;
  std::string error;  ///< empty on success; else the first error, for a person
  std::int64_t started_ms = 0, finished_ms = 0;  ///< Unix time in milliseconds
  bool stopped = false;  ///< ended (or never started) because the server is stopping: not a failure
};

/// Where the running job is.
struct job_progress {
  std::int64_t run_id = 0;
  std::string direction;
  std::string trigger;
  std::int64_t done = 0, total = 0;  ///< total 0: not known yet
  std::int64_t started_ms = 0;
};

/// The reply to a sync request: refused (another job runs; `running` says which) or the result.
struct sync_reply {
  bool refused = false;
  job_progress running;
  sync_result result;
};

/// The connection's state for status pages.
struct connection_status {
  bool busy = false;
  job_progress running;
  std::uint64_t queued = 0;
  std::vector<sync_result> last;  ///< the latest result per direction
};

/// A progress or completion event pushed to subscribers (kind: progress | finished).
struct sync_event {
  std::string kind;
  job_progress progress;
  sync_result result;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sync_request& x) {
  return f(caf::meta::type_name("sync_request"), x.direction, x.trigger, x.user_id, x.since, x.event_id);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sync_result& x) {
  return f(caf::meta::type_name("sync_result"), x.run_id, x.direction, x.trigger, x.synced, x.skipped, x.failed,
           x.error, x.started_ms, x.finished_ms, x.stopped);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_progress& x) {
  return f(caf::meta::type_name("job_progress"), x.run_id, x.direction, x.trigger, x.done, x.total, x.started_ms);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sync_reply& x) {
  return f(caf::meta::type_name("sync_reply"), x.refused, x.running, x.result);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, connection_status& x) {
  return f(caf::meta::type_name("connection_status"), x.busy, x.running, x.queued, x.last);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sync_event& x) {
  return f(caf::meta::type_name("sync_event"), x.kind, x.progress, x.result);
}

/// Whether a direction is started by a person (refused while busy) rather than queued.
bool is_manual_direction(const std::string& direction, const std::string& trigger);

}  // namespace nexsync::actors

CAF_BEGIN_TYPE_ID_BLOCK(nexsync_sync, caf::id_block::nexsync_rate_limiter_last_type_id + 1)
  CAF_ADD_TYPE_ID(nexsync_sync, (nexsync::actors::sync_request))
  CAF_ADD_TYPE_ID(nexsync_sync, (nexsync::actors::sync_result))
  CAF_ADD_TYPE_ID(nexsync_sync, (nexsync::actors::job_progress))
  CAF_ADD_TYPE_ID(nexsync_sync, (nexsync::actors::sync_reply))
  CAF_ADD_TYPE_ID(nexsync_sync, (nexsync::actors::connection_status))
  CAF_ADD_TYPE_ID(nexsync_sync, (nexsync::actors::sync_event))
  CAF_ADD_TYPE_ID(nexsync_sync, (std::vector<nexsync::actors::sync_result>))
  CAF_ADD_ATOM(nexsync_sync, nexsync::actors, sync_atom, "sync")
  CAF_ADD_ATOM(nexsync_sync, nexsync::actors, status_atom, "status")
  CAF_ADD_ATOM(nexsync_sync, nexsync::actors, subscribe_atom, "subscribe")
  CAF_ADD_ATOM(nexsync_sync, nexsync::actors, progress_atom, "progress")
  CAF_ADD_ATOM(nexsync_sync, nexsync::actors, finished_atom, "finished")
  CAF_ADD_ATOM(nexsync_sync, nexsync::actors, idle_check_atom, "idle_check")
  CAF_ADD_ATOM(nexsync_sync, nexsync::actors, connection_atom, "connection")
  CAF_ADD_ATOM(nexsync_sync, nexsync::actors, count_atom, "count")
CAF_END_TYPE_ID_BLOCK(nexsync_sync)

namespace nexsync::actors {

/// One connected shop's connection: the only writer of that shop's sync state.
using shop_connection_actor = caf::typed_actor<
    caf::replies_to<sync_atom, sync_request>::with<sync_reply>,
    caf::replies_to<status_atom>::with<connection_status>,
    caf::reacts_to<subscribe_atom, caf::actor>,
    caf::reacts_to<progress_atom, job_progress>,
    caf::reacts_to<finished_atom, sync_result>,
    caf::reacts_to<idle_check_atom>>;

/// tenant/shop -> shop_connection, spawned on demand.
/// sync_atom with a tenant and shop forwards the request to that shop's connection (spawning it), for
/// senders that want no reply: webhook nudges, start-up replay, schedules.
using connection_registry_actor = caf::typed_actor<
    caf::replies_to<connection_atom, std::int64_t, std::string>::with<shop_connection_actor>,
    caf::reacts_to<sync_atom, std::int64_t, std::string, sync_request>,
    caf::replies_to<count_atom>::with<std::uint64_t>>;

}  // namespace nexsync::actors
