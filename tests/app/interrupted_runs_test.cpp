// A run the server was in the middle of when it stopped (or crashed) must not show "running" forever:
// the next start closes it as failed, with a message saying what happened and what to do.
#include "storage/sync_runs_repo.hpp"
#include "tests/support/shopify_sim.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace nexsync;

namespace {

// Clicks Import Products and waits for the answer; status 0 if the connection was cut instead.
test::reply click_import(test::http_client& owner) {
  try {
    return owner.send_json("POST", "/api/integrations/shopify/sync", R"({"direction":"products"})");
  } catch (const std::exception&) {
    return {};
  }
}

// A tenant connected to a simulator shop of `products` one-variant products with `faults` set, whose
// owner clicks Import Products on a thread of its own; stop() stops the server and takes the answer.
struct import_to_stop {
  import_to_stop(const std::string& shop, int products, const std::string& faults)
      : tenant(f.app.add_tenant("Tenant " + shop)), owner(f.app.signed_in(tenant.owner)), c(f.app.db.url) {
    auto shape = R"({"name":")" + shop + R"(","plan":"standard","products":)" + std::to_string(products) +
                 R"(,"variants_per_product":1,"no_sku_share":0,"duplicate_sku_share":0,"customers":0,"orders":0,"seed":11})";
    REQUIRE(f.sim.control("POST", "/_sim/shops", shape).status == 201);
    test::connect_shop(f.sim, owner, shop);
    REQUIRE(f.sim.control("PUT", "/_sim/shops/" + shop + "/faults", faults).status / 100 == 2);
    clicking = std::thread{[this] { click = click_import(owner); }};
  }
  ~import_to_stop() {
    if (clicking.joinable()) stop();  // a failed REQUIRE: do not wait for the import to end
  }
  // The run, once it exists and has counted at least `synced` rows (nullopt after 10 s).
  std::optional<storage::sync_run_row> run_with(std::int64_t synced) {
    for (int i = 0; i < 1000; ++i) {
      auto runs = storage::recent_runs(c, tenant.id, 1);
      if (!runs.empty() && runs.front().synced >= synced) return runs.front();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::nullopt;
  }
  void stop() {
    f.app.server->stop();
    clicking.join();
  }
  // The click was answered as stopped, and the stop itself closed run_id as interrupted (not the next
  // start: the server is not running now). Returns the closed run.
  storage::sync_run_row closed_by_stop(std::int64_t run_id) {
    REQUIRE(click.status == 200);
    CHECK(click.json().at("error").as_string() == storage::interrupted_run_error);
    CHECK(click.json().at("stopped").as_bool());
    auto closed = storage::find_run(c, tenant.id, run_id);
    REQUIRE(closed);
    CHECK(closed->status == "failed");
    CHECK(closed->error == storage::interrupted_run_error);
    return *closed;
  }

  test::fixture f;
  test::seeded_tenant tenant;
  test::http_client owner;
  storage::connection c;
  test::reply click;
  std::thread clicking;
};

}  // namespace

TEST_CASE("runs left running by the last server process are closed as interrupted at the next start", "[sync]") {
  test::app_server app;
  auto acme = app.add_tenant("Acme");
  auto other = app.add_tenant("Other");
  storage::connection c{app.db.url};
  // What a process stopped mid-run leaves behind, next to a finished run that must stay as it is.
  auto left = storage::start_run(c, acme.id, "products", "manual");
  auto finished = storage::start_run(c, other.id, "customers", "manual");
  storage::add_to_run(c, acme.id, left, 250, 3, 0, {});
  storage::finish_run(c, other.id, finished, "");

  app.restart();

  auto closed = storage::find_run(c, acme.id, left);
  REQUIRE(closed);
  CHECK(closed->status == "failed");
  CHECK(closed->error == storage::interrupted_run_error);
  CHECK_FALSE(closed->finished_at.empty());
  CHECK(closed->synced == 250);  // what it had written is still counted
  auto kept = storage::find_run(c, other.id, finished);
  REQUIRE(kept);
  CHECK(kept->status == "succeeded");
  CHECK(kept->error.empty());

  // The run's page says so.
  auto owner = app.signed_in(acme.owner);
  auto page = owner.get("/integrations/runs/" + std::to_string(left));
  CHECK(page.status == 200);
  CHECK(page.body.find("Interrupted: nexsync stopped before this run finished.") != std::string::npos);
}

TEST_CASE("a server stopping mid-import ends the run as interrupted, keeping its pages, before it exits", "[sync]") {
  // Every Shopify answer takes 150 ms: the import's pages (20 products each) take seconds in all.
  import_to_stop t{"slow-shop", 400, R"({"latency_ms":150})"};
  auto run = t.run_with(1);  // the first pages are in
  REQUIRE(run);
  REQUIRE(run->status == "running");

  t.stop();

  auto closed = t.closed_by_stop(run->id);
  CHECK(closed.synced >= run->synced);
  CHECK(closed.synced < 400);
  // What it counted is what it wrote: pages and counts commit together.
  auto items = t.c.exec("SELECT count(*) FROM inventory_items WHERE tenant_id = $1", storage::params{t.tenant.id});
  CHECK(items.int64(0, 0) == closed.synced);
}

TEST_CASE("a stop does not wait for a job that is waiting for its shop's budget", "[sync]") {
  // A bucket of 100 points refilled at 0.05 a second: after the first answers the limiter holds the
  // next call back for minutes.
  import_to_stop t{"starved-shop", 200, R"({"bucket_size":100,"restore_rate":0.05})"};
  auto run = t.run_with(0);
  REQUIRE(run);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // its first calls answered, the next one waiting

  t.stop();

  t.closed_by_stop(run->id);
}
