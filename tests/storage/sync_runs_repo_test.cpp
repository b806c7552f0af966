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
