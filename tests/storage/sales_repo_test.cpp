// Sales on a real PostgreSQL: importing orders creates sales with lines and decrements stock exactly
// once, also when the same order is imported twice at the same time.
#include "storage/accounts_repo.hpp"
#include "storage/customers_repo.hpp"
#include "storage/inventory_repo.hpp"
#include "storage/sales_repo.hpp"
#include "tests/support/database.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace nexsync;

namespace {

storage::order_row order(const std::string& id, const std::string& name, std::int64_t ring_units = 2) {
  storage::order_row o;
  o.shopify_order_id = id;
  o.name = name;
  o.customer_email = "ADA@example.test";
  o.currency = "EUR";
  o.subtotal = "2500.00";
  o.total_tax = "0";
  o.total = "2500.00";
  o.financial_status = "PAID";
  o.created_at = "2024-05-01T09:30:00Z";
  o.lines = {{"RING-001", "Solitaire ring", ring_units, "1250.00"}, {"UNKNOWN", "Gift wrap", 1, "0"}};
  return o;
}

struct fixture {
  test::database db;
  storage::connection c{db.url};
  std::int64_t tenant = storage::create_tenant(c, "Acme");
  fixture() {
    storage::create_item(c, tenant, storage::new_item{"RING-001", "Solitaire ring", "", "1250", 10}, std::nullopt);
    storage::create_customer(c, tenant, {"Ada Lovelace", "ada@example.test", "", false, "pos"});
  }
  std::int64_t quantity() { return storage::find_item(c, tenant, "RING-001")->quantity; }
  std::int64_t count(const std::string& table) {
    return c.exec("SELECT count(*) FROM " + table + " WHERE tenant_id = $1", storage::params{tenant}).int64(0, 0);
  }
};

void wait_until_blocked(storage::connection& observer, std::int64_t pid) {
  for (int i = 0; i < 20000; ++i) {
    if (observer.exec("SELECT count(*) FROM pg_locks WHERE pid = $1 AND NOT granted", storage::params{pid}).int64(0, 0) > 0)
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  FAIL("the second import never waited for the first one");
}

}  // namespace

TEST_CASE("importing an order records a sale with lines and decrements stock once") {
  fixture f;
  auto first = storage::import_sales(f.c, f.tenant, {order("gid://shopify/Order/1", "#1001")}, "shopify_import");
  REQUIRE(first.size() == 1);
  REQUIRE(first[0].status == storage::row_status::created);
  CHECK(f.quantity() == 8);

  auto s = storage::find_sale(f.c, f.tenant, first[0].id);
  REQUIRE(s);
  CHECK(s->number == "#1001");
  CHECK(s->shopify_order_name == "#1001");
  CHECK(s->source == "shopify_import");
  CHECK(s->financial_status == "paid");
  CHECK(s->total == "2500.00");
  CHECK(s->currency == "EUR");
  CHECK(s->customer_name == "Ada Lovelace");
  CHECK(s->created_at == "2024-05-01T09:30:00Z");
  REQUIRE(s->lines.size() == 2);
  CHECK(s->lines[0].item_id);
  CHECK_FALSE(s->lines[1].item_id);  // an unknown SKU is recorded without touching stock

  auto item = storage::find_item(f.c, f.tenant, "RING-001");
  auto history = storage::item_movements(f.c, f.tenant, item->id);
  CHECK(history[0].kind == "sale");
  CHECK(history[0].sale_id == first[0].id);
  CHECK(history[0].delta == -2);

  // A second apply (webhook after import, reconciliation...) changes nothing.
  auto second = storage::import_sales(f.c, f.tenant, {order("gid://shopify/Order/1", "#1001")}, "shopify_webhook");
  CHECK(second[0].status == storage::row_status::skipped);
  CHECK(second[0].reason == "already_imported");
  CHECK(second[0].id == first[0].id);
  CHECK(f.quantity() == 8);
  CHECK(f.count("sales") == 1);
  CHECK(f.count("stock_movements") == 2);

  // The sale is invisible to another tenant.
  auto other = storage::create_tenant(f.c, "Bijou");
  CHECK_FALSE(storage::find_sale(f.c, other, first[0].id));
  CHECK(storage::list_sales(f.c, other, {}).total == 0);
  CHECK(storage::list_sales(f.c, f.tenant, {"lovelace", 1, 50}).total == 1);
}

TEST_CASE("import skips what it must not record") {
  fixture f;
  auto unpaid = order("o-2", "#1002");
  unpaid.financial_status = "PENDING";
  auto no_id = order("", "#1003");
  auto bad = order("o-4", "#1004");
  bad.total = "-5";
  auto same_name = order("o-5", "#1001");
  auto lines_twice = order("o-6", "#1006", 1);
  lines_twice.lines.push_back({"RING-001", "Solitaire ring", 3, "1250.00"});
  auto out = storage::import_sales(
      f.c, f.tenant, {order("o-1", "#1001"), unpaid, no_id, bad, same_name, order("o-1", "#1001"), lines_twice},
      "reconciliation");
  CHECK(out[0].status == storage::row_status::created);
  CHECK(out[1].reason == "not_paid");
  CHECK(out[2].reason == "no_order_id");
  CHECK(out[3].reason == "invalid_order");
  CHECK(out[4].reason == "duplicate_order_name");
  CHECK(out[5].reason == "duplicate_order");
  CHECK(out[6].status == storage::row_status::created);
  CHECK(f.quantity() == 10 - 2 - 4);  // two lines of one SKU: one movement of 4
  CHECK(f.count("stock_movements") == 3);
  CHECK_THROWS_AS(storage::import_sales(f.c, f.tenant, {order("o-9", "#9")}, "carrier_pigeon"), std::invalid_argument);
  auto lapsed = order("o-10", "#1010");
  lapsed.financial_status = "EXPIRED";  // a lapsed authorization: not paid, not malformed
  CHECK(storage::import_sales(f.c, f.tenant, {lapsed}, "shopify_webhook")[0].reason == "not_paid");
}

TEST_CASE("a shop-floor sale is keyed by its number") {
  fixture f;
  storage::order_row pos;
  pos.name = "POS-0001";
  pos.currency = "EUR";
  pos.total = "1250.00";
  pos.lines = {{"RING-001", "Solitaire ring", 1, "1250.00"}};
  CHECK(storage::import_sales(f.c, f.tenant, {pos}, "pos")[0].status == storage::row_status::created);
  CHECK(storage::import_sales(f.c, f.tenant, {pos}, "pos")[0].reason == "already_imported");
  CHECK(f.quantity() == 9);
}

TEST_CASE("the same order imported by two transactions at once makes one sale and one decrement") {
  fixture f;
  storage::connection a{f.db.url}, b{f.db.url};

  SECTION("the second import waits for the first and then skips") {
    // A records the sale (the webhook path) but has not committed when B's import of the order arrives.
    auto b_pid = b.exec("SELECT pg_backend_pid()").int64(0, 0);
    a.exec_script("BEGIN");
    a.exec("INSERT INTO sales (tenant_id, number, shopify_order_id, shopify_order_name, source, currency, financial_status)"
           " VALUES ($1, '#1001', 'o-1', '#1001', 'shopify_webhook', 'EUR', 'paid')",
           storage::params{f.tenant});
    a.exec("INSERT INTO stock_movements (tenant_id, item_id, kind, delta, sale_id) SELECT $1, i.id, 'sale', -2, s.id"
           " FROM inventory_items i, sales s WHERE i.tenant_id = $1 AND s.tenant_id = $1 AND s.shopify_order_id = 'o-1'",
           storage::params{f.tenant});
    std::vector<storage::row_outcome> from_b;
    std::thread tb{[&] { from_b = storage::import_sales(b, f.tenant, {order("o-1", "#1001")}, "shopify_import"); }};
    wait_until_blocked(f.c, b_pid);
    a.exec_script("COMMIT");
    tb.join();
    REQUIRE(from_b.size() == 1);
    CHECK(from_b[0].reason == "already_imported");
    CHECK(f.quantity() == 8);
  }
  SECTION("both race through import_sales") {
    for (int round = 0; round < 20; ++round) {
      auto id = "race-" + std::to_string(round);
      std::vector<storage::row_outcome> ra, rb;
      std::thread ta{[&] { ra = storage::import_sales(a, f.tenant, {order(id, "#R" + std::to_string(round), 1)}, "shopify_webhook"); }};
      std::thread tb{[&] { rb = storage::import_sales(b, f.tenant, {order(id, "#R" + std::to_string(round), 1)}, "reconciliation"); }};
      ta.join();
      tb.join();
      auto created = (ra[0].status == storage::row_status::created) + (rb[0].status == storage::row_status::created);
      CHECK(created == 1);
      CHECK((ra[0].reason == "already_imported" || rb[0].reason == "already_imported"));
    }
    CHECK(f.quantity() == 10 - 20);  // stock may go below zero when Shopify sold more than we counted
    CHECK(f.count("sales") == 20);
  }
  CHECK(f.count("stock_movements") == 1 + f.count("sales"));
}
