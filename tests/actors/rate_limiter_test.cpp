// The limiter as an actor, on CAF's deterministic test coordinator (time advanced by hand).
#include "actors/rate_limiter.hpp"
#include "tests/support/deterministic_actors.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>

using namespace nexsync::actors;
using namespace std::chrono_literals;

namespace {

struct fixture : nexsync::test::deterministic_actors {
  fixture() {
    limiter = spawn_rate_limiter(*sys, 8);
    sched->run();
  }
  ~fixture() {
    caf::anon_send_exit(limiter, caf::exit_reason::user_shutdown);
    sched->run();
  }
  rate_limiter_actor limiter;
};

}  // namespace

TEST_CASE("acquire answers at once when the budget is there and later when it is not") {
  fixture f;
  caf::anon_send(f.limiter, plan_atom_v, std::string{"shop-a"}, 1000.0, 100.0);
  f.sched->run();
  std::vector<std::uint64_t> tickets;
  auto client = f.sys->spawn([&](caf::event_based_actor* self, int) {
    for (int i = 0; i < 2; ++i)
      self->request(f.limiter, caf::infinite, acquire_atom_v, std::string{"shop-a"}, 800.0, std::uint8_t{0})
          .then([&](std::uint64_t t) { tickets.push_back(t); });
  }, 0);
  f.sched->run();
  REQUIRE(tickets.size() == 1);  // the second waits: 200 left, 800 needed
  caf::anon_send(f.limiter, release_atom_v, tickets[0], bucket_report{});
  f.sched->run();
  CHECK(tickets.size() == 1);
  f.sched->advance_time(5s);  // 200 + 5 s × 100 = 700 < 800
  f.sched->run();
  CHECK(tickets.size() == 1);
  f.sched->advance_time(1s);
  f.sched->run();
  CHECK(tickets.size() == 2);
  caf::anon_send_exit(client, caf::exit_reason::user_shutdown);
  f.sched->run();
}

TEST_CASE("a flush answers every waiting acquire at once, and every later one") {
  fixture f;
  caf::anon_send(f.limiter, plan_atom_v, std::string{"shop-a"}, 1000.0, 10.0);
  f.sched->run();
  std::vector<std::uint64_t> tickets;
  auto client = f.sys->spawn([&](caf::event_based_actor* self, int) {
    for (int i = 0; i < 3; ++i)
      self->request(f.limiter, caf::infinite, acquire_atom_v, std::string{"shop-a"}, 900.0, std::uint8_t{2})
          .then([&](std::uint64_t t) { tickets.push_back(t); });
  }, 0);
  f.sched->run();
  REQUIRE(tickets.size() == 1);  // the others wait 90 s each for the bucket
  caf::anon_send(f.limiter, flush_atom_v);
  f.sched->run();
  CHECK(tickets.size() == 3);
  auto late = f.sys->spawn([&](caf::event_based_actor* self, int) {
    self->request(f.limiter, caf::infinite, acquire_atom_v, std::string{"shop-a"}, 900.0, std::uint8_t{2})
        .then([&](std::uint64_t t) { tickets.push_back(t); });
  }, 0);
  f.sched->run();
  CHECK(tickets.size() == 4);
  for (auto t : tickets) caf::anon_send(f.limiter, release_atom_v, t, bucket_report{});  // unknown ones ignored
  f.sched->run();
  caf::anon_send_exit(client, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(late, caf::exit_reason::user_shutdown);
  f.sched->run();
}

TEST_CASE("budget reports the shop's bucket") {
  fixture f;
  caf::anon_send(f.limiter, plan_atom_v, std::string{"shop-b"}, 4000.0, 200.0);
  f.sched->run();
  budget_view view;
  auto client = f.sys->spawn([&](caf::event_based_actor* self, int) {
    self->request(f.limiter, caf::infinite, budget_atom_v, std::string{"shop-b"}).then([&](budget_view v) { view = v; });
  }, 0);
  f.sched->run();
  CHECK(view.capacity == 4000);
  CHECK(view.restore_rate == 200);
  caf::anon_send_exit(client, caf::exit_reason::user_shutdown);
  f.sched->run();
}

TEST_CASE("plan budgets follow Shopify's documented restore rates") {
  CHECK(plan_budget("standard") == std::pair<double, double>{2000, 100});
  CHECK(plan_budget("advanced") == std::pair<double, double>{4000, 200});
  CHECK(plan_budget("plus") == std::pair<double, double>{20000, 1000});
  CHECK(plan_budget("enterprise") == std::pair<double, double>{40000, 2000});
}
