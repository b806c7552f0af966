#pragma once
// Stopping the server without abandoning its sync jobs: it asks them to stop, they stop at their
// next page boundary and record their end, and it waits for that before the database pools close.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace nexsync::sync {

/// Counts the jobs in flight and carries the server's request that they stop. Thread-safe.
class job_stopper {
 public:
  /// True once stop was asked: jobs end at their next page boundary, new ones do not start.
  bool stopping() const;
  /// A job starts (before it is spawned, so a waiting stop cannot miss it) and ends (after its
  /// run's end is recorded and its connection told).
  void started();
  void ended();
  /// Asks every job to stop (jobs read it between pages; see run::stop_point).
  void ask_to_stop();
  /// Waits until no job is in flight or `grace` has passed; true when none is left.
  bool wait_until_idle(std::chrono::milliseconds grace);

 private:
  mutable std::mutex m_;
  std::condition_variable idle_;
  bool stopping_ = false;
  std::size_t running_ = 0;
};

}  // namespace nexsync::sync
