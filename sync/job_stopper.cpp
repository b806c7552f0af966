#include "sync/job_stopper.hpp"

namespace nexsync::sync {

bool job_stopper::stopping() const {
  std::lock_guard lock{m_};
  return stopping_;
}

void job_stopper::started() {
  std::lock_guard lock{m_};
  ++running_;
}

void job_stopper::ended() {
  std::lock_guard lock{m_};
  if (running_ > 0 && --running_ == 0) idle_.notify_all();
}

void job_stopper::ask_to_stop() {
  std::lock_guard lock{m_};
  stopping_ = true;
}

bool job_stopper::wait_until_idle(std::chrono::milliseconds grace) {
  std::unique_lock lock{m_};
  return idle_.wait_for(lock, grace, [this] { return running_ == 0; });
}

}  // namespace nexsync::sync
