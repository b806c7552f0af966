#pragma once
// The leaky bucket of query cost points for one (shop, app): it holds up to `capacity` points and
// refills at `restore_rate` points per second; time is passed in so tests control it.

#include <chrono>

namespace nexsync::sim::cost {

/// Restore rate in points per second for a plan name (standard 100, advanced 200, plus 1000, enterprise 2000).
double restore_rate_for_plan(const char* plan);

/// A cost bucket.
class bucket {
 public:
  using clock = std::chrono::steady_clock;

  /// A full bucket.
  bucket(double capacity, double restore_rate, clock::time_point now);
  /// Points available at `now`.
  double available(clock::time_point now);
  /// Takes `cost` points if the bucket holds them; false (and nothing taken) otherwise.
  bool try_take(double cost, clock::time_point now);
  /// Gives back `points` (the refund of requested minus actual cost), up to capacity.
  void refund(double points, clock::time_point now);
  /// Changes the limits (Shopify may lower a shop's limits); keeps the level within the new capacity.
  void set_limits(double capacity, double restore_rate, clock::time_point now);
  /// Maximum points.
  double capacity() const { return capacity_; }
  /// Points restored per second.
  double restore_rate() const { return rate_; }

 private:
  void refill(clock::time_point now);

  double capacity_;
  double rate_;
  double level_;
  clock::time_point last_;
};

}  // namespace nexsync::sim::cost
