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
  test::fixture f;
  auto tenant = f.app.add_tenant("Stopping");
  auto owner = f.app.signed_in(tenant.owner);
  REQUIRE(f.sim.control("POST", "/_sim/shops", R"({"name":"slow-shop","plan":"standard","products":400,"variants_per_product":1,
                          "no_sku_share":0,"duplicate_sku_share":0,"customers":0,"orders":0,"seed":11})").status == 201);
  test::connect_shop(f.sim, owner, "slow-shop");
  // Every Shopify answer takes 150 ms: the import's pages (20 products each) take seconds in all.
  REQUIRE(f.sim.control("PUT", "/_sim/shops/slow-shop/faults", R"({"latency_ms":150})").status / 100 == 2);

  test::reply click;
  std::thread clicking{[&] { click = click_import(owner); }};
  storage::connection c{f.app.db.url};
  std::optional<storage::sync_run_row> run;
  for (int i = 0; i < 1000; ++i) {  // until the first pages are in
    auto runs = storage::recent_runs(c, tenant.id, 1);
    if (!runs.empty() && runs.front().synced > 0) {
      run = runs.front();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(run);
  REQUIRE(run->status == "running");

  f.app.server->stop();
  clicking.join();

  // The click was answered with what happened, and the run was closed by the stop, not left for the
  // next start: the server is not running now.
  REQUIRE(click.status == 200);
  CHECK(click.json().at("error").as_string() == storage::interrupted_run_error);
  auto closed = storage::find_run(c, tenant.id, run->id);
  REQUIRE(closed);
  CHECK(closed->status == "failed");
  CHECK(closed->error == storage::interrupted_run_error);
  CHECK(closed->synced >= run->synced);
  CHECK(closed->synced < 400);
  // What it counted is what it wrote: pages and counts commit together.
  auto items = c.exec("SELECT count(*) FROM inventory_items WHERE tenant_id = $1", storage::params{std::to_string(tenant.id)});
  CHECK(items.int64(0, 0) == closed->synced);
}

TEST_CASE("a stop does not wait for a job that is waiting for its shop's budget", "[sync]") {
  test::fixture f;
  auto tenant = f.app.add_tenant("Starved");
  auto owner = f.app.signed_in(tenant.owner);
  REQUIRE(f.sim.control("POST", "/_sim/shops", R"({"name":"starved-shop","plan":"standard","products":200,"variants_per_product":1,
                          "no_sku_share":0,"duplicate_sku_share":0,"customers":0,"orders":0,"seed":12})").status == 201);
  test::connect_shop(f.sim, owner, "starved-shop");
  // A bucket of 100 points refilled at 0.05 a second: after the first answers the limiter holds the
  // next call back for minutes.
  REQUIRE(f.sim.control("PUT", "/_sim/shops/starved-shop/faults", R"({"bucket_size":100,"restore_rate":0.05})").status / 100 == 2);

  test::reply click;
  std::thread clicking{[&] { click = click_import(owner); }};
  storage::connection c{f.app.db.url};
  std::optional<storage::sync_run_row> run;
  for (int i = 0; i < 1000 && !run; ++i) {
    auto runs = storage::recent_runs(c, tenant.id, 1);
    if (!runs.empty()) run = runs.front();
    else std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(run);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // its first calls answered, the next one waiting

  f.app.server->stop();
  clicking.join();

  // Closed by the stop itself, not left for the next start.
  REQUIRE(click.status == 200);
  CHECK(click.json().at("error").as_string() == storage::interrupted_run_error);
  auto closed = storage::find_run(c, tenant.id, run->id);
  REQUIRE(closed);
  CHECK(closed->status == "failed");
  CHECK(closed->error == storage::interrupted_run_error);
}
