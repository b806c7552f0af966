// The pure parts of Import Products through a bulk operation: when it is chosen, how a status reads,
// what a person is told when the export ends without a file, the polling pace, and the JSONL export
// turned into the same rows as the paged import.
#include "sync/import_products.hpp"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <vector>

using namespace nexsync;
using namespace std::chrono_literals;

namespace {

// Both passes over the lines, as the job makes them: learn every line, then the rows in file order.
std::vector<storage::shopify_item_row> rows_of(sync::bulk_catalog& catalog, const std::vector<std::string>& lines) {
  for (auto& l : lines) REQUIRE(catalog.learn(l));
  std::vector<storage::shopify_item_row> out;
  for (auto& l : lines)
    if (auto row = catalog.row_of(l)) out.push_back(std::move(*row));
  return out;
}

sync::bulk_state state(std::string status, std::string error_code = {}) {
  sync::bulk_state s;
  s.status = std::move(status);
  s.error_code = std::move(error_code);
  return s;
}

}  // namespace

TEST_CASE("the bulk way is chosen by the product count against the threshold", "[sync][bulk]") {
  CHECK(sync::use_bulk_import(2000, 2000));
  CHECK(sync::use_bulk_import(33334, 2000));
  CHECK_FALSE(sync::use_bulk_import(1999, 2000));
  CHECK_FALSE(sync::use_bulk_import(0, 2000));      // Shopify could not say: page
  CHECK_FALSE(sync::use_bulk_import(100000, 0));    // 0: never
  CHECK(sync::use_bulk_import(1, 1));
}

TEST_CASE("a bulk operation status reads with Shopify's string counts and a null url", "[sync][bulk]") {
  auto running = boost::json::parse(R"({"data":{"bulkOperation":{"id":"gid://shopify/BulkOperation/7","status":"RUNNING",
      "errorCode":null,"objectCount":"120","rootObjectCount":"30","fileSize":null,"url":null,"partialDataUrl":null}}})");
  auto s = sync::read_bulk_state(running);
  REQUIRE(s);
  CHECK(s->id == "gid://shopify/BulkOperation/7");
  CHECK(s->status == "RUNNING");
  CHECK(s->object_count == 120);
  CHECK(s->root_object_count == 30);
  CHECK(s->url.empty());
  CHECK(sync::bulk_running(*s));

  auto done = boost::json::parse(R"({"data":{"bulkOperation":{"id":"x","status":"COMPLETED","objectCount":4,
      "rootObjectCount":1,"url":"https://storage.example/file.jsonl?sig=abc"}}})");
  auto d = sync::read_bulk_state(done);
  REQUIRE(d);
  CHECK(d->object_count == 4);
  CHECK(d->url == "https://storage.example/file.jsonl?sig=abc");
  CHECK_FALSE(sync::bulk_running(*d));
  CHECK(sync::bulk_failure_message(*d).empty());

  CHECK_FALSE(sync::read_bulk_state(boost::json::parse(R"({"data":{"bulkOperation":null}})")));
  CHECK_FALSE(sync::read_bulk_state(boost::json::parse(R"({"data":{}})")));
}

TEST_CASE("an export that ends without a file is told to a person, never silently imported", "[sync][bulk]") {
  CHECK(sync::bulk_running(state("CREATED")));
  for (auto* status : {"FAILED", "CANCELED", "CANCELING", "EXPIRED", "SOMETHING_NEW"}) {
    INFO(status);
    auto s = state(status);
    CHECK_FALSE(sync::bulk_running(s));
    auto message = sync::bulk_failure_message(s);
    CHECK_FALSE(message.empty());
    CHECK(message.find("Nothing was imported") != std::string::npos);
  }
  CHECK(sync::bulk_failure_message(state("FAILED", "TIMEOUT")).find("took longer than Shopify allows") != std::string::npos);
  CHECK(sync::bulk_failure_message(state("FAILED", "ACCESS_DENIED")).find("reconnect the store") != std::string::npos);
  CHECK(sync::bulk_failure_message(state("FAILED", "INTERNAL_SERVER_ERROR")).find("inside Shopify") != std::string::npos);
  CHECK(sync::bulk_failure_message(state("CANCELED")).find("canceled") != std::string::npos);
  CHECK(sync::bulk_failure_message(state("EXPIRED")).find("expired") != std::string::npos);
}

TEST_CASE("status polls come every quarter of the wait at first, then every second for a minute, then back off to 10 s", "[sync][bulk]") {
  CHECK(sync::bulk_poll_delay(0ms) == 100ms);
  CHECK(sync::bulk_poll_delay(100ms) == 100ms);
  CHECK(sync::bulk_poll_delay(400ms) == 100ms);
  CHECK(sync::bulk_poll_delay(800ms) == 200ms);
  CHECK(sync::bulk_poll_delay(3s) == 750ms);
  CHECK(sync::bulk_poll_delay(5s) == 1s);
  CHECK(sync::bulk_poll_delay(59s) == 1s);
  CHECK(sync::bulk_poll_delay(90s) == 4s);
  CHECK(sync::bulk_poll_delay(10min) == 10s);
  for (auto w = 0ms; w < 20min; w += 7s) CHECK(sync::bulk_poll_delay(w + 7s) >= sync::bulk_poll_delay(w));
}

TEST_CASE("the JSONL export becomes the paged import's rows, children wherever they come after the parent", "[sync][bulk]") {
  sync::bulk_catalog catalog;
  std::vector<std::string> lines{
      R"({"id":"gid://shopify/Product/1","title":"Solitaire Ring","handle":"solitaire-ring","updatedAt":"2026-11-01T00:00:00Z"})",
      R"({"id":"gid://shopify/ProductVariant/11","sku":"RING-1","title":"Size 5","price":"120.00","inventoryQuantity":4,"inventoryItem":{"id":"gid://shopify/InventoryItem/111"},"__parentId":"gid://shopify/Product/1"})",
      R"({"id":"gid://shopify/Product/2","title":"Plain Band","handle":"plain-band","updatedAt":"2026-11-01T00:00:00Z"})",
      R"({"id":"gid://shopify/Product/3","title":"Pearl Studs","handle":"pearl-studs","updatedAt":"2026-11-01T00:00:00Z"})",
      // A variant of product 1 after other products (groupObjects: false), one without a SKU.
      R"({"id":"gid://shopify/ProductVariant/12","sku":null,"title":"Size 6","price":"125.00","inventoryQuantity":0,"inventoryItem":{"id":"gid://shopify/InventoryItem/112"},"__parentId":"gid://shopify/Product/1"})",
      R"({"id":"gid://shopify/ProductVariant/31","sku":"STUD-1","title":"Default Title","price":"80.50","inventoryQuantity":-2,"inventoryItem":{"id":"gid://shopify/InventoryItem/311"},"__parentId":"gid://shopify/Product/3"})",
      "",
  };
  auto rows = rows_of(catalog, lines);
  CHECK(catalog.products() == 3);  // product 2 has no variants: it yields no row and no error
  CHECK(catalog.variants() == 3);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].sku == "RING-1");
  CHECK(rows[0].title == "Solitaire Ring");
  CHECK(rows[0].variant_title == "Size 5");
  CHECK(rows[0].price == "120.00");
  CHECK(rows[0].quantity == 4);
  CHECK(rows[0].product_id == "gid://shopify/Product/1");
  CHECK(rows[0].variant_id == "gid://shopify/ProductVariant/11");
  CHECK(rows[0].inventory_item_id == "gid://shopify/InventoryItem/111");
  CHECK(rows[1].sku.empty());  // skipped "no_sku" by the page write, keyed by its variant id
  CHECK(sync::skip_key(rows[1]) == "gid://shopify/ProductVariant/12");
  CHECK(rows[1].title == "Solitaire Ring");
  CHECK(rows[2].title == "Pearl Studs");
  CHECK(rows[2].quantity == -2);

  // The same variant as a paged products page has it: the same row.
  auto node = boost::json::parse(lines[1]);
  auto paged = sync::item_row("gid://shopify/Product/1", "Solitaire Ring", node);
  CHECK(paged.sku == rows[0].sku);
  CHECK(paged.price == rows[0].price);
  CHECK(paged.inventory_item_id == rows[0].inventory_item_id);
}

TEST_CASE("a variant before its product still gets the title, one without a product gets none", "[sync][bulk]") {
  sync::bulk_catalog catalog;
  auto rows = rows_of(catalog, {
      R"({"id":"gid://shopify/ProductVariant/21","sku":"B-1","title":"Default Title","price":"10.00","inventoryItem":{"id":"i"},"__parentId":"gid://shopify/Product/2"})",
      R"({"id":"gid://shopify/Product/2","title":"Late Product"})",
      R"({"id":"gid://shopify/ProductVariant/91","sku":"X-1","title":"Default Title","price":"","__parentId":"gid://shopify/Product/9"})",
  });
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].title == "Late Product");
  CHECK_FALSE(rows[0].quantity);  // not in the line: no baseline
  CHECK(rows[1].title.empty());   // the page write skips it as "invalid_title"
  CHECK(rows[1].price == "0");
}

TEST_CASE("a line that is not a product or a variant makes the whole export unusable", "[sync][bulk]") {
  sync::bulk_catalog catalog;
  CHECK(catalog.learn(R"({"id":"gid://shopify/Product/1","title":"A"})"));
  CHECK_FALSE(catalog.learn(R"({"id":"gid://shopify/Product/2","title":"B")"));  // cut short
  CHECK_FALSE(catalog.learn("[1,2,3]"));
  CHECK_FALSE(catalog.learn(R"({"title":"no id"})"));
  CHECK(catalog.learn(""));
}
