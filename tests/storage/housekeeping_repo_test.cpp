// Housekeeping on a real PostgreSQL: rows past their expiry or the kept history go, and everything a
// person or the sync still needs stays (a waiting webhook, a running or clicked run, each tenant's
// latest report).
#include "storage/accounts_repo.hpp"
#include "storage/housekeeping_repo.hpp"
#include "storage/sync_runs_repo.hpp"
#include "tests/support/database.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace nexsync;

namespace {

std::int64_t count(storage::connection& c, const std::string& sql) { return c.exec(sql).int64(0, 0); }

std::set<std::string> texts(storage::connection& c, const std::string& sql) {
  std::set<std::string> out;
  auto r = c.exec(sql);
  for (int i = 0; i < r.rows(); ++i) out.insert(r.get(i, 0));
  return out;
}

}  // namespace

TEST_CASE("housekeeping deletes expired sessions and old history, and keeps what is still needed", "[storage]") {
  test::database db;
  storage::connection c{db.url};
  auto tenant = storage::create_tenant(c, "Acme");
  auto other = storage::create_tenant(c, "Other");
  auto user = storage::add_user(c, tenant, "owner@acme.test", "owner", "hash");

  // Sessions: live, idle for three hours, past their absolute expiry.
  storage::create_session(c, "live", user, tenant, "csrf", 3600);
  storage::create_session(c, "idle", user, tenant, "csrf", 3600);
  storage::create_session(c, "over", user, tenant, "csrf", 3600);
  c.exec("UPDATE sessions SET last_seen_at = now() - interval '3 hours' WHERE token_hash = 'idle'::bytea");
  c.exec("UPDATE sessions SET absolute_expires_at = now() - interval '1 second' WHERE token_hash = 'over'::bytea");

  // Webhook events: old and settled (three statuses), old but still waiting, recent and settled.
  for (auto [id, status, age] : {std::tuple{"old-applied", "applied", 20}, {"old-skipped", "skipped", 20},
                                 {"old-failed", "failed", 20}, {"old-waiting", "received", 20}, {"new-applied", "applied", 1}})
    c.exec("INSERT INTO webhook_events (tenant_id, shop_domain, topic, webhook_id, payload, status, received_at)"
           " VALUES ($1, 'acme.myshopify.com', 'orders/create', $2, '{}', $3, now() - make_interval(days => $4::int))",
           storage::params{tenant, std::string{id}, std::string{status}, std::int64_t{age}});

  // Runs: an old sweep with skipped rows, an old click, an old run still running, a recent sweep.
  auto run = [&](const std::string& trigger, const std::string& status, int age) {
    return c.exec("INSERT INTO sync_runs (tenant_id, direction, trigger, status, started_at)"
                  " VALUES ($1, $2, $3, $4, now() - make_interval(days => $5::int)) RETURNING id",
                  storage::params{tenant, std::string{trigger == "manual" ? "products" : "sweep"}, trigger, status,
                                  std::int64_t{age}})
        .int64(0, 0);
  };
  auto old_sweep = run("cron", "succeeded", 20);
  auto old_click = run("manual", "succeeded", 20);
  auto old_running = run("webhook", "running", 20);
  auto new_sweep = run("cron", "succeeded", 1);
  storage::add_to_run(c, tenant, old_sweep, 0, 1, 0, {{"A-1", "no_sku"}});
  storage::add_to_run(c, tenant, old_click, 0, 1, 0, {{"B-1", "no_sku"}});

  // Reports: for tenant, three old sweeps (the latest of them stays) and one old reconcile (its only
  // one, which stays); for the other tenant, one old sweep (its latest).
  auto report = [&](std::int64_t t, const std::string& kind, std::int64_t run_id) {
    c.exec("INSERT INTO reconcile_reports (tenant_id, shop_domain, run_id, kind, window_to, shopify_paid, recorded, created_at)"
           " VALUES ($1, 'acme.myshopify.com', $2, $3, now(), 0, 0, now() - interval '20 days')",
           storage::params{t, run_id, kind});
  };
  report(tenant, "sweep", old_sweep);
  report(tenant, "sweep", old_sweep);
  report(tenant, "reconcile", old_sweep);
  report(tenant, "sweep", new_sweep);
  report(other, "sweep", new_sweep);

  storage::retention keep;
  keep.session_idle_seconds = 2 * 3600;
  keep.history_days = 14;
  auto n = storage::prune_old_records(c, keep);

  CHECK(n.sessions == 2);
  CHECK(count(c, "SELECT count(*) FROM sessions WHERE token_hash = 'live'::bytea") == 1);
  CHECK(n.webhook_events == 3);
  CHECK(texts(c, "SELECT webhook_id FROM webhook_events") == std::set<std::string>{"old-waiting", "new-applied"});
  CHECK(n.background_runs == 1);
  CHECK(count(c, "SELECT count(*) FROM sync_runs WHERE id = " + std::to_string(old_sweep)) == 0);
  CHECK(count(c, "SELECT count(*) FROM sync_runs WHERE id IN (" + std::to_string(old_click) + "," +
                     std::to_string(old_running) + "," + std::to_string(new_sweep) + ")") == 3);
  CHECK(texts(c, "SELECT k FROM sync_skip_pages, unnest(item_keys) AS k") == std::set<std::string>{"B-1"});  // the click's list stays
  CHECK(n.reconcile_reports == 2);
  CHECK(count(c, "SELECT count(*) FROM reconcile_reports WHERE tenant_id = " + std::to_string(tenant) + " AND kind = 'sweep'") == 1);
  CHECK(count(c, "SELECT count(*) FROM reconcile_reports WHERE kind = 'reconcile'") == 1);
  CHECK(count(c, "SELECT count(*) FROM reconcile_reports WHERE tenant_id = " + std::to_string(other)) == 1);

  // A second pass finds nothing more.
  auto again = storage::prune_old_records(c, keep);
  CHECK(again.sessions + again.webhook_events + again.background_runs + again.reconcile_reports == 0);
}
