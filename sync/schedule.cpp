#include "sync/schedule.hpp"

namespace nexsync::sync {

namespace {
constexpr std::int64_t day = 86400;
}

std::int64_t daily_slot(std::int64_t tenant_id, const std::string& shop_domain) {
  // FNV-1a: stable across builds and restarts (std::hash is not promised to be).
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&h](unsigned char b) {
    h ^= b;
    h *= 1099511628211ull;
  };
  for (int i = 0; i < 8; ++i) mix(static_cast<unsigned char>(static_cast<std::uint64_t>(tenant_id) >> (8 * i)));
  for (char ch : shop_domain) mix(static_cast<unsigned char>(ch));
  return static_cast<std::int64_t>(h % static_cast<std::uint64_t>(day));
}

std::vector<due_walk> due_walks(const std::vector<storage::connected_shop>& shops, std::int64_t now,
                                std::int64_t since_start, std::chrono::seconds sweep_interval) {
  std::vector<due_walk> out;
  for (auto& shop : shops) {
    // The latest slot at or before now: today's, or yesterday's if today's is still ahead.
    auto slot = now - now % day + daily_slot(shop.tenant_id, shop.shop_domain);
    if (slot > now) slot -= day;
    auto reconciled = shop.last_reconciled_at.value_or(since_start);
    if (reconciled < slot) {
      out.push_back({shop.tenant_id, shop.shop_domain, "reconcile"});
      continue;  // a reconcile walks the sweep's window too
    }
    if (sweep_interval.count() <= 0) continue;
    auto swept = std::max(shop.last_swept_at.value_or(since_start), reconciled);
    if (now - swept >= sweep_interval.count()) out.push_back({shop.tenant_id, shop.shop_domain, "sweep"});
  }
  return out;
}

}  // namespace nexsync::sync
