// The run history on a real PostgreSQL: clicks always show; background runs only when they are
// running, failed or recorded something, so quiet sweeps do not push the clicks out of the list.
#include "storage/accounts_repo.hpp"
#include "storage/sync_runs_repo.hpp"
#include "tests/support/database.hpp"

#include <catch2/catch.hpp>

using namespace nexsync;

TEST_CASE("the history lists clicks, and background runs only when they did or failed something", "[storage]") {
  test::database db;
  storage::connection c{db.url};
  auto tenant = storage::create_tenant(c, "Acme");
  auto other = storage::create_tenant(c, "Other");

  auto click = storage::start_run(c, tenant, "products", "manual");
  storage::finish_run(c, tenant, click, "");
  auto quiet_sweep = storage::start_run(c, tenant, "sweep", "cron");
  storage::add_to_run(c, tenant, quiet_sweep, 0, 3, 0, {});  // re-read three orders already recorded
  storage::finish_run(c, tenant, quiet_sweep, "");
  auto useful_sweep = storage::start_run(c, tenant, "sweep", "cron");
  storage::add_to_run(c, tenant, useful_sweep, 1, 0, 0, {});  // recorded an order a webhook missed
  storage::finish_run(c, tenant, useful_sweep, "");
  auto failed_apply = storage::start_run(c, tenant, "webhook", "webhook");
  storage::finish_run(c, tenant, failed_apply, "Shopify is not answering");
  auto running_apply = storage::start_run(c, tenant, "webhook", "webhook");
  storage::start_run(c, other, "products", "manual");

  std::vector<std::int64_t> ids;
  for (auto& r : storage::recent_runs(c, tenant, 20)) ids.push_back(r.id);
  CHECK(ids == std::vector<std::int64_t>{running_apply, failed_apply, useful_sweep, click});
  CHECK(storage::recent_runs(c, tenant, 2).size() == 2);
}

TEST_CASE("a run's skipped rows read back in the order its pages wrote them, for its tenant only", "[storage]") {
  test::database db;
  storage::connection c{db.url};
  auto tenant = storage::create_tenant(c, "Acme");
  auto other = storage::create_tenant(c, "Other");
  auto run = storage::start_run(c, tenant, "products", "manual");
  storage::add_to_run(c, tenant, run, 5, 2, 0, {{"RING-1", "duplicate_sku"}, {"v-9", "no_sku"}});
  storage::add_to_run(c, tenant, run, 5, 0, 0, {});
  storage::add_to_run(c, tenant, run, 4, 1, 0, {{"CHAIN-\xc3\xa9", "conflict"}});

  auto skips = storage::run_skips(c, tenant, run, 10);
  REQUIRE(skips.size() == 3);
  CHECK(skips[0].key == "RING-1");
  CHECK(skips[0].reason == "duplicate_sku");
  CHECK(skips[1].key == "v-9");
  CHECK(skips[1].reason == "no_sku");
  CHECK(skips[2].key == "CHAIN-\xc3\xa9");
  CHECK(skips[2].reason == "conflict");
  CHECK(storage::run_skips(c, tenant, run, 2).size() == 2);
  CHECK(storage::run_skips(c, other, run, 10).empty());
  auto counted = storage::find_run(c, tenant, run);
  CHECK(counted->synced == 14);
  CHECK(counted->skipped == 3);
  CHECK(c.exec("SELECT count(*) FROM sync_skip_pages").int64(0, 0) == 2);  // one row a page that skipped any
}
