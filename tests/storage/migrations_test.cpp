#include "storage/migrations.hpp"
#include "tests/support/database.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace nexsync;

TEST_CASE("migrations apply once, in order, and report currency") {
  test::database db{false};
  storage::connection c{db.url};
  CHECK_FALSE(storage::migrations_current(c));
  auto first = storage::migrate(c);
  REQUIRE(first.size() == storage::all_migrations().size());
  CHECK(first.front().starts_with("001_"));
  CHECK(storage::migrations_current(c));
  CHECK(storage::migrate(c).empty());
  CHECK(c.exec("SELECT count(*) FROM schema_migrations").int64(0, 0) ==
        static_cast<std::int64_t>(storage::all_migrations().size()));
}

TEST_CASE("concurrent migrators apply each migration exactly once") {
  test::database db{false};
  storage::connection a{db.url}, b{db.url};
  std::vector<std::string> from_b;
  std::thread t([&] { from_b = storage::migrate(b); });
  auto from_a = storage::migrate(a);
  t.join();
  CHECK(from_a.size() + from_b.size() == storage::all_migrations().size());
}

TEST_CASE("skipped rows stored one row each before migration 012 keep their runs and order after it") {
  test::database db{false};
  storage::connection c{db.url};
  const storage::migration* skips_per_page = nullptr;
  for (auto& m : storage::all_migrations()) {
    if (m.version < 12) c.exec_script(std::string{m.sql});
    if (m.version == 12) skips_per_page = &m;
  }
  REQUIRE(skips_per_page);
  c.exec_script(
      "INSERT INTO tenants (name) VALUES ('Acme');"
      "INSERT INTO sync_runs (tenant_id, direction, trigger) SELECT id, 'products', 'manual' FROM tenants;"
      "INSERT INTO sync_runs (tenant_id, direction, trigger) SELECT id, 'orders', 'manual' FROM tenants;"
      "INSERT INTO sync_skips (run_id, tenant_id, item_key, reason)"
      " SELECT r.id, r.tenant_id, k, 'no_sku' FROM sync_runs r, unnest(ARRAY['B', 'A', 'C']) AS k WHERE r.direction = 'products';"
      "INSERT INTO sync_skips (run_id, tenant_id, item_key, reason)"
      " SELECT r.id, r.tenant_id, '#1001', 'unpaid' FROM sync_runs r WHERE r.direction = 'orders';");
  c.exec_script(std::string{skips_per_page->sql});
  auto r = c.exec(
      "SELECT r.direction, array_to_string(p.item_keys, ','), array_to_string(p.reasons, ',')"
      " FROM sync_skip_pages p JOIN sync_runs r ON r.id = p.run_id AND r.tenant_id = p.tenant_id ORDER BY r.id");
  REQUIRE(r.rows() == 2);
  CHECK(r.get(0, 0) == "products");
  CHECK(r.get(0, 1) == "B,A,C");
  CHECK(r.get(0, 2) == "no_sku,no_sku,no_sku");
  CHECK(r.get(1, 1) == "#1001");
  CHECK(r.get(1, 2) == "unpaid");
  CHECK(c.exec("SELECT to_regclass('sync_skips') IS NULL").boolean(0, 0));
}
