#include "actors/runtime.hpp"

#include "actors/rate_limiter.hpp"
#include "actors/reconciler.hpp"
#include "actors/sync_protocol.hpp"

#include <caf/all.hpp>

namespace nexsync::actors {

void add_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::nexsync_rate_limiter>();
  cfg.add_message_types<caf::id_block::nexsync_sync>();
  cfg.add_message_types<caf::id_block::nexsync_reconciler>();
}

runtime::runtime(std::size_t threads) : config_(std::make_unique<caf::actor_system_config>()) {
  config_->set("scheduler.max-threads", threads);
  // Work sharing: idle workers block on a condition variable. CAF's default work stealing polls, with
  // 50 µs sleeps for 500 rounds after any work: 11.5% of the server's CPU samples during the webhooks
  // bench were those wake-ups (perf, 2026-12-07), on two cores the load generator and PostgreSQL share.
  config_->set("scheduler.policy", caf::atom("sharing"));
  add_message_types(*config_);
  system_ = std::make_unique<caf::actor_system>(*config_);
}

runtime::~runtime() {
  system_.reset();  // waits for every actor to finish
}

}  // namespace nexsync::actors
