#pragma once
// An actor system on CAF's deterministic test coordinator, with every nexsync message type: actor
// tests run the scheduler by hand (sched->run()) and move its clock (sched->advance_time()).

#include "actors/runtime.hpp"

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <memory>

namespace nexsync::test {

struct deterministic_actors {
  deterministic_actors() {
    cfg.set("scheduler.policy", caf::atom("testing"));
    actors::add_message_types(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
  }
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;
};

}  // namespace nexsync::test
