#pragma once
// shop_connection: one per connected shop; runs one job at a time. A manual job (a button) while
// another runs is refused at once with the running job's progress; cron and webhook work queues
// behind. Progress goes to subscribers. It stops itself when idle; the registry respawns it.
// connection_registry: tenant/shop -> shop_connection, spawned lazily.

#include "actors/sync_protocol.hpp"

#include <chrono>
#include <functional>

namespace nexsync::actors {

/// Starts a job outside the actor (Shopify and database I/O run on Asio). It must send
/// finished_atom(result) to `connection` exactly once, and may send progress_atom before.
using job_starter = std::function<void(shop_connection_actor connection, std::int64_t tenant_id,
                                       const std::string& shop, const sync_request& request)>;

/// Spawns a connection for one shop. idle: how long it lingers without work or subscribers.
shop_connection_actor spawn_shop_connection(caf::actor_system& sys, std::int64_t tenant_id, std::string shop,
                                            job_starter starter, std::chrono::milliseconds idle);

/// Spawns the registry that hands out (and respawns) connections.
connection_registry_actor spawn_connection_registry(caf::actor_system& sys, job_starter starter,
                                                    std::chrono::milliseconds idle);

/// Milliseconds since the Unix epoch (for run timestamps).
std::int64_t unix_millis();

}  // namespace nexsync::actors
