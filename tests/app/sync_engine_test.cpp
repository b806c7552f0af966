// The sync engine end to end: the server in-process, the real simulator binary, real PostgreSQL,
// every request over sockets. Expected counts come from the simulator's own control API.
#include "tests/support/shopify_sim.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace nexsync;

namespace {

// A shop with known shape, connected to a new tenant whose owner is signed in.
struct synced_shop {
  test::fixture f;
  test::seeded_tenant tenant;
  test::http_client owner;
  std::string name;

  explicit synced_shop(const std::string& shop_name, const std::string& shape)
      : tenant(f.app.add_tenant("Tenant " + shop_name)), owner(f.app.signed_in(tenant.owner)), name(shop_name) {
    auto created = f.sim.control("POST", "/_sim/shops", shape);
    REQUIRE(created.status == 201);
    test::connect_shop(f.sim, owner, shop_name);
  }

  test::reply sync(const std::string& direction) {
    return owner.send_json("POST", "/api/integrations/shopify/sync", R"({"direction":")" + direction + R"("})");
  }

  boost::json::array sim_inventory() {
    return f.sim.control("GET", "/_sim/shops/" + name + "/inventory").json().at("inventory").as_array();
  }
};

std::int64_t num(const boost::json::value& v, const char* key) { return v.at(key).as_int64(); }

}  // namespace

TEST_CASE("import products: SKU rules with exact counts, then a repeat changes nothing", "[sync]") {
  synced_shop s{"ring-shop", R"({"name":"ring-shop","plan":"standard","products":60,"variants_per_product":2,
                                "no_sku_share":0.1,"duplicate_sku_share":0.1,"customers":0,"orders":0,"seed":7})"};
  auto inventory = s.sim_inventory();
  std::set<std::string> distinct;
  std::int64_t variants = 0;
  for (auto& row : inventory) {
    ++variants;
    auto sku = std::string{row.at("sku").is_string() ? row.at("sku").as_string() : ""};
    if (!sku.empty()) distinct.insert(sku);
  }
  REQUIRE(variants == 120);
  REQUIRE(distinct.size() < 120);  // the shape really has variants without SKU and duplicates

  auto first = s.sync("products");
  REQUIRE(first.status == 200);
  auto r1 = first.json();
  CHECK(r1.at("error").is_null());
  CHECK(num(r1, "synced") == static_cast<std::int64_t>(distinct.size()));
  CHECK(num(r1, "skipped") == variants - static_cast<std::int64_t>(distinct.size()));

  auto list = s.owner.get("/api/inventory?page=1").json();
  CHECK(list.at("total").as_int64() == static_cast<std::int64_t>(distinct.size()));

  auto second = s.sync("products").json();
  CHECK(num(second, "synced") == 0);
  CHECK(num(second, "skipped") == variants);

  auto skipped = s.owner.get("/api/integrations/shopify/runs/" + std::to_string(num(r1, "run_id")) + "/skipped").json();
  std::set<std::string> reasons;
  for (auto& row : skipped.at("skipped").as_array()) reasons.insert(std::string{row.at("reason").as_string()});
  CHECK(reasons.count("no_sku"));
  CHECK(reasons.count("duplicate_sku"));
  auto stats = s.f.sim.control("GET", "/_sim/shops/ring-shop/stats").json();
  CHECK(stats.at("throttled").as_int64() == 0);
}

TEST_CASE("push inventory sends only what differs, 250 per call, and a second push sends nothing", "[sync]") {
  synced_shop s{"push-shop", R"({"name":"push-shop","plan":"standard","products":300,"variants_per_product":1,
                                "no_sku_share":0,"duplicate_sku_share":0,"customers":0,"orders":0,"seed":3})"};
  REQUIRE(s.sync("products").status == 200);
  auto baseline = s.sync("inventory").json();
  CHECK(num(baseline, "synced") == 0);  // imported quantities already match Shopify's
  // Change 260 items in nexsync: two inventorySetQuantities calls (250 + 10).
  std::vector<std::string> skus;
  for (auto& row : s.sim_inventory()) skus.push_back(std::string{row.at("sku").as_string()});
  REQUIRE(skus.size() == 300);
  for (int i = 0; i < 260; ++i) {
    auto res = s.owner.send_json("POST", "/api/inventory/" + test::http_client::encode(skus[i]) + "/adjust",
                                 R"({"delta": 3, "note": "stock take"})");
    REQUIRE(res.status == 200);
  }
  s.f.sim.control("DELETE", "/_sim/shops/push-shop/stats");
  auto pushed = s.sync("inventory").json();
  CHECK(pushed.at("error").is_null());
  CHECK(num(pushed, "synced") == 260);
  CHECK(num(pushed, "skipped") == 40);
  auto calls = s.f.sim.control("GET", "/_sim/shops/push-shop/stats").json().at("calls").as_int64();
  CHECK(calls == 2 + 2);  // two level reads (250 + 50 items) and ceil(260 / 250) = 2 mutations
  std::map<std::string, std::int64_t> shopify;
  for (auto& row : s.sim_inventory()) shopify[std::string{row.at("sku").as_string()}] = row.at("available").as_int64();
  auto item = s.owner.get("/api/inventory/" + test::http_client::encode(skus[0])).json();
  CHECK(shopify[skus[0]] == item.at("item").at("quantity").as_int64());
  auto again = s.sync("inventory").json();
  CHECK(num(again, "synced") == 0);
  CHECK(num(again, "skipped") == 300);
}

TEST_CASE("import orders: paid orders become sales once, decrementing stock once, linked to their customers", "[sync]") {
  synced_shop s{"order-shop", R"({"name":"order-shop","plan":"standard","products":20,"variants_per_product":1,
                                 "no_sku_share":0,"duplicate_sku_share":0,"customers":5,"no_email_share":0.4,
                                 "orders":30,"order_days":30,"seed":5})"};
  REQUIRE(s.sync("products").status == 200);
  REQUIRE(s.sync("customers").status == 200);
  std::set<std::string> imported_customers;  // Shopify ids of the customers nexsync has (those with an email)
  auto customers = s.owner.get("/api/customers?page=1").json();  // keep the document alive
  for (auto& c : customers.at("customers").as_array())
    if (c.at("shopify_customer_id").is_string()) imported_customers.insert(std::string{c.at("shopify_customer_id").as_string()});
  std::int64_t paid = 0, paid_by_imported = 0;
  auto orders = s.f.sim.control("GET", "/_sim/shops/order-shop/orders").json();  // keep the document alive
  for (auto& o : orders.at("orders").as_array()) {
    if (o.at("financial_status").as_string() != "paid") continue;
    ++paid;
    auto& customer = o.at("customer");
    if (customer.is_string() && imported_customers.count(std::string{customer.as_string()})) ++paid_by_imported;
  }
  REQUIRE(paid > 0);
  REQUIRE(paid_by_imported > 0);
  REQUIRE(paid_by_imported < paid);  // some have no customer, or one without an email (not imported)
  auto first = s.sync("orders").json();
  CHECK(first.at("error").is_null());
  CHECK(num(first, "synced") == paid);
  auto second = s.sync("orders").json();
  CHECK(num(second, "synced") == 0);
  auto sales = s.owner.get("/api/sales?page=1").json();  // one page: fewer than 50
  CHECK(sales.at("total").as_int64() == paid);
  std::int64_t linked = 0;
  for (auto& sale : sales.at("sales").as_array())
    if (sale.at("customer").is_object()) ++linked;
  CHECK(linked == paid_by_imported);
}

TEST_CASE("import customers by email with marketing consent, a repeat changes nothing", "[sync]") {
  synced_shop s{"client-shop", R"({"name":"client-shop","plan":"standard","products":1,"variants_per_product":1,
                                  "customers":40,"no_email_share":0.2,"orders":0,"seed":11})"};
  auto first = s.sync("customers").json();
  CHECK(first.at("error").is_null());
  CHECK(num(first, "synced") + num(first, "skipped") == 40);
  CHECK(num(first, "skipped") > 0);  // the customers without email
  auto listed = s.owner.get("/api/customers?page=1").json();
  CHECK(listed.at("total").as_int64() == num(first, "synced"));
  auto second = s.sync("customers").json();
  CHECK(num(second, "synced") == 0);
}

TEST_CASE("a lowered budget is respected: zero THROTTLED responses", "[sync]") {
  synced_shop s{"tight-shop", R"({"name":"tight-shop","plan":"standard","products":100,"variants_per_product":2,
                                 "no_sku_share":0,"duplicate_sku_share":0,"customers":0,"orders":0,"seed":9})"};
  REQUIRE(s.f.sim.control("PUT", "/_sim/shops/tight-shop/faults", R"({"bucket_size":1000,"restore_rate":400})").status / 100 == 2);
  s.f.sim.control("DELETE", "/_sim/shops/tight-shop/stats");
  auto r = s.sync("products").json();
  CHECK(r.at("error").is_null());
  CHECK(num(r, "synced") == 200);
  CHECK(s.f.sim.control("GET", "/_sim/shops/tight-shop/stats").json().at("throttled").as_int64() == 0);
}

TEST_CASE("5xx faults: the run completes or fails cleanly, and a rerun converges", "[sync]") {
  synced_shop s{"flaky-shop", R"({"name":"flaky-shop","plan":"standard","products":80,"variants_per_product":1,
                                 "no_sku_share":0,"duplicate_sku_share":0,"customers":0,"orders":0,"seed":13})"};
  REQUIRE(s.f.sim.control("PUT", "/_sim/shops/flaky-shop/faults", R"({"error_5xx_share":0.3,"truncate_share":0.1})").status / 100 == 2);
  auto r = s.sync("products");
  REQUIRE(r.status == 200);
  s.f.sim.control("DELETE", "/_sim/shops/flaky-shop/faults");
  auto rerun = s.sync("products").json();
  CHECK(rerun.at("error").is_null());
  CHECK(s.owner.get("/api/inventory?page=1").json().at("total").as_int64() == 80);
}

TEST_CASE("sync API: roles, directions, status and history", "[sync]") {
  synced_shop s{"api-shop", R"({"name":"api-shop","plan":"standard","products":3,"variants_per_product":1,
                               "customers":0,"orders":0,"seed":1})"};
  auto staff = s.f.app.signed_in(s.tenant.staff);
  CHECK(staff.send_json("POST", "/api/integrations/shopify/sync", R"({"direction":"products"})").status == 403);
  CHECK(s.sync("everything").status == 400);
  CHECK(s.owner.request("POST", "/api/integrations/shopify/sync", R"({"direction":"products"})",
                        {{"Content-Type", "application/json"}}).status == 403);  // no CSRF header
  REQUIRE(s.sync("products").status == 200);
  auto status = s.owner.get("/api/integrations/shopify/status").json();
  CHECK(status.at("connected").as_bool());
  CHECK_FALSE(status.at("busy").as_bool());
  auto runs = s.owner.get("/api/integrations/shopify/runs").json().at("runs").as_array();
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].at("status").as_string() == "succeeded");
  auto other = s.f.app.add_tenant("Somebody Else");
  auto stranger = s.f.app.signed_in(other.owner);
  CHECK(stranger.get("/api/integrations/shopify/runs/" + std::to_string(runs[0].at("id").as_int64()) + "/skipped").status == 404);
  CHECK(stranger.send_json("POST", "/api/integrations/shopify/sync", R"({"direction":"products"})").status == 409);
}

TEST_CASE("the reconciliation cron endpoint needs its bearer secret and schedules every connected shop", "[sync]") {
  synced_shop s{"cron-shop", R"({"name":"cron-shop","plan":"standard","products":2,"variants_per_product":1,
                                "customers":0,"orders":6,"order_days":10,"seed":2})"};
  auto c = s.f.app.client();
  CHECK(c.request("POST", "/api/cron/shopify-reconciliation").status == 401);
  CHECK(c.request("POST", "/api/cron/shopify-reconciliation", "", {{"Authorization", "Bearer wrong"}}).status == 401);
  auto res = c.request("POST", "/api/cron/shopify-reconciliation", "",
                       {{"Authorization", "Bearer test-cron-secret-0123456789"}});
  CHECK(res.status == 202);
  CHECK(res.json().at("scheduled").as_array().size() == 1);
}
