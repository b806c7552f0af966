#include "auth/login_limiter.hpp"

namespace nexsync::auth {

void login_limiter::prune(std::deque<clock::time_point>& q, clock::time_point now) const {
  while (!q.empty() && now - q.front() >= window_) q.pop_front();
}

bool login_limiter::allowed(const std::string& key, clock::time_point now) {
  std::lock_guard lock{mutex_};
  auto it = failures_.find(key);
  if (it == failures_.end()) return true;
  prune(it->second, now);
  if (it->second.empty()) {
    failures_.erase(it);
    return true;
  }
  return it->second.size() < max_;
}

void login_limiter::failed(const std::string& key, clock::time_point now) {
  std::lock_guard lock{mutex_};
  if (failures_.size() > 100000) failures_.clear();  // bound memory under a spray of keys
  auto& q = failures_[key];
  prune(q, now);
  q.push_back(now);
}

void login_limiter::succeeded(const std::string& key) {
  std::lock_guard lock{mutex_};
  failures_.erase(key);
}

}  // namespace nexsync::auth
