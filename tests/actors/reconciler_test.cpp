// The reconciler on CAF's deterministic test coordinator: its ticks, the cron request and lookup
// failures, with a real registry whose jobs are recorded by a fake starter (the real walks do I/O).
#include "actors/reconciler.hpp"
#include "actors/shop_connection.hpp"
#include "tests/support/deterministic_actors.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <optional>

using namespace nexsync::actors;
using namespace std::chrono_literals;

namespace {

struct started_job {
  std::int64_t tenant_id;
  std::string shop;
  sync_request request;
};

struct fixture : nexsync::test::deterministic_actors {
  fixture() {
    auto starter = [this](shop_connection_actor, std::int64_t tenant, const std::string& shop, const sync_request& r) {
      started.push_back({tenant, shop, r});
    };
    registry = spawn_connection_registry(*sys, starter, 1h);
    walk_sources sources;
    sources.due_now = [this](walk_sources::reply reply) {
      ++due_lookups;
      if (hold_due_answer)
        held = std::move(reply);
      else
        reply(due, {});
    };
    sources.reconcile_all = [this](walk_sources::reply reply) { reply(every_shop, lookup_error); };
    reconciler = spawn_reconciler(*sys, registry, sources, 60s);
    sched->run();
  }
  ~fixture() {
    caf::anon_send_exit(reconciler, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
    for (auto& a : cleanup) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    sched->run();
  }

  /// Lets a tick fall due (60 s of the test clock) and runs everything it caused.
  void tick() {
    sched->advance_time(60s);
    sched->run();
  }

  /// The cron request: the reply's walks, or nullopt when it answered with an error.
  std::optional<std::vector<walk_order>> reconcile_now() {
    std::optional<std::vector<walk_order>> out;
    auto c = sys->spawn([&](caf::event_based_actor* self, int) {
      self->request(reconciler, caf::infinite, reconcile_atom_v)
          .then([&](std::vector<walk_order> walks) { out = std::move(walks); }, [](caf::error&) {});
    }, 0);
    cleanup.push_back(caf::actor_cast<caf::actor>(c));
    sched->run();
    return out;
  }

  connection_registry_actor registry;
  reconciler_actor reconciler;
  std::vector<walk_order> due, every_shop;
  std::string lookup_error;
  bool hold_due_answer = false;
  walk_sources::reply held;
  int due_lookups = 0;
  std::vector<started_job> started;
  std::vector<caf::actor> cleanup;
};

}  // namespace

TEST_CASE("the reconciler queues the walks due at each tick on their shops' connections, as cron work") {
  fixture f;
  f.due = {{1, "acme", "sweep"}, {2, "bijoux", "reconcile"}};
  CHECK(f.due_lookups == 0);  // nothing before the first tick
  f.tick();
  CHECK(f.due_lookups == 1);
  REQUIRE(f.started.size() == 2);
  CHECK(f.started[0].tenant_id == 1);
  CHECK(f.started[0].shop == "acme");
  CHECK(f.started[0].request.direction == "sweep");
  CHECK(f.started[0].request.trigger == "cron");
  CHECK(f.started[1].shop == "bijoux");
  CHECK(f.started[1].request.direction == "reconcile");

  f.due.clear();
  f.tick();
  CHECK(f.due_lookups == 2);  // it keeps ticking
  CHECK(f.started.size() == 2);
}

TEST_CASE("a slow lookup is queued when it answers, and the actor keeps serving meanwhile") {
  fixture f;
  f.hold_due_answer = true;
  f.tick();
  REQUIRE(f.held);
  CHECK(f.started.empty());
  f.every_shop = {{3, "carat", "reconcile"}};
  auto cron = f.reconcile_now();  // answered while the tick's lookup is still out
  REQUIRE(cron);
  CHECK(cron->size() == 1);
  f.held({{1, "acme", "sweep"}}, {});
  f.sched->run();
  REQUIRE(f.started.size() == 2);
  CHECK(f.started[0].shop == "carat");
  CHECK(f.started[1].shop == "acme");
}

TEST_CASE("the cron request reconciles every connected shop and answers with them") {
  fixture f;
  f.every_shop = {{1, "acme", "reconcile"}, {2, "bijoux", "reconcile"}};
  auto walks = f.reconcile_now();
  REQUIRE(walks);
  REQUIRE(walks->size() == 2);
  CHECK((*walks)[1].shop == "bijoux");
  REQUIRE(f.started.size() == 2);
  CHECK(f.started[0].request.direction == "reconcile");
  CHECK(f.started[1].request.trigger == "cron");
}

TEST_CASE("when the shops cannot be listed the cron request gets an error and nothing is queued") {
  fixture f;
  f.every_shop = {{1, "acme", "reconcile"}};
  f.lookup_error = "database unavailable";
  CHECK_FALSE(f.reconcile_now());
  CHECK(f.started.empty());
}
