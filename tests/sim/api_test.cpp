// The Admin GraphQL endpoint over real sockets: pagination, cost, throttling, errors, mutations, bulk.

#include "tests/sim/support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <set>

using namespace nexsync::sim::test;
namespace json = boost::json;

TEST_CASE("products paginate with opaque cursors until hasNextPage is false") {
  harness h;
  REQUIRE(h.create_shop(R"({"name":"pager","products":23,"variants_per_product":2,"customers":3,"orders":3})").status == 201);
  auto token = h.token("pager");
  std::set<std::string> ids;
  std::string after = "null";
  int pages = 0;
  while (true) {
    auto r = h.graphql("pager", token,
                       "query($after: String) { products(first: 10, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor hasPreviousPage startCursor } } }",
                       "{\"after\":" + after + "}");
    REQUIRE(r.status == 200);
    auto v = r.json();
    const auto& conn = v.at("data").at("products");
    for (const auto& e : conn.at("edges").as_array()) ids.insert(std::string(e.at("node").at("id").as_string()));
    ++pages;
    CHECK(conn.at("pageInfo").at("hasPreviousPage").as_bool() == (pages > 1));
    if (!conn.at("pageInfo").at("hasNextPage").as_bool()) break;
    after = json::serialize(conn.at("pageInfo").at("endCursor"));
    REQUIRE(pages < 10);
  }
  CHECK(pages == 3);
  CHECK(ids.size() == 23);
}

TEST_CASE("every response carries extensions.cost, actual cost is refunded") {
  harness h;
  h.create_shop(R"({"name":"costly","products":5,"variants_per_product":1})");
  auto token = h.token("costly");
  auto r = h.graphql("costly", token, "{ products(first: 50) { nodes { id variants(first: 10) { nodes { id sku } } } } }");
  auto v = r.json();
  const auto& c = v.at("extensions").at("cost");
  CHECK(c.at("requestedQueryCost").as_int64() == 652);
  CHECK(c.at("actualQueryCost").as_int64() == 2 + 5 * (1 + 2 + 1));
  CHECK(c.at("throttleStatus").at("maximumAvailable").as_double() == 2000.0);
  CHECK(c.at("throttleStatus").at("restoreRate").as_double() == 100.0);
  CHECK(c.at("throttleStatus").at("currentlyAvailable").as_int64() >= 2000 - 22);
  CHECK(r.body.find("\"maximumAvailable\":2000.0") != std::string::npos);
}

TEST_CASE("a query over 1000 points is MAX_COST_EXCEEDED and never charged") {
  harness h;
  h.create_shop(R"({"name":"maxcost","products":2})");
  auto token = h.token("maxcost");
  auto r = h.graphql("maxcost", token, "{ products(first: 50) { nodes { id variants(first: 20) { nodes { id sku } } } } }");
  auto v = r.json();
  CHECK(r.status == 200);
  CHECK(v.at("errors").at(0).at("extensions").at("code").as_string() == "MAX_COST_EXCEEDED");
  CHECK(v.at("errors").at(0).at("extensions").at("cost").as_int64() == 1152);
  CHECK(v.at("errors").at(0).at("extensions").at("maxCost").as_int64() == 1000);
  CHECK(v.at("extensions").at("cost").at("actualQueryCost").is_null());
  CHECK(v.at("extensions").at("cost").at("throttleStatus").at("currentlyAvailable").as_int64() == 2000);
}

TEST_CASE("an empty bucket answers THROTTLED with HTTP 200 and the documented body") {
  harness h;
  h.create_shop(R"({"name":"thin","products":100})");
  REQUIRE(h.control("PUT", "/_sim/shops/thin/faults", R"({"bucket_size": 700, "restore_rate": 0.001})").status == 200);
  auto token = h.token("thin");
  const std::string q = "{ products(first: 50) { nodes { id variants(first: 10) { nodes { id } } } } }";
  auto first = h.graphql("thin", token, q).json();
  CHECK(first.at("extensions").at("cost").at("requestedQueryCost").as_int64() == 652);
  CHECK(first.as_object().contains("data"));
  // The refund leaves 700 - actual; ask for more than that.
  auto second = h.graphql("thin", token, q).json();
  auto third = h.graphql("thin", token, q);
  auto v = third.json();
  bool throttled = second.as_object().contains("errors") || v.as_object().contains("errors");
  REQUIRE(throttled);
  const auto& t = second.as_object().contains("errors") ? second : v;
  CHECK(third.status == 200);
  CHECK(t.at("errors").at(0).at("message").as_string() == "Throttled");
  CHECK(t.at("errors").at(0).at("extensions").at("code").as_string() == "THROTTLED");
  CHECK(t.at("errors").at(0).at("extensions").at("documentation").as_string() == "https://shopify.dev/api/usage/rate-limits");
  CHECK(t.at("extensions").at("cost").at("actualQueryCost").is_null());
  CHECK(t.at("extensions").at("cost").at("throttleStatus").at("maximumAvailable").as_double() == 700.0);
  auto stats = h.control("GET", "/_sim/shops/thin/stats").json();
  CHECK(stats.at("throttled").as_int64() >= 1);
  CHECK(stats.at("calls").as_int64() == 3);
}

TEST_CASE("bad tokens get Shopify's 401, unknown shops get the store-unavailable 404") {
  harness h;
  h.create_shop(R"({"name":"locked","products":1})");
  auto r = h.graphql("locked", "shpat_00000000000000000000000000000000", "{ shop { name } }");
  CHECK(r.status == 401);
  CHECK(r.json().at("errors").as_string() == "[API] Invalid API key or access token (unrecognized login or wrong password)");
  auto other = h.token("locked");
  h.create_shop(R"({"name":"second","products":1})");
  CHECK(h.graphql("second", other, "{ shop { name } }").status == 401);  // a token is bound to its shop
  auto missing = call(h.port(), "GET", "/shops/nope/admin");
  CHECK(missing.status == 404);
  CHECK(missing.body.find("unavailable") != std::string::npos);
  CHECK(call(h.port(), "GET", "/shops/locked/admin").status == 200);
  // Host-header addressing reaches the same shop.
  auto by_host = call(h.port(), "POST", "/admin/api/2026-10/graphql.json", R"({"query":"{ shop { myshopifyDomain } }"})",
                      {{"Host", "locked.myshopify.com"}, {"X-Shopify-Access-Token", other}});
  CHECK(by_host.json().at("data").at("shop").at("myshopifyDomain").as_string() == "locked.myshopify.com");
}

TEST_CASE("validation errors, access scopes and search warnings look like Shopify's") {
  harness h;
  h.create_shop(R"({"name":"strict","products":3,"customers":3,"orders":3})");
  auto token = h.token("strict", "read_products");
  auto unknown = h.graphql("strict", token, "{ products(first: 1) { nodes { nope } } }").json();
  CHECK(unknown.at("errors").at(0).at("extensions").at("code").as_string() == "undefinedField");
  CHECK_FALSE(unknown.as_object().contains("data"));
  auto denied = h.graphql("strict", token, "{ customers(first: 1) { nodes { id } } }").json();
  CHECK(denied.at("data").at("customers").is_null());
  CHECK(denied.at("errors").at(0).at("extensions").at("code").as_string() == "ACCESS_DENIED");
  auto warn = h.graphql("strict", token, "{ products(first: 1, query: \"colour:red\") { nodes { id } } }").json();
  CHECK(warn.at("extensions").at("search").at(0).at("warnings").at(0).at("field").as_string() == "colour");
  auto parse = h.graphql("strict", token, "{ products(first: 1) { nodes { id } }").json();
  CHECK(parse.at("errors").at(0).at("locations").at(0).at("line").as_int64() == 1);
}

TEST_CASE("orders filter by financial status and dates, only 60 days without read_all_orders") {
  harness h;
  h.create_shop(R"({"name":"orders","products":10,"customers":10,"orders":90,"order_days":90})");
  auto token = h.token("orders", "read_orders,read_customers");
  auto all = h.graphql("orders", token, "{ orders(first: 250) { nodes { id createdAt displayFinancialStatus } } }").json();
  auto n_all = all.at("data").at("orders").at("nodes").as_array().size();
  CHECK(n_all < 90);
  CHECK(n_all >= 55);
  auto wide = h.token("orders", "read_orders,read_all_orders");
  auto every = h.graphql("orders", wide, "{ orders(first: 250) { nodes { id } } }").json();
  CHECK(every.at("data").at("orders").at("nodes").as_array().size() == 90);
  auto paid = h.graphql("orders", wide, "{ orders(first: 250, query: \"financial_status:paid\") { nodes { displayFinancialStatus } } }").json();
  const auto& nodes = paid.at("data").at("orders").at("nodes").as_array();
  CHECK(nodes.size() == 11);  // every 8th of 90, starting at the 4th
  for (const auto& n : nodes) CHECK(n.at("displayFinancialStatus").as_string() == "PAID");
  auto recent = h.graphql("orders", wide, "{ orders(first: 250, query: \"created_at:>='2000-01-01' updated_at:<=2000-01-02\") { nodes { id } } }").json();
  CHECK(recent.at("data").at("orders").at("nodes").as_array().empty());
}

TEST_CASE("inventorySetQuantities overwrites, reports stale compares and replays idempotent keys") {
  harness h;
  h.create_shop(R"({"name":"stock","products":3,"variants_per_product":1})");
  auto token = h.token("stock");
  auto inv = h.control("GET", "/_sim/shops/stock/inventory").json().at("inventory").as_array();
  std::string item(inv.at(0).at("inventory_item_id").as_string());
  std::string loc(inv.at(0).at("location_id").as_string());
  const std::string m = R"(mutation($input: InventorySetQuantitiesInput!, $key: String!) {
      inventorySetQuantities(input: $input) @idempotent(key: $key) {
        inventoryAdjustmentGroup { reason changes { name delta quantityAfterChange } }
        userErrors { code field message } } })";
  auto vars = [&](int q, const std::string& change_from, const std::string& key) {
    return R"({"key":")" + key + R"(","input":{"name":"available","reason":"correction","referenceDocumentUri":"gid://nexsync/SyncRun/1","quantities":[{"inventoryItemId":")" +
           item + R"(","locationId":")" + loc + R"(","quantity":)" + std::to_string(q) + R"(,"changeFromQuantity":)" + change_from + "}]}}";
  };
  auto r1 = h.graphql("stock", token, m, vars(77, "null", "k1")).json();
  CHECK(r1.at("extensions").at("cost").at("requestedQueryCost").as_int64() == 10);
  CHECK(r1.at("data").at("inventorySetQuantities").at("userErrors").as_array().empty());
  CHECK(r1.at("data").at("inventorySetQuantities").at("inventoryAdjustmentGroup").at("changes").at(0).at("quantityAfterChange").as_int64() == 77);
  CHECK(h.control("GET", "/_sim/shops/stock/inventory").json().at("inventory").at(0).at("available").as_int64() == 77);
  auto stale = h.graphql("stock", token, m, vars(5, "76", "k2")).json();
  CHECK(stale.at("data").at("inventorySetQuantities").at("userErrors").at(0).at("code").as_string() == "CHANGE_FROM_QUANTITY_STALE");
  CHECK(h.control("GET", "/_sim/shops/stock/inventory").json().at("inventory").at(0).at("available").as_int64() == 77);
  // Someone changes the level; a replay of k1 returns the first result and changes nothing.
  h.control("PUT", "/_sim/shops/stock/inventory", R"({"inventory_item_id":")" + item + R"(","available":3})");
  auto replay = h.graphql("stock", token, m, vars(77, "null", "k1")).json();
  CHECK(json::serialize(replay.at("data")) == json::serialize(r1.at("data")));
  CHECK(h.control("GET", "/_sim/shops/stock/inventory").json().at("inventory").at(0).at("available").as_int64() == 3);
  // Pushing the same value twice: the second push has no changes.
  auto again1 = h.graphql("stock", token, m, vars(9, "null", "k3")).json();
  auto again2 = h.graphql("stock", token, m, vars(9, "null", "k4")).json();
  CHECK(again1.at("data").at("inventorySetQuantities").at("inventoryAdjustmentGroup").at("changes").as_array().size() == 2);
  CHECK(again2.at("data").at("inventorySetQuantities").at("inventoryAdjustmentGroup").at("changes").as_array().empty());
}

TEST_CASE("inventorySetQuantities refuses more than 250 rows") {
  harness h;
  h.create_shop(R"({"name":"big","products":1})");
  auto token = h.token("big");
  std::string rows;
  for (int i = 0; i < 251; ++i)
    rows += std::string(i ? "," : "") + R"({"inventoryItemId":"gid://shopify/InventoryItem/1","locationId":"gid://shopify/Location/1","quantity":1,"changeFromQuantity":null})";
  auto r = h.graphql("big", token, "mutation($q: [InventoryQuantityInput!]!) { inventorySetQuantities(input: {name: \"available\", reason: \"correction\", quantities: $q}) { userErrors { code } } }",
                     "{\"q\":[" + rows + "]}")
               .json();
  CHECK(r.at("errors").at(0).at("extensions").at("code").as_string() == "MAX_INPUT_SIZE_EXCEEDED");
}

TEST_CASE("bulk queries produce JSONL with __parentId served from a URL") {
  harness h;
  h.create_shop(R"({"name":"bulky","products":4,"variants_per_product":2})");
  auto token = h.token("bulky");
  auto run = h.graphql("bulky", token,
                       R"(mutation { bulkOperationRunQuery(query: "{ products { edges { node { id title variants { edges { node { id sku } } } } } } }") { bulkOperation { id status } userErrors { field message } } })")
                 .json();
  REQUIRE(run.at("data").at("bulkOperationRunQuery").at("userErrors").as_array().empty());
  std::string id(run.at("data").at("bulkOperationRunQuery").at("bulkOperation").at("id").as_string());
  json::value op;
  for (int i = 0; i < 500; ++i) {
    op = h.graphql("bulky", token, "query($id: ID!) { bulkOperation(id: $id) { status url objectCount rootObjectCount } }", "{\"id\":\"" + id + "\"}").json();
    if (op.at("data").at("bulkOperation").at("status").as_string() == "COMPLETED") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const auto& b = op.at("data").at("bulkOperation");
  REQUIRE(b.at("status").as_string() == "COMPLETED");
  CHECK(b.at("objectCount").as_string() == "12");
  CHECK(b.at("rootObjectCount").as_string() == "4");
  std::string url(b.at("url").as_string());
  auto path = url.substr(url.find("/_sim/bulk/"));
  auto file = call(h.port(), "GET", path);
  REQUIRE(file.status == 200);
  std::vector<json::value> lines;
  std::size_t start = 0;
  while (start < file.body.size()) {
    auto end = file.body.find('\n', start);
    lines.push_back(boost::json::parse(file.body.substr(start, end - start)));
    start = end + 1;
  }
  REQUIRE(lines.size() == 12);
  CHECK_FALSE(lines[0].as_object().contains("__parentId"));
  CHECK(lines[1].at("__parentId") == lines[0].at("id"));
  CHECK(lines[2].at("__parentId") == lines[0].at("id"));
  CHECK(call(h.port(), "GET", path.substr(0, path.size() - 8) + "xx.jsonl").status == 403);
}

TEST_CASE("at most 5 bulk queries run at once per shop") {
  harness h(1.0);
  h.create_shop(R"({"name":"busy","products":2})");
  h.control("PUT", "/_sim/shops/busy/faults", R"({"bulk_duration_ms": 60000})");
  auto token = h.token("busy");
  const std::string m = R"(mutation { bulkOperationRunQuery(query: "{ products { edges { node { id } } } }") { bulkOperation { id status } userErrors { code message } } })";
  for (int i = 0; i < 5; ++i) CHECK(h.graphql("busy", token, m).json().at("data").at("bulkOperationRunQuery").at("userErrors").as_array().empty());
  auto sixth = h.graphql("busy", token, m).json();
  CHECK(sixth.at("data").at("bulkOperationRunQuery").at("userErrors").at(0).at("code").as_string() == "OPERATION_IN_PROGRESS");
}

TEST_CASE("node and nodes resolve ids of this shop only") {
  harness h;
  h.create_shop(R"({"name":"nodes","products":2,"customers":2,"orders":2})");
  auto token = h.token("nodes");
  auto r = h.graphql("nodes", token, "{ node(id: \"gid://shopify/Product/4294967297\") { id ... on Product { title } } nodes(ids: [\"gid://shopify/Product/999\", \"gid://shopify/Location/4294967297\"]) { __typename ... on Location { name } } }").json();
  CHECK(r.at("data").at("node").at("title").is_string());
  CHECK(r.at("data").at("nodes").at(0).is_null());
  CHECK(r.at("data").at("nodes").at(1).at("__typename").as_string() == "Location");
  auto bad = h.graphql("nodes", token, "{ node(id: \"Product/1\") { id } }").json();
  CHECK(bad.at("data").at("node").is_null());
  CHECK(bad.as_object().contains("errors"));
}
