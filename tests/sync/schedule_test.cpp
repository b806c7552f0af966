// When daily reconciles and sweeps are due (pure: shops, marks and the time in, walks out).
#include "sync/schedule.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace nexsync;
using namespace std::chrono_literals;

namespace {
constexpr std::int64_t day = 86400;
constexpr std::int64_t midnight = 1795132800;  // 2026-11-20T00:00:00Z

storage::connected_shop shop(std::int64_t tenant, std::string domain, std::optional<std::int64_t> reconciled = {},
                             std::optional<std::int64_t> swept = {}) {
  return {tenant, std::move(domain), reconciled, swept};
}
}  // namespace

TEST_CASE("daily slots are stable and spread across the day") {
  CHECK(sync::daily_slot(1, "a.myshopify.com") == sync::daily_slot(1, "a.myshopify.com"));
  std::map<std::int64_t, int> per_hour;
  for (int t = 1; t <= 2400; ++t) {
    auto slot = sync::daily_slot(t, "shop-" + std::to_string(t) + ".myshopify.com");
    REQUIRE(slot >= 0);
    REQUIRE(slot < day);
    ++per_hour[slot / 3600];
  }
  CHECK(per_hour.size() == 24);
  for (auto& [hour, n] : per_hour) CHECK(n < 200);  // ~100 expected per hour; nowhere near all at once
}

TEST_CASE("a shop is reconciled once per day at its slot, and swept every interval in between") {
  auto s = shop(7, "ring.myshopify.com");
  auto slot = midnight + sync::daily_slot(7, "ring.myshopify.com");
  auto start = midnight - 10;  // the scheduler started just before midnight

  SECTION("before its slot nothing but sweeps; at its slot a reconcile") {
    auto before = sync::due_walks({s}, slot - 1, start, 300s);
    if (slot - 1 - start >= 300) {
      REQUIRE(before.size() == 1);
      CHECK(before[0].direction == "sweep");
    }
    auto at = sync::due_walks({s}, slot, start, 300s);
    REQUIRE(at.size() == 1);
    CHECK(at[0].direction == "reconcile");
  }
  SECTION("reconciled after today's slot: the next is due a day later") {
    s.last_reconciled_at = slot + 5;
    CHECK(sync::due_walks({s}, slot + 100, start, 300s).empty());
    auto sweep = sync::due_walks({s}, slot + 5 + 300, start, 300s);
    REQUIRE(sweep.size() == 1);
    CHECK(sweep[0].direction == "sweep");
    s.last_swept_at = slot + 5 + 300;
    CHECK(sync::due_walks({s}, slot + 5 + 301, start, 300s).empty());
    auto next_day = sync::due_walks({s}, slot + day, start, 0s);
    REQUIRE(next_day.size() == 1);
    CHECK(next_day[0].direction == "reconcile");
  }
  SECTION("sweeps off (interval 0): only the daily reconcile") {
    s.last_reconciled_at = slot;
    CHECK(sync::due_walks({s}, slot + day - 1, start, 0s).empty());
  }
}

TEST_CASE("a restart does not reconcile every never-reconciled shop at once") {
  std::vector<storage::connected_shop> shops;
  for (int t = 1; t <= 1000; ++t) shops.push_back(shop(t, "s" + std::to_string(t) + ".myshopify.com"));
  auto now = midnight + 12 * 3600;
  auto due = sync::due_walks(shops, now, now, 0s);
  CHECK(due.empty());
  auto hour_later = sync::due_walks(shops, now + 3600, now, 0s);
  CHECK(hour_later.size() > 10);   // the shops whose slot fell in that hour
  CHECK(hour_later.size() < 100);
}
