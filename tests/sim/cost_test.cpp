#include "sim/cost/bucket.hpp"
#include "sim/cost/cost.hpp"
#include "sim/graphql/parser.hpp"
#include "sim/schema/schema.hpp"

#include <catch2/catch.hpp>

using namespace nexsync::sim;
namespace json = boost::json;

namespace {

int requested(const std::string& src) {
  auto doc = std::get<graphql::document>(graphql::parse(src));
  auto p = graphql::make_plan(doc, "", json::object{}, schema::admin_schema());
  REQUIRE(p.value);
  return cost::requested_cost(*p.value);
}

}  // namespace

TEST_CASE("requested cost follows Shopify's rules, including the SHOPIFY.md examples") {
  CHECK(requested("{ products(first:50){ nodes { id variants(first:10){ nodes { id sku } } } } }") == 652);
  CHECK(requested("{ products(first:50){ nodes { id variants(first:20){ nodes { id sku } } } } }") == 1152);
  CHECK(requested("{ shop { name } }") == 1);
  CHECK(requested("{ shop { name plan { displayName } } }") == 2);
  CHECK(requested("{ products(first:10){ edges { cursor node { id } } pageInfo { hasNextPage } } }") == 12);
  CHECK(requested("{ __typename }") == 0);
  // nodes and edges on one connection are not counted twice
  CHECK(requested("{ products(first:10){ nodes { id } edges { node { id } } } }") == 12);
  CHECK(requested("mutation { appUninstall { userErrors { message } } }") == 10);
  CHECK(requested("mutation { a: appUninstall { userErrors { message } } b: appUninstall { userErrors { message } } }") == 20);
  CHECK(requested("{ orders(first:5){ nodes { totalPriceSet { shopMoney { amount } } } } }") == 2 + 5 * 3);
}

TEST_CASE("connections need first or last, at most 250") {
  auto check = [](const std::string& src) {
    auto doc = std::get<graphql::document>(graphql::parse(src));
    auto p = graphql::make_plan(doc, "", json::object{}, schema::admin_schema());
    REQUIRE(p.value);
    return cost::pagination_errors(*p.value);
  };
  CHECK(check("{ products { nodes { id } } }").size() == 1);
  CHECK(check("{ products(first: 251) { nodes { id } } }").size() == 1);
  CHECK(check("{ products(first: 250) { nodes { id } } }").empty());
}

TEST_CASE("bucket leaks at the restore rate, refuses what it does not hold, refunds up to capacity") {
  using clock = cost::bucket::clock;
  auto t0 = clock::time_point{} + std::chrono::hours(1);
  cost::bucket b(2000, 100, t0);
  CHECK(b.available(t0) == 2000);
  CHECK(b.try_take(1500, t0));
  CHECK(b.available(t0) == 500);
  CHECK_FALSE(b.try_take(752, t0));
  CHECK(b.available(t0) == 500);  // a refused call takes nothing
  CHECK(b.available(t0 + std::chrono::seconds(2)) == Approx(700));
  CHECK(b.try_take(700, t0 + std::chrono::seconds(2)));
  b.refund(300, t0 + std::chrono::seconds(2));
  CHECK(b.available(t0 + std::chrono::seconds(2)) == Approx(300));
  CHECK(b.available(t0 + std::chrono::seconds(100)) == 2000);  // never above capacity
  b.refund(5000, t0 + std::chrono::seconds(100));
  CHECK(b.available(t0 + std::chrono::seconds(100)) == 2000);
  b.set_limits(500, 10, t0 + std::chrono::seconds(100));
  CHECK(b.available(t0 + std::chrono::seconds(100)) == 500);
  CHECK(b.capacity() == 500);
  CHECK(b.restore_rate() == 10);
}

TEST_CASE("restore rates by plan") {
  CHECK(cost::restore_rate_for_plan("standard") == 100);
  CHECK(cost::restore_rate_for_plan("advanced") == 200);
  CHECK(cost::restore_rate_for_plan("plus") == 1000);
  CHECK(cost::restore_rate_for_plan("enterprise") == 2000);
}
