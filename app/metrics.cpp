#include "app/metrics.hpp"

#include <fmt/format.h>

namespace nexsync::app {

namespace {
std::string label(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c == '\n' ? ' ' : c);
  }
  return out;
}
}  // namespace

void metrics::observe(const http::request& req, const http::response& res, double milliseconds) {
  auto route = req.route.empty() ? std::string{"unmatched"} : req.route;
  std::lock_guard lock{mutex_};
  ++requests_[{route, res.status}];
  auto& h = latency_[route];
  for (std::size_t i = 0; i < bounds_ms.size(); ++i)
    if (milliseconds <= bounds_ms[i]) ++h.buckets[i];
  ++h.count;
  h.sum_seconds += milliseconds / 1000.0;
}

std::string metrics::render(const storage::pool_stats& pool) const {
  std::string out;
  std::lock_guard lock{mutex_};
  out += "# HELP nexsync_http_requests_total HTTP requests by route and status.\n";
  out += "# TYPE nexsync_http_requests_total counter\n";
  for (auto& [key, n] : requests_)
    out += fmt::format("nexsync_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", label(key.first), key.second, n);
  out += "# HELP nexsync_http_request_duration_seconds Handler time by route.\n";
  out += "# TYPE nexsync_http_request_duration_seconds histogram\n";
  for (auto& [route, h] : latency_) {
    for (std::size_t i = 0; i < bounds_ms.size(); ++i)
      out += fmt::format("nexsync_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", label(route),
                         bounds_ms[i] / 1000.0, h.buckets[i]);
    out += fmt::format("nexsync_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", label(route), h.count);
    out += fmt::format("nexsync_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", label(route), h.sum_seconds);
    out += fmt::format("nexsync_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", label(route), h.count);
  }
  out += "# HELP nexsync_db_pool_connections Database pool size.\n# TYPE nexsync_db_pool_connections gauge\n";
  out += fmt::format("nexsync_db_pool_connections {}\n", pool.size);
  out += "# HELP nexsync_db_pool_busy Connections running a query.\n# TYPE nexsync_db_pool_busy gauge\n";
  out += fmt::format("nexsync_db_pool_busy {}\n", pool.busy);
  out += "# HELP nexsync_db_pool_queued Jobs waiting for a connection.\n# TYPE nexsync_db_pool_queued gauge\n";
  out += fmt::format("nexsync_db_pool_queued {}\n", pool.queued);
  out += "# HELP nexsync_db_pool_jobs_total Jobs the pool has run.\n# TYPE nexsync_db_pool_jobs_total counter\n";
  out += fmt::format("nexsync_db_pool_jobs_total {}\n", pool.completed);
  return out;
}

}  // namespace nexsync::app
