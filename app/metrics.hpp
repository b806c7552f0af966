#pragma once
// Prometheus counters: requests by route and status, a latency histogram, pool use.

#include "http/message.hpp"
#include "storage/pool.hpp"

#include <array>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace nexsync::app {

/// Thread-safe request metrics rendered in the Prometheus text format.
class metrics {
 public:
  /// Records one finished request.
  void observe(const http::request& req, const http::response& res, double milliseconds);
  /// The exposition text, including the pool's gauges.
  std::string render(const storage::pool_stats& pool) const;

 private:
  static constexpr std::array<double, 12> bounds_ms{1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 5000, 30000};
  struct histogram {
    std::array<std::uint64_t, bounds_ms.size()> buckets{};
    std::uint64_t count = 0;
    double sum_seconds = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, unsigned>, std::uint64_t> requests_;
  std::map<std::string, histogram> latency_;
};

}  // namespace nexsync::app
