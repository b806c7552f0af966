#include "shopify/throttle.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace nexsync::shopify;
using namespace std::chrono_literals;

namespace {
boost::json::value json(std::string_view text) { return boost::json::parse(text); }
}  // namespace

TEST_CASE("parse_query_cost reads a successful response", "[shopify][throttle]") {
  auto cost = parse_query_cost(json(R"({"data":{},"extensions":{"cost":{"requestedQueryCost":101,
      "actualQueryCost":46,"throttleStatus":{"maximumAvailable":2000.0,"currentlyAvailable":1954,
      "restoreRate":100.0}}}})"));
  REQUIRE(cost);
  CHECK(cost->requested == 101);
  CHECK(cost->actual == 46.0);
  CHECK(cost->throttle.maximum_available == 2000);
  CHECK(cost->throttle.currently_available == 1954);
  CHECK(cost->throttle.restore_rate == 100);
}

TEST_CASE("parse_query_cost reads a throttled response with a null actual cost", "[shopify][throttle]") {
  auto cost = parse_query_cost(json(R"({"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED"}}],
      "extensions":{"cost":{"requestedQueryCost":752,"actualQueryCost":null,"throttleStatus":
      {"maximumAvailable":20000.0,"currentlyAvailable":12.5,"restoreRate":1000.0}}}})"));
  REQUIRE(cost);
  CHECK(cost->requested == 752);
  CHECK_FALSE(cost->actual);
  CHECK(cost->throttle.maximum_available == 20000);
  CHECK(cost->throttle.currently_available == 12.5);
  CHECK(cost->throttle.restore_rate == 1000);
}

TEST_CASE("parse_query_cost refuses absent or malformed costs", "[shopify][throttle]") {
  CHECK_FALSE(parse_query_cost(json(R"({"data":{}})")));
  CHECK_FALSE(parse_query_cost(json(R"([])")));
  CHECK_FALSE(parse_query_cost(json(R"({"extensions":{"cost":{"requestedQueryCost":1}}})")));
  CHECK_FALSE(parse_query_cost(json(R"({"extensions":{"cost":{"requestedQueryCost":"1","actualQueryCost":1,
      "throttleStatus":{"maximumAvailable":1,"currentlyAvailable":1,"restoreRate":1}}}})")));
  CHECK_FALSE(parse_query_cost(json(R"({"extensions":{"cost":{"requestedQueryCost":1,"actualQueryCost":"x",
      "throttleStatus":{"maximumAvailable":1,"currentlyAvailable":1,"restoreRate":1}}}})")));
  CHECK_FALSE(parse_query_cost(json(R"({"extensions":{"cost":{"requestedQueryCost":1,
      "throttleStatus":{"maximumAvailable":1,"restoreRate":1}}}})")));
}

TEST_CASE("classify_error_code knows Shopify's codes", "[shopify][throttle]") {
  CHECK(classify_error_code("THROTTLED") == graphql_error_kind::throttled);
  CHECK(classify_error_code("MAX_COST_EXCEEDED") == graphql_error_kind::max_cost_exceeded);
  CHECK(classify_error_code("ACCESS_DENIED") == graphql_error_kind::access_denied);
  CHECK(classify_error_code("SHOP_INACTIVE") == graphql_error_kind::shop_inactive);
  CHECK(classify_error_code("INTERNAL_SERVER_ERROR") == graphql_error_kind::internal_server_error);
  CHECK(classify_error_code("throttled") == graphql_error_kind::other);
  CHECK(classify_error_code("") == graphql_error_kind::other);
  CHECK(is_retryable(graphql_error_kind::throttled));
  CHECK(is_retryable(graphql_error_kind::internal_server_error));
  CHECK_FALSE(is_retryable(graphql_error_kind::max_cost_exceeded));
  CHECK_FALSE(is_retryable(graphql_error_kind::access_denied));
  CHECK_FALSE(is_retryable(graphql_error_kind::shop_inactive));
  CHECK_FALSE(is_retryable(graphql_error_kind::other));
}

TEST_CASE("parse_errors and classify_errors read the errors array", "[shopify][throttle]") {
  CHECK_FALSE(classify_errors(json(R"({"data":{"shop":{}}})")));
  CHECK_FALSE(classify_errors(json(R"({"errors":[]})")));

  auto throttled = json(R"({"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED",
      "documentation":"https://shopify.dev/api/usage/rate-limits"}}]})");
  CHECK(classify_errors(throttled) == graphql_error_kind::throttled);
  auto errors = parse_errors(throttled);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == "THROTTLED");
  CHECK(errors[0].message == "Throttled");

  auto max_cost = json(R"({"errors":[{"message":"Query cost is 1152, which exceeds the single query max cost limit (1000).",
      "extensions":{"code":"MAX_COST_EXCEEDED","cost":1152,"maxCost":1000}}]})");
  CHECK(classify_errors(max_cost) == graphql_error_kind::max_cost_exceeded);

  // A known code wins over an earlier error without one.
  auto mixed = json(R"({"errors":[{"message":"Field 'x' doesn't exist"},
      {"message":"Access denied","extensions":{"code":"ACCESS_DENIED"}}]})");
  CHECK(classify_errors(mixed) == graphql_error_kind::access_denied);
  CHECK(parse_errors(mixed).size() == 2);

  CHECK(classify_errors(json(R"({"errors":[{"message":"syntax error"}]})")) == graphql_error_kind::other);
  CHECK(classify_errors(json(R"({"errors":[{"extensions":{"code":"SHOP_INACTIVE"}}]})")) ==
        graphql_error_kind::shop_inactive);
  CHECK(classify_errors(json(R"({"errors":[{"extensions":{"code":"INTERNAL_SERVER_ERROR"}}]})")) ==
        graphql_error_kind::internal_server_error);
  CHECK(classify_errors(json(R"({"errors":"Not Found"})")) == graphql_error_kind::other);
  CHECK(classify_errors(json(R"({"errors":[42]})")) == graphql_error_kind::other);
}

TEST_CASE("parse_retry_after reads seconds, fractions included", "[shopify][throttle]") {
  CHECK(parse_retry_after("2") == 2000ms);
  CHECK(parse_retry_after("2.0") == 2000ms);  // not 2 ms
  CHECK(parse_retry_after("0.5") == 500ms);
  CHECK(parse_retry_after("1.25") == 1250ms);
  CHECK(parse_retry_after("0.0001") == 1ms);   // rounds up, never early
  CHECK(parse_retry_after("0.0010") == 1ms);
  CHECK(parse_retry_after("0") == 0ms);
  CHECK(parse_retry_after(" 3 ") == 3000ms);
  CHECK(parse_retry_after("86400") == 86400000ms);
}

TEST_CASE("parse_retry_after rejects garbage", "[shopify][throttle]") {
  for (auto text : {"", " ", "-1", "-0.5", "+1", "abc", "2s", "2.", ".5", "1e3", "1.2.3", "0x10", "1,5",
                    "Wed, 21 Oct 2015 07:28:00 GMT", "86401", "99999999999999999999999", "nan", "inf"}) {
    CAPTURE(text);
    CHECK_FALSE(parse_retry_after(text));
  }
}
