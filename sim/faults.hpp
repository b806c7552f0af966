#pragma once
// Per-shop fault knobs (latency, error shares, webhook drops, lowered limits) and the dice that apply them.

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace nexsync::sim {

/// What can go wrong for one shop; every share is a probability in [0, 1].
struct faults {
  int latency_ms = 0;                  ///< added before every Admin API answer
  double error_5xx_share = 0;          ///< answered 502/503 with an HTML body
  double timeout_share = 0;            ///< answered only after timeout_ms (clients should time out)
  int timeout_ms = 30000;              ///< how long a "timeout" hangs
  double truncate_share = 0;           ///< body cut in half (invalid JSON)
  double throttle_share = 0;           ///< forced THROTTLED whatever the bucket holds
  double http_429_share = 0;           ///< throttled as HTTP 429 with Retry-After instead of 200
  double webhook_drop_rate = 0;        ///< deliveries silently never sent
  double webhook_duplicate_rate = 0;   ///< deliveries sent twice with the same webhook id
  std::optional<double> restore_rate;  ///< lowered/raised bucket restore rate
  std::optional<double> bucket_size;   ///< lowered/raised bucket capacity
  int bulk_duration_ms = 0;            ///< how long a bulk operation stays RUNNING (scaled by --time-scale)
  bool protected_data_unapproved = false;  ///< the app lacks protected customer data access: order topics refused

  /// Applies the keys present in `patch`; returns an error message for a bad value.
  std::optional<std::string> apply(const boost::json::object& patch);
  /// The knobs as JSON.
  boost::json::object to_json() const;
};

/// A small deterministic random source (splitmix64) for fault dice and generators.
class dice {
 public:
  /// Seeds the sequence.
  explicit dice(std::uint64_t seed) : s_(seed) {}
  /// The next 64 random bits.
  std::uint64_t next();
  /// A uniform double in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// True with probability p.
  bool chance(double p) { return p > 0 && uniform() < p; }
  /// A uniform integer in [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi);

 private:
  std::uint64_t s_;
};

}  // namespace nexsync::sim
