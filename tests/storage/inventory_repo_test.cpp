// Inventory on a real PostgreSQL: quantity = sum of movements, adjustments (incl. concurrent ones),
// the products import batch and the push list.
#include "storage/accounts_repo.hpp"
#include "storage/inventory_repo.hpp"
#include "storage/sync_runs_repo.hpp"
#include "tests/support/database.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace nexsync;

namespace {

std::int64_t movement_sum(storage::connection& c, std::int64_t item_id) {
  return c.exec("SELECT coalesce(sum(delta), 0) FROM stock_movements WHERE item_id = $1", storage::params{item_id})
      .int64(0, 0);
}

storage::new_item ring(std::int64_t quantity = 5) {
  return storage::new_item{"RING-001", "Solitaire ring", "18k / 52", "1250.00", quantity};
}

// Waits (without a deadline of its own) until the backend pid waits for a lock.
void wait_until_blocked(storage::connection& observer, std::int64_t pid) {
  for (int i = 0; i < 20000; ++i) {
    auto r = observer.exec("SELECT count(*) FROM pg_locks WHERE pid = $1 AND NOT granted", storage::params{pid});
    if (r.int64(0, 0) > 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  FAIL("the second transaction never waited for the first one's lock");
}

}  // namespace

TEST_CASE("items are created with their initial stock as a movement, SKUs are unique per tenant, case-sensitive") {
  test::database db;
  storage::connection c{db.url};
  auto t = storage::create_tenant(c, "Acme");
  auto other = storage::create_tenant(c, "Bijou");
  auto item = storage::create_item(c, t, ring(5), std::nullopt);
  REQUIRE(item);
  CHECK(item->quantity == 5);
  CHECK(item->price == "1250.00");
  CHECK_FALSE(item->shopify_inventory_item_id);
  CHECK(movement_sum(c, item->id) == 5);
  auto history = storage::item_movements(c, t, item->id);
  REQUIRE(history.size() == 1);
  CHECK(history[0].kind == "initial");

  CHECK_FALSE(storage::create_item(c, t, ring(1), std::nullopt));     // same SKU, same tenant
  auto lower = ring(0);
  lower.sku = "ring-001";
  CHECK(storage::create_item(c, t, lower, std::nullopt));             // case differs: another SKU
  CHECK(storage::create_item(c, other, ring(2), std::nullopt));       // another tenant may use it
  CHECK(storage::find_item(c, t, "RING-001")->quantity == 5);
  CHECK(storage::find_item(c, other, "RING-001")->quantity == 2);
  CHECK_FALSE(storage::find_item(c, t, "RING-002"));
  CHECK(storage::item_movements(c, other, item->id).empty());         // another tenant's item id shows nothing
}

TEST_CASE("the quantity can only change through movements") {
  test::database db;
  storage::connection c{db.url};
  auto t = storage::create_tenant(c, "Acme");
  auto item = storage::create_item(c, t, ring(5), std::nullopt);
  CHECK_THROWS_AS(c.exec("UPDATE inventory_items SET quantity = 99 WHERE id = $1", storage::params{item->id}),
                  storage::query_error);
  CHECK_THROWS_AS(c.exec("INSERT INTO inventory_items (tenant_id, sku, title, quantity) VALUES ($1, 'X', 'X', 3)",
                         storage::params{t}),
                  storage::query_error);
  CHECK_THROWS_AS(c.exec("INSERT INTO stock_movements (tenant_id, item_id, kind, delta, note) VALUES ($1, $2, 'adjustment', 1, ' ')",
                         storage::params{t, item->id}),
                  storage::query_error);  // an adjustment needs a note
  auto other = storage::create_tenant(c, "Bijou");
  CHECK_THROWS_AS(c.exec("INSERT INTO stock_movements (tenant_id, item_id, kind, delta, note) VALUES ($1, $2, 'adjustment', 1, 'x')",
                         storage::params{other, item->id}),
                  storage::query_error);  // a movement cannot reach another tenant's item
  CHECK(storage::find_item(c, t, "RING-001")->quantity == 5);

  // An imported item starts at Shopify's quantity, and its insert records that as its baseline movement;
  // a baseline cannot be written any other way.
  auto imported = c.exec("INSERT INTO inventory_items (tenant_id, sku, title, quantity, last_import_run)"
                         " VALUES ($1, 'IMP-1', 'Imported', 7, 'run-1'), ($1, 'IMP-2', 'Imported', 0, 'run-1') RETURNING id",
                         storage::params{t});
  auto first = imported.int64(0, 0), second = imported.int64(1, 0);
  CHECK(storage::find_item(c, t, "IMP-1")->quantity == 7);
  CHECK(movement_sum(c, first) == 7);
  REQUIRE(storage::item_movements(c, t, first).size() == 1);
  CHECK(storage::item_movements(c, t, first)[0].kind == "import_baseline");
  CHECK(storage::item_movements(c, t, second).empty());  // nothing to record at 0
  CHECK_THROWS_AS(c.exec("INSERT INTO stock_movements (tenant_id, item_id, kind, delta, note) VALUES ($1, $2, 'import_baseline', 3, 'x')",
                         storage::params{t, second}),
                  storage::query_error);
  CHECK(storage::find_item(c, t, "IMP-2")->quantity == 0);
}

TEST_CASE("adjustments by delta or new count record a movement with note and user") {
  test::database db;
  storage::connection c{db.url};
  auto t = storage::create_tenant(c, "Acme");
  auto user = storage::add_user(c, t, "staff@acme.test", "staff", "x");
  storage::create_item(c, t, ring(5), std::nullopt);

  auto r = storage::adjust_stock(c, t, "RING-001", {-2, std::nullopt, "Sold at the fair", user});
  REQUIRE(r.status == storage::adjust_status::applied);
  CHECK(r.item.quantity == 3);
  CHECK(r.movement.delta == -2);
  CHECK(r.movement.quantity_after == 3);
  CHECK(r.movement.note == "Sold at the fair");
  CHECK(r.movement.user_email == "staff@acme.test");

  auto count = storage::adjust_stock(c, t, "RING-001", {std::nullopt, 10, "Stocktake", user});
  REQUIRE(count.status == storage::adjust_status::applied);
  CHECK(count.movement.delta == 7);
  CHECK(count.item.quantity == 10);

  auto too_many = storage::adjust_stock(c, t, "RING-001", {-11, std::nullopt, "oops", user});
  CHECK(too_many.status == storage::adjust_status::would_go_negative);
  CHECK(too_many.item.quantity == 10);
  CHECK(storage::adjust_stock(c, t, "RING-404", {1, std::nullopt, "x", user}).status == storage::adjust_status::not_found);

  auto other = storage::create_tenant(c, "Bijou");
  CHECK(storage::adjust_stock(c, other, "RING-001", {1, std::nullopt, "x", std::nullopt}).status ==
        storage::adjust_status::not_found);

  auto item = storage::find_item(c, t, "RING-001");
  CHECK(item->quantity == movement_sum(c, item->id));
  auto history = storage::item_movements(c, t, item->id);
  REQUIRE(history.size() == 3);
  CHECK(history[0].note == "Stocktake");  // newest first
  CHECK(history[2].kind == "initial");
}

TEST_CASE("two connections adjusting one item at once both apply (no lost update)") {
  test::database db;
  storage::connection a{db.url}, b{db.url}, observer{db.url};
  auto t = storage::create_tenant(a, "Acme");
  auto item = storage::create_item(a, t, ring(10), std::nullopt);
  auto b_pid = b.exec("SELECT pg_backend_pid()").int64(0, 0);

  SECTION("delta while another delta is in flight") {
    // A has changed the item but not committed; B's adjustment must wait and then build on A's result.
    a.exec_script("BEGIN");
    a.exec("SELECT id FROM inventory_items WHERE id = $1 FOR UPDATE", storage::params{item->id});
    a.exec("INSERT INTO stock_movements (tenant_id, item_id, kind, delta, note) VALUES ($1, $2, 'adjustment', 2, 'tab A')",
           storage::params{t, item->id});
    storage::adjust_result from_b;
    std::thread tb{[&] { from_b = storage::adjust_stock(b, t, "RING-001", {3, std::nullopt, "tab B", std::nullopt}); }};
    wait_until_blocked(observer, b_pid);
    a.exec_script("COMMIT");
    tb.join();
    CHECK(from_b.status == storage::adjust_status::applied);
    CHECK(from_b.movement.quantity_after == 15);
    CHECK(storage::find_item(observer, t, "RING-001")->quantity == 15);
  }
  SECTION("a new count is taken against the committed quantity") {
    a.exec_script("BEGIN");
    a.exec("INSERT INTO stock_movements (tenant_id, item_id, kind, delta, note) VALUES ($1, $2, 'adjustment', 2, 'tab A')",
           storage::params{t, item->id});
    storage::adjust_result from_b;
    std::thread tb{[&] { from_b = storage::adjust_stock(b, t, "RING-001", {std::nullopt, 4, "counted", std::nullopt}); }};
    wait_until_blocked(observer, b_pid);
    a.exec_script("COMMIT");
    tb.join();
    CHECK(from_b.movement.delta == -8);  // 12 after A, counted 4
    CHECK(storage::find_item(observer, t, "RING-001")->quantity == 4);
  }
  SECTION("many concurrent increments from two connections") {
    auto bump = [&](storage::connection& c) {
      for (int i = 0; i < 50; ++i) storage::adjust_stock(c, t, "RING-001", {1, std::nullopt, "bump", std::nullopt});
    };
    std::thread ta{[&] { bump(a); }};
    std::thread tb{[&] { bump(b); }};
    ta.join();
    tb.join();
    CHECK(storage::find_item(observer, t, "RING-001")->quantity == 110);
  }
  CHECK(movement_sum(observer, item->id) == storage::find_item(observer, t, "RING-001")->quantity);
}

TEST_CASE("the products import creates, updates and skips rows by SKU") {
  test::database db;
  storage::connection c{db.url};
  auto t = storage::create_tenant(c, "Acme");
  auto other = storage::create_tenant(c, "Bijou");
  storage::create_item(c, t, storage::new_item{"LOCAL-1", "Workshop pendant", "", "300", 2}, std::nullopt);
  std::vector<storage::shopify_item_row> page{
      {"RING-001", "Solitaire ring", "52", "1250.00", 4, "gid://shopify/Product/1", "gid://shopify/ProductVariant/11",
       "gid://shopify/InventoryItem/111"},
      {"", "No SKU thing", "", "10.00", 1, "p2", "v2", "i2"},
      {"RING-001", "Solitaire ring", "54", "1250.00", 4, "gid://shopify/Product/1", "gid://shopify/ProductVariant/12",
       "gid://shopify/InventoryItem/112"},
      {"LOCAL-1", "Workshop pendant", "", "320.00", 9, "p3", "v3", "i3"},
      {"BAD-PRICE", "Bracelet", "", "twelve", 1, "p4", "v4", "i4"},
  };
  auto first = storage::upsert_items_from_shopify(c, t, page, "run-1");
  REQUIRE(first.size() == 5);
  CHECK(first[0].status == storage::row_status::created);
  CHECK(first[1].reason == "no_sku");
  CHECK(first[2].reason == "duplicate_sku");
  CHECK(first[3].status == storage::row_status::updated);
  CHECK(first[4].reason == "invalid_price");

  auto ring_item = storage::find_item(c, t, "RING-001");
  CHECK(ring_item->quantity == 4);  // Shopify's count is the baseline of a new item
  CHECK(ring_item->variant_title == "52");
  CHECK(ring_item->shopify_inventory_item_id == "gid://shopify/InventoryItem/111");
  CHECK(ring_item->last_synced_at);
  CHECK(storage::item_movements(c, t, ring_item->id)[0].kind == "import_baseline");
  auto local = storage::find_item(c, t, "LOCAL-1");
  CHECK(local->quantity == 2);  // an existing item keeps nexsync's count
  CHECK(local->price == "320.00");

  // The same page again: nothing changes; a later page of the same run with the SKU is a duplicate.
  auto again = storage::upsert_items_from_shopify(c, t, page, "run-2");
  CHECK(again[0].reason == "unchanged");
  CHECK(again[3].reason == "unchanged");
  std::vector<storage::shopify_item_row> later_page{
      {"RING-001", "Solitaire ring", "56", "1250.00", 4, "p1", "v13", "i113"}};
  CHECK(storage::upsert_items_from_shopify(c, t, later_page, "run-2")[0].reason == "duplicate_sku");
  CHECK(storage::find_item(c, t, "RING-001")->variant_title == "52");

  // A changed title is an update.
  page[0].title = "Solitaire ring, platinum";
  CHECK(storage::upsert_items_from_shopify(c, t, page, "run-3")[0].status == storage::row_status::updated);
  CHECK(storage::find_item(c, t, "RING-001")->title == "Solitaire ring, platinum");
  CHECK_FALSE(storage::find_item(c, other, "RING-001"));  // nothing leaked into the other tenant
}

TEST_CASE("what the caller writes before a page commits commits with it, or neither does") {
  test::database db;
  storage::connection c{db.url};
  auto t = storage::create_tenant(c, "Acme");
  auto run = storage::start_run(c, t, "products", "manual");
  std::vector<storage::shopify_item_row> page{{"RING-7", "Ring", "", "90.00", 2, "p", "v7", "i7"},
                                              {"", "No SKU", "", "1.00", 1, "p", "v8", "i8"}};
  std::size_t seen = 0;
  auto count = [&](storage::connection& c, const std::vector<storage::row_outcome>& outcomes) {
    seen = outcomes.size();
    CHECK(storage::find_item(c, t, "RING-7"));  // the page's rows are already there, in the same transaction
    CHECK(c.exec("SHOW plan_cache_mode").get(0, 0) == "force_custom_plan");
    storage::add_to_run(c, t, run, 1, 1, 0, {{"v8", outcomes[1].reason}});
  };
  auto out = storage::upsert_items_from_shopify(c, t, page, std::to_string(run), count);
  CHECK(seen == 2);
  CHECK(out[0].status == storage::row_status::created);
  auto recorded = storage::find_run(c, t, run);
  CHECK(recorded->synced == 1);
  CHECK(recorded->skipped == 1);
  CHECK(storage::run_skips(c, t, run, 10).at(0).reason == "no_sku");

  // A hook that fails takes the page with it: the rows are untouched, and so are the counts.
  std::vector<storage::shopify_item_row> next{{"RING-8", "Ring", "", "95.00", 3, "p", "v9", "i9"}};
  auto failing = [&](storage::connection& c, const std::vector<storage::row_outcome>&) {
    storage::add_to_run(c, t, run, 1, 0, 0, {});
    throw std::runtime_error("the run's row could not be written");
  };
  CHECK_THROWS_AS(storage::upsert_items_from_shopify(c, t, next, std::to_string(run), failing), std::runtime_error);
  CHECK_FALSE(storage::find_item(c, t, "RING-8"));
  CHECK(storage::find_run(c, t, run)->synced == 1);
}

TEST_CASE("items for push are the SKU-linked ones with their quantity") {
  test::database db;
  storage::connection c{db.url};
  auto t = storage::create_tenant(c, "Acme");
  auto other = storage::create_tenant(c, "Bijou");
  storage::create_item(c, t, storage::new_item{"LOCAL-1", "Workshop pendant", "", "300", 2}, std::nullopt);
  storage::upsert_items_from_shopify(c, t, {{"B-2", "Bangle", "", "80", 3, "p", "v", "inv-2"},
                                            {"A-1", "Anklet", "", "40", 1, "p", "v1", "inv-1"}},
                                     "run-1");
  storage::upsert_items_from_shopify(c, other, {{"Z-9", "Other tenant", "", "1", 1, "p", "v", "inv-9"}}, "run-2");
  storage::adjust_stock(c, t, "A-1", {6, std::nullopt, "restock", std::nullopt});
  auto rows = storage::items_for_push(c, t);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].sku == "A-1");
  CHECK(rows[0].inventory_item_id == "inv-1");
  CHECK(rows[0].quantity == 7);
  CHECK(rows[1].sku == "B-2");
}

TEST_CASE("lists search SKU and title and page through the results") {
  test::database db;
  storage::connection c{db.url};
  auto t = storage::create_tenant(c, "Acme");
  for (int i = 0; i < 7; ++i)
    storage::create_item(c, t, storage::new_item{"SKU-" + std::to_string(i), i % 2 ? "Ring" : "Chain", "", "1", 0},
                         std::nullopt);
  storage::create_item(c, t, storage::new_item{"50%_OFF", "Sale bin", "", "1", 0}, std::nullopt);
  auto p1 = storage::list_items(c, t, {"", 1, 3});
  CHECK(p1.total == 8);
  CHECK(p1.rows.size() == 3);
  auto p3 = storage::list_items(c, t, {"", 3, 3});
  CHECK(p3.rows.size() == 2);
  CHECK(storage::list_items(c, t, {"ring", 1, 50}).total == 3);
  CHECK(storage::list_items(c, t, {"%", 1, 50}).total == 1);  // LIKE wildcards are literal
  CHECK(storage::list_items(c, t, {"_", 1, 50}).total == 1);
}

TEST_CASE("two imports of overlapping new SKUs at once: each SKU once, its baseline once") {
  test::database db;
  storage::connection setup{db.url};
  auto t = storage::create_tenant(setup, "Acme");
  // Two pages sharing half their SKUs, written by two connections at the same time, several rounds:
  // one page's set-based insert meets the other's uncommitted rows and falls back to row by row.
  auto page = [](int from) {
    std::vector<storage::shopify_item_row> rows;
    for (int i = from; i < from + 120; ++i) {
      auto n = std::to_string(i);
      rows.push_back({"S-" + n, "Item " + n, "", "10.00", 5, "p" + n, "v" + n, "ii" + n});
    }
    return rows;
  };
  for (int round = 0; round < 5; ++round) {
    auto base = round * 1000;
    std::vector<storage::row_outcome> a, b;
    std::thread one([&] {
      storage::connection c{db.url};
      a = storage::upsert_items_from_shopify(c, t, page(base), "run-a" + std::to_string(round));
    });
    std::thread two([&] {
      storage::connection c{db.url};
      b = storage::upsert_items_from_shopify(c, t, page(base + 60), "run-b" + std::to_string(round));
    });
    one.join();
    two.join();
    int created = 0;
    for (auto& o : a) created += o.status == storage::row_status::created;
    for (auto& o : b) created += o.status == storage::row_status::created;
    CHECK(created == 180);  // 180 distinct SKUs, each created by exactly one of the two
  }
  auto count = setup.exec("SELECT count(*), count(DISTINCT sku), sum(quantity) FROM inventory_items WHERE tenant_id = $1",
                          storage::params{t});
  CHECK(count.int64(0, 0) == 900);
  CHECK(count.int64(0, 1) == 900);
  CHECK(count.int64(0, 2) == 900 * 5);  // one baseline movement per item, never two
  auto moved = setup.exec("SELECT count(*), sum(delta) FROM stock_movements WHERE tenant_id = $1", storage::params{t});
  CHECK(moved.int64(0, 0) == 900);
  CHECK(moved.int64(0, 1) == 900 * 5);
}
