#pragma once
// reconciler: the clock of the background walks. Every tick it asks for the walks due now (each shop's
// daily reconcile at its own time of day, the incremental sweeps) and queues each one on its shop's
// connection through the registry, behind any click. The cron endpoint asks it to reconcile every
// connected shop at once and gets back what it queued.

#include "actors/sync_protocol.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace nexsync::actors {

/// One walk to queue: direction reconcile or sweep, on one tenant's shop.
struct walk_order {
  std::int64_t tenant_id = 0;
  std::string shop;
  std::string direction;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, walk_order& x) {
  return f(caf::meta::type_name("walk_order"), x.tenant_id, x.shop, x.direction);
}

}  // namespace nexsync::actors

CAF_BEGIN_TYPE_ID_BLOCK(nexsync_reconciler, caf::id_block::nexsync_sync_last_type_id + 1)
  CAF_ADD_TYPE_ID(nexsync_reconciler, (nexsync::actors::walk_order))
  CAF_ADD_TYPE_ID(nexsync_reconciler, (std::vector<nexsync::actors::walk_order>))
  CAF_ADD_ATOM(nexsync_reconciler, nexsync::actors, tick_atom, "tick")
  CAF_ADD_ATOM(nexsync_reconciler, nexsync::actors, reconcile_atom, "reconcile")
  CAF_ADD_ATOM(nexsync_reconciler, nexsync::actors, walks_atom, "walks")
CAF_END_TYPE_ID_BLOCK(nexsync_reconciler)

namespace nexsync::actors {

/// tick: look for due walks now (it also ticks itself). reconcile: queue a reconcile of every
/// connected shop now; the reply lists them (an error when they could not be listed).
/// walks: a lookup's answer (key 0 for a tick's; error empty on success), sent by the sources' callback.
using reconciler_actor = caf::typed_actor<
    caf::reacts_to<tick_atom>,
    caf::replies_to<reconcile_atom>::with<std::vector<walk_order>>,
    caf::reacts_to<walks_atom, std::uint64_t, std::vector<walk_order>, std::string>>;

/// Where the walks come from (the database and the clock, outside the actor). Each calls `reply`
/// exactly once, from any thread, with the walks or an error for a person.
struct walk_sources {
  using reply = std::function<void(std::vector<walk_order> walks, std::string error)>;
  std::function<void(reply)> due_now;        ///< the daily reconciles and sweeps due at this moment
  std::function<void(reply)> reconcile_all;  ///< a reconcile for every connected shop
};

/// Spawns the reconciler; it looks for due walks every `tick`, the first one tick after the start.
reconciler_actor spawn_reconciler(caf::actor_system& sys, connection_registry_actor registry, walk_sources sources,
                                  std::chrono::milliseconds tick);

}  // namespace nexsync::actors
