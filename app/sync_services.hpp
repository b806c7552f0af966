#pragma once
// The actor side of the server: the CAF runtime, the rate limiter, the connection registry and the
// environment the sync jobs run in. Only handlers that start sync work include this (it brings CAF in).

#include "actors/reconciler.hpp"
#include "actors/runtime.hpp"
#include "actors/sync_protocol.hpp"
#include "app/context.hpp"
#include "sync/job_env.hpp"

#include <boost/asio/any_io_executor.hpp>

namespace nexsync::app {

/// Started once per server.
struct sync_services {
  sync_services(context& ctx, boost::asio::any_io_executor executor);
  ~sync_services();
  /// Hands every shop with stored, unapplied order webhooks to its connection (at start-up, after the
  /// migrations: events stored before a crash or restart are applied now).
  void replay_pending_webhooks(context& ctx);
  /// Hands one shop's stored, unapplied order webhooks to its connection (after a reconnection: those
  /// stored before the shop was disconnected waited for its new token).
  void apply_waiting_webhooks(std::int64_t tenant_id, const std::string& shop_domain);
  /// The request that applies a shop's stored order webhooks.
  static actors::sync_request webhook_request(std::int64_t event_id);
  /// Asks running sync jobs to stop at their next page boundary (see sync::job_stopper), waking those
  /// waiting for the limiter's budget.
  void ask_jobs_to_stop();
  /// Stops the registry (and with it every connection) and the limiter; waiting callers get errors.
  void stop();
  actors::runtime runtime;
  actors::rate_limiter_actor limiter;
  actors::connection_registry_actor registry;
  /// Queues each shop's daily reconcile (at its own time of day) and sweeps; serves the cron endpoint.
  actors::reconciler_actor reconciler;
  std::shared_ptr<sync::job_env> env;
};

}  // namespace nexsync::app
