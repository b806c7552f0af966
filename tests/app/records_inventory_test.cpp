// Inventory pages and JSON API over real sockets: list, add, adjust (with bad input and other tenants),
// SKUs that need URL encoding.
#include "http/message.hpp"
#include "storage/inventory_repo.hpp"
#include "tests/support/app_server.hpp"

#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

using namespace nexsync;

namespace {

std::string enc(const std::string& s) { return test::http_client::encode(s); }

std::int64_t quantity_of(test::app_server& app, std::int64_t tenant, const std::string& sku) {
  storage::connection c{app.db.url};
  return storage::find_item(c, tenant, sku)->quantity;
}

std::int64_t movements(test::app_server& app, std::int64_t tenant) {
  storage::connection c{app.db.url};
  return c.exec("SELECT count(*) FROM stock_movements WHERE tenant_id = $1", storage::params{tenant}).int64(0, 0);
}

}  // namespace

TEST_CASE("staff add an item and adjust its stock through the API, the history shows who and why") {
  test::app_server app;
  auto t = app.add_tenant("Acme Jewellers");
  auto staff = app.signed_in(t.staff);

  auto created = staff.send_json("POST", "/api/inventory",
                                 R"({"sku":"RING-001","title":"Solitaire ring","price":"1250.00","quantity":3})");
  REQUIRE(created.status == 201);
  CHECK(created.json().at("item").at("quantity").as_int64() == 3);
  CHECK(created.json().at("item").at("linked_to_shopify").as_bool() == false);

  auto by_delta = staff.send_json("POST", "/api/inventory/RING-001/adjust", R"({"delta": -1, "note": "Sold at the fair"})");
  REQUIRE(by_delta.status == 200);
  CHECK(by_delta.json().at("item").at("quantity").as_int64() == 2);
  CHECK(by_delta.json().at("movement").at("note").as_string() == "Sold at the fair");
  CHECK(by_delta.json().at("movement").at("user").as_string() == t.staff);

  auto by_count = staff.send_json("POST", "/api/inventory/RING-001/adjust", R"({"quantity": 7, "note": "Stocktake"})");
  REQUIRE(by_count.status == 200);
  CHECK(by_count.json().at("movement").at("delta").as_int64() == 5);

  auto item = staff.get("/api/inventory/RING-001");
  REQUIRE(item.status == 200);
  auto history = item.json().at("movements").as_array();
  REQUIRE(history.size() == 3);
  CHECK(history[0].at("note").as_string() == "Stocktake");
  CHECK(history[2].at("kind").as_string() == "initial");

  auto list = staff.get("/api/inventory?query=solitaire&page=1");
  REQUIRE(list.status == 200);
  CHECK(list.json().at("total").as_int64() == 1);
  CHECK(list.json().at("items").as_array()[0].at("quantity").as_int64() == 7);

  auto page = staff.get("/inventory/RING-001");
  REQUIRE(page.status == 200);
  CHECK(page.body.find("Stocktake") != std::string::npos);
  CHECK(page.body.find("id=\"item-quantity\">7<") != std::string::npos);
  CHECK(page.body.find("<script>") == std::string::npos);
  CHECK(staff.get("/inventory?query=ring").body.find("href=\"/inventory/RING-001\"") != std::string::npos);
}

TEST_CASE("bad adjustments get a clear 4xx and write nothing") {
  test::app_server app;
  auto t = app.add_tenant("Acme");
  auto c = app.signed_in(t.owner);
  REQUIRE(c.send_json("POST", "/api/inventory", R"({"sku":"RING-001","title":"Ring","quantity":3})").status == 201);
  auto before = movements(app, t.id);

  struct bad_case {
    std::string body;
    unsigned status;
    std::string error;
  };
  std::vector<bad_case> cases{
      {R"({"delta": 1, "note": ""})", 400, "note_required"},
      {R"({"delta": 1, "note": "   "})", 400, "note_required"},
      {R"({"delta": 1})", 400, "note_required"},
      {R"({"delta": 1, "note": ")" + std::string(501, 'n') + R"("})", 400, "note_too_long"},
      {R"({"delta": "5", "note": "x"})", 400, "invalid_delta"},
      {R"({"delta": 1.5, "note": "x"})", 400, "invalid_delta"},
      {R"({"delta": 0, "note": "x"})", 400, "invalid_delta"},
      {R"({"delta": 99999999999, "note": "x"})", 400, "invalid_delta"},
      {R"({"delta": -1000001, "note": "x"})", 400, "invalid_delta"},
      {R"({"quantity": -1, "note": "x"})", 400, "invalid_quantity"},
      {R"({"quantity": 1e9, "note": "x"})", 400, "invalid_quantity"},
      {R"({"quantity": "many", "note": "x"})", 400, "invalid_quantity"},
      {R"({"quantity": 2, "delta": 1, "note": "x"})", 400, "invalid_adjustment"},
      {R"({"note": "x"})", 400, "invalid_adjustment"},
      {R"(not json)", 400, "invalid_json"},
      {R"({"delta": -4, "note": "more than we have"})", 409, "insufficient_stock"},
  };
  for (auto& bad : cases) {
    INFO(bad.body);
    auto res = c.send_json("POST", "/api/inventory/RING-001/adjust", bad.body);
    CHECK(res.status == bad.status);
    CHECK(res.json().at("error").as_string() == bad.error);
    CHECK_FALSE(res.json().at("message").as_string().empty());
  }
  auto unknown = c.send_json("POST", "/api/inventory/RING-404/adjust", R"({"delta": 1, "note": "x"})");
  CHECK(unknown.status == 404);
  CHECK(unknown.json().at("error").as_string() == "unknown_sku");
  CHECK(c.send_json("POST", "/api/inventory/ring-001/adjust", R"({"delta": 1, "note": "x"})").status == 404);  // case-sensitive
  CHECK(c.get("/api/inventory/RING-404").status == 404);
  CHECK(c.get("/inventory/RING-404").status == 404);

  // Without the CSRF header nothing happens either.
  auto forged = c.request("POST", "/api/inventory/RING-001/adjust", R"({"delta": 1, "note": "x"})",
                          {{"Content-Type", "application/json"}});
  CHECK(forged.status == 403);

  CHECK(movements(app, t.id) == before);
  CHECK(quantity_of(app, t.id, "RING-001") == 3);
}

TEST_CASE("adding items validates every field") {
  test::app_server app;
  auto t = app.add_tenant("Acme");
  auto c = app.signed_in(t.manager);
  std::vector<std::pair<std::string, std::string>> cases{
      {R"({"title":"Ring"})", "invalid_sku"},
      {R"({"sku":"  ","title":"Ring"})", "invalid_sku"},
      {R"({"sku":")" + std::string(101, 'S') + R"(","title":"Ring"})", "invalid_sku"},
      {R"({"sku":"A\u0007B","title":"Ring"})", "invalid_sku"},
      {R"({"sku":"A-1"})", "invalid_title"},
      {R"({"sku":"A-1","title":")" + std::string(256, 't') + R"("})", "invalid_title"},
      {R"({"sku":"A-1","title":"Ring","price":"-3"})", "invalid_price"},
      {R"({"sku":"A-1","title":"Ring","price":"1.234"})", "invalid_price"},
      {R"({"sku":"A-1","title":"Ring","price":"abc"})", "invalid_price"},
      {R"({"sku":"A-1","title":"Ring","quantity":-2})", "invalid_quantity"},
      {R"({"sku":"A-1","title":"Ring","quantity":2.5})", "invalid_quantity"},
      {R"({"sku":"A-1","title":"Ring","quantity":10000000})", "invalid_quantity"},
      {R"([1,2])", "invalid_json"},
  };
  for (auto& [body, error] : cases) {
    INFO(body);
    auto res = c.send_json("POST", "/api/inventory", body);
    CHECK(res.status == 400);
    CHECK(res.json().at("error").as_string() == error);
  }
  CHECK(c.get("/api/inventory").json().at("total").as_int64() == 0);
  REQUIRE(c.send_json("POST", "/api/inventory", R"({"sku":"A-1","title":"Ring","price":12.5})").status == 201);
  CHECK(c.get("/api/inventory/A-1").json().at("item").at("price").as_string() == "12.50");
  auto dup = c.send_json("POST", "/api/inventory", R"({"sku":"A-1","title":"Other"})");
  CHECK(dup.status == 409);
  CHECK(dup.json().at("error").as_string() == "duplicate_sku");
  CHECK(c.get("/api/inventory?page=0").status == 400);
  CHECK(c.get("/api/inventory?page=abc").status == 400);
  CHECK(c.get("/api/inventory?query=" + std::string(101, 'q')).status == 400);
}

TEST_CASE("SKUs with characters that need URL encoding work in the API and the pages") {
  test::app_server app;
  auto t = app.add_tenant("Acme");
  auto c = app.signed_in(t.staff);
  for (std::string sku : {"RING/18K 52", "50%_OFF?#", "Bague dorée", "A+B"}) {
    INFO(sku);
    boost::json::object body{{"sku", sku}, {"title", "Odd SKU"}, {"quantity", 1}};
    REQUIRE(c.send_json("POST", "/api/inventory", boost::json::serialize(body)).status == 201);
    auto adjusted = c.send_json("POST", "/api/inventory/" + enc(sku) + "/adjust", R"({"delta": 2, "note": "encoded"})");
    REQUIRE(adjusted.status == 200);
    CHECK(adjusted.json().at("item").at("sku").as_string() == sku);
    CHECK(quantity_of(app, t.id, sku) == 3);
    CHECK(c.get("/api/inventory/" + enc(sku)).json().at("item").at("sku").as_string() == sku);
    auto page = c.get("/inventory/" + enc(sku));
    CHECK(page.status == 200);
    CHECK(page.body.find(http::html_escape(sku)) != std::string::npos);
  }
  CHECK(quantity_of(app, t.id, "A+B") == 3);
}

TEST_CASE("another tenant's items are invisible and cannot be adjusted") {
  test::app_server app;
  auto a = app.add_tenant("Acme");
  auto b = app.add_tenant("Bijou");
  auto ca = app.signed_in(a.owner);
  auto cb = app.signed_in(b.owner);
  REQUIRE(ca.send_json("POST", "/api/inventory", R"({"sku":"RING-001","title":"Acme ring","quantity":5})").status == 201);
  CHECK(cb.get("/api/inventory").json().at("total").as_int64() == 0);
  CHECK(cb.get("/api/inventory/RING-001").status == 404);
  CHECK(cb.get("/inventory/RING-001").status == 404);
  CHECK(cb.send_json("POST", "/api/inventory/RING-001/adjust", R"({"delta": -5, "note": "x"})").status == 404);
  CHECK(cb.get("/inventory").body.find("Acme ring") == std::string::npos);
  // Bijou may use the same SKU for its own item.
  CHECK(cb.send_json("POST", "/api/inventory", R"({"sku":"RING-001","title":"Bijou ring"})").status == 201);
  CHECK(quantity_of(app, a.id, "RING-001") == 5);
}

TEST_CASE("the inventory needs a session") {
  test::app_server app;
  auto c = app.client();
  CHECK(c.get("/api/inventory").status == 401);
  CHECK(c.get("/inventory").status == 303);
  CHECK(c.send_json("POST", "/api/inventory/X/adjust", R"({"delta":1,"note":"x"})").status == 401);
}
