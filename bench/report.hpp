#pragma once
// Figures: latency percentiles, Jain's fairness index, aligned text tables and the JSON report.

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace nexsync::bench {

/// Latencies in microseconds; percentiles by nearest rank.
class latencies {
 public:
  void add(std::uint32_t us) { v_.push_back(us); }
  void merge(const latencies& o) { v_.insert(v_.end(), o.v_.begin(), o.v_.end()); sorted_ = false; }
  std::size_t count() const { return v_.size(); }
  /// p in [0, 100]; milliseconds; 0 when empty.
  double percentile_ms(double p);
  double max_ms();
  boost::json::object summary();  ///< count, p50, p90, p99, p999, max (ms)

 private:
  std::vector<std::uint32_t> v_;
  bool sorted_ = false;
};

/// Jain's fairness index (sum x)^2 / (n * sum x^2); 1 for one value or all equal.
double jain_index(const std::vector<double>& xs);

/// A text table printed with aligned columns.
class table {
 public:
  explicit table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

/// Formats a number with a fixed count of decimals.
std::string fmt(double v, int decimals = 0);
/// "measured / target" with a verdict, e.g. "8,123 / >= 10,000 (missed)".
std::string verdict(bool met);

}  // namespace nexsync::bench
