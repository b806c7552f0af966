#include "bench/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace nexsync::bench {

double latencies::percentile_ms(double p) {
  if (v_.empty()) return 0;
  if (!sorted_) {
    std::sort(v_.begin(), v_.end());
    sorted_ = true;
  }
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v_.size())));
  rank = std::clamp<std::size_t>(rank, 1, v_.size());
  return v_[rank - 1] / 1000.0;
}

double latencies::max_ms() { return percentile_ms(100); }

boost::json::object latencies::summary() {
  boost::json::object o;
  o["count"] = v_.size();
  o["p50_ms"] = percentile_ms(50);
  o["p90_ms"] = percentile_ms(90);
  o["p99_ms"] = percentile_ms(99);
  o["p999_ms"] = percentile_ms(99.9);
  o["max_ms"] = max_ms();
  return o;
}

double jain_index(const std::vector<double>& xs) {
  if (xs.empty()) return 1;
  double sum = 0, sq = 0;
  for (double x : xs) {
    sum += x;
    sq += x * x;
  }
  if (sq == 0) return 1;
  return sum * sum / (static_cast<double>(xs.size()) * sq);
}

std::string table::render() const {
  std::vector<std::size_t> width(header_.size(), 0);
  auto measure = [&width](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) width[i] = std::max(width[i], row[i].size());
  };
  measure(header_);
  for (auto& r : rows_) measure(r);
  std::string out;
  auto line = [&out, &width](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < width.size(); ++i) {
      std::string cell = i < row.size() ? row[i] : "";
      out += (i ? " | " : "| ") + cell + std::string(width[i] - cell.size(), ' ');
    }
    out += " |\n";
  };
  line(header_);
  for (std::size_t i = 0; i < width.size(); ++i) out += (i ? "-|-" : "|-") + std::string(width[i], '-');
  out += "-|\n";
  for (auto& r : rows_) line(r);
  return out;
}

std::string fmt(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string verdict(bool met) { return met ? "met" : "MISSED"; }

}  // namespace nexsync::bench
