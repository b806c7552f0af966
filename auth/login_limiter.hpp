#pragma once
// Slows down password guessing: a bounded number of sign-in attempts per account and per IP address
// within a window, after which further attempts are refused until the window has passed. An attempt
// counts from the moment it starts and is withdrawn if it succeeds, so guesses sent in parallel cannot
// all pass a check made before any of them had failed.

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace nexsync::auth {

/// Attempt counter per key ("email:a@b", "ip:1.2.3.4"); thread-safe; time passed in for tests.
class login_limiter {
 public:
  using clock = std::chrono::steady_clock;
  /// max_keys: how many keys it tracks before forgetting some (a spray of made-up emails must not
  /// grow it without bound, nor wipe the count of an account being guessed).
  login_limiter(std::size_t max_attempts, std::chrono::seconds window, std::size_t max_keys = 100000)
      : max_(max_attempts), window_(window), max_keys_(max_keys) {}

  /// Counts an attempt for this key if the limit allows one now; false (nothing counted) if not.
  bool try_attempt(const std::string& key, clock::time_point now);
  /// The attempt counted at `at` no longer counts (it succeeded, or never ran).
  void withdraw(const std::string& key, clock::time_point at);
  /// Forgets every attempt of a key (the account signed in).
  void succeeded(const std::string& key);
  /// Keys tracked now (for tests).
  std::size_t keys() const;

 private:
  void prune(std::deque<clock::time_point>& q, clock::time_point now) const;
  void make_room(clock::time_point now);
  std::size_t max_;
  std::chrono::seconds window_;
  std::size_t max_keys_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::deque<clock::time_point>> attempts_;
};

}  // namespace nexsync::auth
