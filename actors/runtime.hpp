#pragma once
// The CAF actor system of one nexsync process, configured for the machine.

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include <cstddef>
#include <memory>

namespace nexsync::actors {

/// Owns the actor system config and the system (in that order: the system refers to the config).
class runtime {
 public:
  /// threads: scheduler worker threads (the machine has 2 cores; more only adds contention).
  explicit runtime(std::size_t threads);
  ~runtime();
  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;

  caf::actor_system& system() { return *system_; }

 private:
  std::unique_ptr<caf::actor_system_config> config_;
  std::unique_ptr<caf::actor_system> system_;
};

/// Registers every nexsync message type with a config (used by runtime and by actor tests).
void add_message_types(caf::actor_system_config& cfg);

}  // namespace nexsync::actors
