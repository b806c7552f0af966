#include "shopify/cost.hpp"

#include <catch2/catch.hpp>

using namespace nexsync::shopify;

TEST_CASE("cost constants follow Shopify's rules", "[shopify][cost]") {
  CHECK(scalar_cost == 0);
  CHECK(object_cost == 1);
  CHECK(mutation_cost == 10);
  CHECK(max_query_cost == 1000);
  CHECK(object_with(0) == 1);
  CHECK(object_with(5) == 6);
  CHECK(connection_cost(0, 1) == 2);
  CHECK(connection_cost(250, 1) == 252);
}

TEST_CASE("SHOPIFY.md's nested connection examples", "[shopify][cost]") {
  // products(first:50){ nodes { id variants(first:10){ nodes { id sku } } } }
  constexpr int variant = object_with(scalar_cost + scalar_cost);
  constexpr int product_10 = object_with(connection_cost(10, variant));
  static_assert(connection_cost(50, product_10) == 652);
  CHECK(connection_cost(50, product_10) == 652);
  CHECK(connection_cost(50, product_10) <= max_query_cost);

  constexpr int product_20 = object_with(connection_cost(20, variant));
  CHECK(connection_cost(50, product_20) == 1152);
  CHECK(connection_cost(50, product_20) > max_query_cost);
}
