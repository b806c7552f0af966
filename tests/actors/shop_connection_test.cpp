// shop_connection and connection_registry on CAF's deterministic test coordinator, with a fake job
// starter at the actor boundary (the real jobs do Shopify and database I/O).
#include "actors/shop_connection.hpp"
#include "tests/support/deterministic_actors.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>

using namespace nexsync::actors;
using namespace std::chrono_literals;

namespace {

struct started_job {
  shop_connection_actor connection;
  std::string shop;
  sync_request request;
};

struct fixture : nexsync::test::deterministic_actors {
  fixture() {
    starter = [this](shop_connection_actor c, std::int64_t, const std::string& shop, const sync_request& r) {
      started.push_back({c, shop, r});
    };
    registry = spawn_connection_registry(*sys, starter, 60s);
    sched->run();
  }
  ~fixture() {
    for (auto& a : cleanup) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
    sched->run();
  }

  shop_connection_actor connection(std::int64_t tenant, const std::string& shop) {
    shop_connection_actor out;
    auto c = sys->spawn([&](caf::event_based_actor* self, int) {
      self->request(registry, caf::infinite, connection_atom_v, tenant, shop).then([&](shop_connection_actor a) { out = a; });
    }, 0);
    sched->run();
    cleanup.push_back(caf::actor_cast<caf::actor>(c));
    return out;
  }

  /// Sends a sync request from a fresh client; replies land in `replies` under `tag`.
  void sync(shop_connection_actor conn, const std::string& tag, sync_request req) {
    auto c = sys->spawn([this, conn, tag, req](caf::event_based_actor* self, int) {
      self->request(conn, caf::infinite, sync_atom_v, req).then([this, tag](sync_reply r) { replies[tag] = r; });
    }, 0);
    cleanup.push_back(caf::actor_cast<caf::actor>(c));
    sched->run();
  }

  void finish(const started_job& job, std::int64_t synced, std::string error = {}) {
    sync_result r;
    r.direction = job.request.direction;
    r.trigger = job.request.trigger;
    r.synced = synced;
    r.error = std::move(error);
    caf::anon_send(job.connection, finished_atom_v, r);
    sched->run();
  }

  connection_status status(shop_connection_actor conn) {
    connection_status out;
    auto c = sys->spawn([&](caf::event_based_actor* self, int) {
      self->request(conn, caf::infinite, status_atom_v).then([&](connection_status s) { out = s; });
    }, 0);
    sched->run();
    cleanup.push_back(caf::actor_cast<caf::actor>(c));
    return out;
  }

  job_starter starter;
  connection_registry_actor registry;
  std::vector<started_job> started;
  std::map<std::string, sync_reply> replies;
  std::vector<caf::actor> cleanup;
};

sync_request manual(const std::string& direction) { return sync_request{direction, "manual", 7, {}, 0}; }

}  // namespace

TEST_CASE("a manual job runs and its result is the reply") {
  fixture f;
  auto conn = f.connection(1, "acme");
  f.sync(conn, "click", manual("products"));
  REQUIRE(f.started.size() == 1);
  CHECK(f.started[0].request.direction == "products");
  CHECK(f.replies.empty());  // the request stays open while the job runs
  f.finish(f.started[0], 47);
  REQUIRE(f.replies.count("click"));
  CHECK_FALSE(f.replies["click"].refused);
  CHECK(f.replies["click"].result.synced == 47);
}

TEST_CASE("a second manual job while one runs is refused at once, naming the running job") {
  fixture f;
  auto conn = f.connection(1, "acme");
  f.sync(conn, "first", manual("products"));
  caf::anon_send(conn, progress_atom_v, job_progress{12, "products", "manual", 1250, 10000, 0});
  f.sched->run();
  f.sync(conn, "second", manual("inventory"));
  REQUIRE(f.replies.count("second"));
  CHECK(f.replies["second"].refused);
  CHECK(f.replies["second"].running.direction == "products");
  CHECK(f.replies["second"].running.done == 1250);
  CHECK(f.replies["second"].running.total == 10000);
  CHECK(f.started.size() == 1);  // nothing else started
  auto s = f.status(conn);
  CHECK(s.busy);
  CHECK(s.running.run_id == 12);
}

TEST_CASE("cron and webhook work queues behind the running job and runs in order") {
  fixture f;
  auto conn = f.connection(1, "acme");
  f.sync(conn, "click", manual("orders"));
  f.sync(conn, "cron", sync_request{"reconcile", "cron", 0, "2026-11-27T00:00:00Z", 0});
  f.sync(conn, "hook", sync_request{"webhook", "webhook", 0, {}, 99});
  CHECK(f.started.size() == 1);
  CHECK(f.status(conn).queued == 2);
  f.finish(f.started[0], 3);
  REQUIRE(f.started.size() == 2);
  CHECK(f.started[1].request.direction == "reconcile");
  CHECK(f.replies.count("click"));
  CHECK_FALSE(f.replies.count("cron"));
  f.finish(f.started[1], 1);
  REQUIRE(f.started.size() == 3);
  CHECK(f.started[2].request.event_id == 99);
  f.finish(f.started[2], 1);
  CHECK(f.replies.count("cron"));
  CHECK(f.replies.count("hook"));
  CHECK_FALSE(f.status(conn).busy);
}

TEST_CASE("a second queued run of the same background kind is merged into the first") {
  fixture f;
  auto conn = f.connection(1, "acme");
  f.sync(conn, "click", manual("products"));
  f.sync(conn, "hook1", sync_request{"webhook", "webhook", 0, {}, 1});
  f.sync(conn, "hook2", sync_request{"webhook", "webhook", 0, {}, 2});
  f.sync(conn, "cron1", sync_request{"reconcile", "cron", 0, {}, 0});
  f.sync(conn, "cron2", sync_request{"reconcile", "cron", 0, {}, 0});
  CHECK(f.status(conn).queued == 2);
  CHECK(f.replies.count("hook2"));  // answered at once: the queued run covers it
  CHECK(f.replies.count("cron2"));
  CHECK_FALSE(f.replies.count("hook1"));
  f.finish(f.started[0], 1);
  f.finish(f.started[1], 2);
  f.finish(f.started[2], 1);
  CHECK(f.started.size() == 3);
  CHECK(f.replies.count("hook1"));
  CHECK(f.replies.count("cron1"));
}

TEST_CASE("the registry forwards a request to the shop's connection, spawning it") {
  fixture f;
  caf::anon_send(f.registry, sync_atom_v, std::int64_t{7}, std::string{"bijou"}, sync_request{"webhook", "webhook", 0, {}, 5});
  f.sched->run();
  REQUIRE(f.started.size() == 1);
  CHECK(f.started[0].shop == "bijou");
  CHECK(f.started[0].request.event_id == 5);
  CHECK(f.started[0].connection == f.connection(7, "bijou"));
  f.finish(f.started[0], 1);
}

TEST_CASE("a failed job is recorded and the connection keeps working") {
  fixture f;
  auto conn = f.connection(1, "acme");
  f.sync(conn, "bad", manual("customers"));
  f.finish(f.started[0], 0, "Shopify answered 500 three times");
  CHECK(f.replies["bad"].result.error == "Shopify answered 500 three times");
  f.sync(conn, "good", manual("customers"));
  REQUIRE(f.started.size() == 2);
  f.finish(f.started[1], 5);
  auto s = f.status(conn);
  REQUIRE(s.last.size() == 1);
  CHECK(s.last[0].synced == 5);  // the latest result per direction
}

TEST_CASE("a starter that throws fails that job only") {
  fixture f;
  f.starter = [](shop_connection_actor, std::int64_t, const std::string&, const sync_request&) {
    throw std::runtime_error("no token");
  };
  auto conn = spawn_shop_connection(*f.sys, 1, "acme", f.starter, 60s);
  f.cleanup.push_back(caf::actor_cast<caf::actor>(conn));
  f.sched->run();
  f.sync(conn, "click", manual("products"));
  REQUIRE(f.replies.count("click"));
  CHECK(f.replies["click"].result.error == "could not start: no token");
  CHECK_FALSE(f.status(conn).busy);
}

TEST_CASE("the registry hands out one connection per shop and respawns idle ones") {
  fixture f;
  auto a1 = f.connection(1, "acme");
  auto a2 = f.connection(1, "acme");
  auto b = f.connection(2, "bijou");
  CHECK(a1 == a2);
  CHECK(a1 != b);
  f.sched->advance_time(61s);  // idle: both stop themselves
  f.sched->run();
  f.sched->advance_time(61s);
  f.sched->run();
  std::uint64_t count = 99;
  auto c = f.sys->spawn([&](caf::event_based_actor* self, int) {
    self->request(f.registry, caf::infinite, count_atom_v).then([&](std::uint64_t n) { count = n; });
  }, 0);
  f.sched->run();
  f.cleanup.push_back(caf::actor_cast<caf::actor>(c));
  CHECK(count == 0);
  auto again = f.connection(1, "acme");
  CHECK(again != a1);
  f.sync(again, "click", manual("products"));
  CHECK(f.started.size() == 1);
}
