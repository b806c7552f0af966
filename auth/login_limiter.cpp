#include "auth/login_limiter.hpp"

#include <algorithm>

namespace nexsync::auth {

void login_limiter::prune(std::deque<clock::time_point>& q, clock::time_point now) const {
  while (!q.empty() && now - q.front() >= window_) q.pop_front();
}

// Drops the keys whose attempts have all expired; if that is not enough, the keys with a single
// attempt (what a spray of made-up emails leaves), so a key with several (an account being guessed)
// keeps its count. Only if every key has several is the map cleared.
void login_limiter::make_room(clock::time_point now) {
  auto drop_if = [this](auto pred) {
    for (auto it = attempts_.begin(); it != attempts_.end();) it = pred(it->second) ? attempts_.erase(it) : std::next(it);
  };
  drop_if([this, now](std::deque<clock::time_point>& q) {
    prune(q, now);
    return q.empty();
  });
  if (attempts_.size() < max_keys_) return;
  drop_if([](const std::deque<clock::time_point>& q) { return q.size() <= 1; });
  if (attempts_.size() >= max_keys_) attempts_.clear();
}

bool login_limiter::try_attempt(const std::string& key, clock::time_point now) {
  std::lock_guard lock{mutex_};
  auto it = attempts_.find(key);
  if (it == attempts_.end()) {
    if (attempts_.size() >= max_keys_) make_room(now);
    it = attempts_.emplace(key, std::deque<clock::time_point>{}).first;
  }
  prune(it->second, now);
  if (it->second.size() >= max_) return false;
  it->second.push_back(now);
  return true;
}

void login_limiter::withdraw(const std::string& key, clock::time_point at) {
  std::lock_guard lock{mutex_};
  auto it = attempts_.find(key);
  if (it == attempts_.end()) return;
  auto& q = it->second;
  if (auto found = std::find(q.begin(), q.end(), at); found != q.end()) q.erase(found);
  if (q.empty()) attempts_.erase(it);
}

void login_limiter::succeeded(const std::string& key) {
  std::lock_guard lock{mutex_};
  attempts_.erase(key);
}

std::size_t login_limiter::keys() const {
  std::lock_guard lock{mutex_};
  return attempts_.size();
}

}  // namespace nexsync::auth
