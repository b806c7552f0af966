// Customers and sales pages and JSON API over real sockets, tenant-scoped.
#include "storage/customers_repo.hpp"
#include "storage/inventory_repo.hpp"
#include "storage/sales_repo.hpp"
#include "tests/support/app_server.hpp"

#include <catch2/catch.hpp>

using namespace nexsync;

namespace {

std::int64_t seed(test::app_server& app, std::int64_t tenant) {
  storage::connection c{app.db.url};
  storage::create_item(c, tenant, {"RING-001", "Solitaire ring", "", "1250", 5}, std::nullopt);
  storage::create_customer(c, tenant, {"Ada Lovelace", "ada@example.test", "+44 20", true, "pos"});
  storage::create_customer(c, tenant, {"Grace <b>Hopper</b>", "grace@example.test", "", false, "pos"});
  storage::order_row o;
  o.shopify_order_id = "gid://shopify/Order/1001";
  o.name = "#1001";
  o.customer_email = "ada@example.test";
  o.currency = "EUR";
  o.subtotal = o.total = "2500.00";
  o.lines = {{"RING-001", "Solitaire ring", 2, "1250.00"}};
  return storage::import_sales(c, tenant, {o}, "shopify_import")[0].id;
}

}  // namespace

TEST_CASE("customers list with consent, searchable, escaped in the page") {
  test::app_server app;
  auto t = app.add_tenant("Acme");
  seed(app, t.id);
  auto c = app.signed_in(t.staff);
  auto all = c.get("/api/customers");
  REQUIRE(all.status == 200);
  CHECK(all.json().at("total").as_int64() == 2);
  auto ada = c.get("/api/customers?query=LOVELACE").json().at("customers").as_array();
  REQUIRE(ada.size() == 1);
  CHECK(ada[0].at("accepts_marketing").as_bool());
  CHECK(ada[0].at("marketing_consent_source").as_string() == "pos");
  auto page = c.get("/customers");
  REQUIRE(page.status == 200);
  CHECK(page.body.find("Grace &lt;b&gt;Hopper&lt;/b&gt;") != std::string::npos);
  CHECK(page.body.find("<b>Hopper</b>") == std::string::npos);
  CHECK(page.body.find("Subscribed") != std::string::npos);
  CHECK(c.get("/api/customers?page=-1").status == 400);
}

TEST_CASE("sales list and detail, with lines, another tenant's sale is a 404") {
  test::app_server app;
  auto t = app.add_tenant("Acme");
  auto other = app.add_tenant("Bijou");
  auto sale_id = seed(app, t.id);
  auto c = app.signed_in(t.manager);

  auto list = c.get("/api/sales");
  REQUIRE(list.status == 200);
  REQUIRE(list.json().at("sales").as_array().size() == 1);
  CHECK(list.json().at("sales").as_array()[0].at("number").as_string() == "#1001");
  CHECK(c.get("/api/sales?query=ada").json().at("total").as_int64() == 1);
  CHECK(c.get("/api/sales?query=nobody").json().at("total").as_int64() == 0);

  auto detail = c.get("/api/sales/" + std::to_string(sale_id));
  REQUIRE(detail.status == 200);
  auto sale = detail.json().at("sale");
  CHECK(sale.at("total").as_string() == "2500.00");
  CHECK(sale.at("source").as_string() == "shopify_import");
  CHECK(sale.at("customer").at("name").as_string() == "Ada Lovelace");
  REQUIRE(sale.at("lines").as_array().size() == 1);
  CHECK(sale.at("lines").as_array()[0].at("quantity").as_int64() == 2);

  auto page = c.get("/sales/" + std::to_string(sale_id));
  REQUIRE(page.status == 200);
  CHECK(page.body.find("Sale #1001") != std::string::npos);
  CHECK(page.body.find("href=\"/inventory/RING-001\"") != std::string::npos);
  CHECK(c.get("/sales").body.find("href=\"/sales/" + std::to_string(sale_id) + "\"") != std::string::npos);

  CHECK(c.get("/api/sales/abc").status == 404);
  CHECK(c.get("/api/sales/99999999").status == 404);
  CHECK(c.get("/sales/abc").status == 404);

  auto stranger = app.signed_in(other.owner);
  CHECK(stranger.get("/api/sales/" + std::to_string(sale_id)).status == 404);
  CHECK(stranger.get("/sales/" + std::to_string(sale_id)).status == 404);
  CHECK(stranger.get("/api/sales").json().at("total").as_int64() == 0);
  CHECK(stranger.get("/api/customers").json().at("total").as_int64() == 0);
}
