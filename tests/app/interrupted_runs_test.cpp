// A run the server was in the middle of when it stopped (or crashed) must not show "running" forever:
// the next start closes it as failed, with a message saying what happened and what to do.
#include "storage/sync_runs_repo.hpp"
#include "tests/support/app_server.hpp"

#include <catch2/catch.hpp>

using namespace nexsync;

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
