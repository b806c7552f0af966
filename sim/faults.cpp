#include "sim/faults.hpp"

namespace nexsync::sim {

namespace json = boost::json;

std::uint64_t dice::next() {
  std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::int64_t dice::between(std::int64_t lo, std::int64_t hi) {
  if (hi <= lo) return lo;
  return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
}

std::optional<std::string> faults::apply(const json::object& patch) {
  auto number = [&](const char* key, double lo, double hi, auto setter) -> std::optional<std::string> {
    auto it = patch.find(key);
    if (it == patch.end()) return std::nullopt;
    if (it->value().is_null()) {
      setter(std::nullopt);
      return std::nullopt;
    }
    if (!it->value().is_number()) return std::string(key) + " must be a number";
    double v = it->value().to_number<double>();
    if (v < lo || v > hi) return std::string(key) + " is out of range";
    setter(v);
    return std::nullopt;
  };
  auto share = [&](const char* key, double& field) {
    return number(key, 0, 1, [&](std::optional<double> v) { field = v.value_or(0); });
  };
  auto millis = [&](const char* key, int& field) {
    return number(key, 0, 600000, [&](std::optional<double> v) { field = static_cast<int>(v.value_or(0)); });
  };
  for (const auto& k : patch) {
    static const char* known[] = {"latency_ms", "error_5xx_share", "timeout_share", "timeout_ms", "truncate_share",
                                  "throttle_share", "http_429_share", "webhook_drop_rate", "webhook_duplicate_rate",
                                  "restore_rate", "bucket_size", "bulk_duration_ms", "protected_data_unapproved"};
    bool ok = false;
    for (auto* n : known) ok = ok || k.key() == n;
    if (!ok) return "unknown fault " + std::string(k.key());
  }
  std::optional<std::string> err;
  if ((err = millis("latency_ms", latency_ms))) return err;
  if ((err = share("error_5xx_share", error_5xx_share))) return err;
  if ((err = share("timeout_share", timeout_share))) return err;
  if ((err = millis("timeout_ms", timeout_ms))) return err;
  if ((err = share("truncate_share", truncate_share))) return err;
  if ((err = share("throttle_share", throttle_share))) return err;
  if ((err = share("http_429_share", http_429_share))) return err;
  if ((err = share("webhook_drop_rate", webhook_drop_rate))) return err;
  if ((err = share("webhook_duplicate_rate", webhook_duplicate_rate))) return err;
  if ((err = millis("bulk_duration_ms", bulk_duration_ms))) return err;
  if ((err = number("restore_rate", 0.001, 1e6, [&](std::optional<double> v) { restore_rate = v; })))
    return err;
  if ((err = number("bucket_size", 1, 1e7, [&](std::optional<double> v) { bucket_size = v; }))) return err;
  if (auto it = patch.find("protected_data_unapproved"); it != patch.end()) {
    if (!it->value().is_bool()) return std::string("protected_data_unapproved must be true or false");
    protected_data_unapproved = it->value().as_bool();
  }
  return std::nullopt;
}

json::object faults::to_json() const {
  json::object o{{"latency_ms", latency_ms},
                 {"error_5xx_share", error_5xx_share},
                 {"timeout_share", timeout_share},
                 {"timeout_ms", timeout_ms},
                 {"truncate_share", truncate_share},
                 {"throttle_share", throttle_share},
                 {"http_429_share", http_429_share},
                 {"webhook_drop_rate", webhook_drop_rate},
                 {"webhook_duplicate_rate", webhook_duplicate_rate},
                 {"bulk_duration_ms", bulk_duration_ms},
                 {"protected_data_unapproved", protected_data_unapproved}};
  o["restore_rate"] = restore_rate ? json::value(*restore_rate) : json::value(nullptr);
  o["bucket_size"] = bucket_size ? json::value(*bucket_size) : json::value(nullptr);
  return o;
}

}  // namespace nexsync::sim
