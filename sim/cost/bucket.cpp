#include "sim/cost/bucket.hpp"

#include <algorithm>
#include <string_view>

namespace nexsync::sim::cost {

double restore_rate_for_plan(const char* plan) {
  std::string_view p = plan ? plan : "";
  if (p == "advanced") return 200;
  if (p == "plus") return 1000;
  if (p == "enterprise") return 2000;
  return 100;
}

bucket::bucket(double capacity, double restore_rate, clock::time_point now)
    : capacity_(capacity), rate_(restore_rate), level_(capacity), last_(now) {}

void bucket::refill(clock::time_point now) {
  if (now <= last_) return;
  double secs = std::chrono::duration<double>(now - last_).count();
  level_ = std::min(capacity_, level_ + secs * rate_);
  last_ = now;
}

double bucket::available(clock::time_point now) {
  refill(now);
  return level_;
}

bool bucket::try_take(double cost, clock::time_point now) {
  refill(now);
  if (cost > level_) return false;
  level_ -= cost;
  return true;
}

void bucket::refund(double points, clock::time_point now) {
  refill(now);
  level_ = std::min(capacity_, level_ + std::max(0.0, points));
}

void bucket::set_limits(double capacity, double restore_rate, clock::time_point now) {
  refill(now);
  capacity_ = capacity;
  rate_ = restore_rate;
  level_ = std::min(level_, capacity_);
}

}  // namespace nexsync::sim::cost
