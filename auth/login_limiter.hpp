#pragma once
// Slows down password guessing: a bounded number of failed logins per account and per IP address
// within a window, after which further attempts are refused until the window has passed.

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace nexsync::auth {

/// Failed-login counter per key ("email:a@b", "ip:1.2.3.4"); thread-safe; time passed in for tests.
class login_limiter {
 public:
  using clock = std::chrono::steady_clock;
  login_limiter(std::size_t max_failures, std::chrono::seconds window) : max_(max_failures), window_(window) {}

  /// Whether another attempt for this key is allowed now.
  bool allowed(const std::string& key, clock::time_point now);
  /// Records a failed attempt.
  void failed(const std::string& key, clock::time_point now);
  /// Forgets the failures of a key (after a successful login).
  void succeeded(const std::string& key);

 private:
  void prune(std::deque<clock::time_point>& q, clock::time_point now) const;
  std::size_t max_;
  std::chrono::seconds window_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::deque<clock::time_point>> failures_;
};

}  // namespace nexsync::auth
