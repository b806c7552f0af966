#include "shopify/token_response.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

using namespace nexsync::shopify;

TEST_CASE("an expiring token response parses fully", "[shopify][token]") {
  auto r = parse_token_response(R"({"access_token":"shpat_abc","scope":"write_products,read_orders",
      "expires_in":3600,"refresh_token":"shprt_def","refresh_token_expires_in":7776000,
      "associated_user_scope":"ignored"})");
  REQUIRE(r.has_value());
  CHECK(r->access_token == "shpat_abc");
  CHECK(r->scope == "write_products,read_orders");
  REQUIRE(r->refresh);
  CHECK(r->refresh->expires_in == 3600);
  CHECK(r->refresh->refresh_token == "shprt_def");
  CHECK(r->refresh->refresh_token_expires_in == 7776000);
}

TEST_CASE("a non-expiring token response has no refresh half", "[shopify][token]") {
  auto r = parse_token_response(R"({"access_token":"shpat_abc","scope":""})");
  REQUIRE(r.has_value());
  CHECK(r->scope.empty());
  CHECK_FALSE(r->refresh);
}

TEST_CASE("token response errors name the problem", "[shopify][token]") {
  auto error_of = [](std::string_view body) {
    auto r = parse_token_response(body);
    REQUIRE_FALSE(r.has_value());
    return r.error().message;
  };
  CHECK(error_of("") .find("not JSON") != std::string::npos);
  CHECK(error_of("{") .find("not JSON") != std::string::npos);
  CHECK(error_of("[]") == "token response: not a JSON object");
  CHECK(error_of(R"({"scope":"a"})") == R"(token response: "access_token" is missing)");
  CHECK(error_of(R"({"access_token":"t"})") == R"(token response: "scope" is missing)");
  CHECK(error_of(R"({"access_token":7,"scope":"a"})") == R"(token response: "access_token" is not a string)");
  CHECK(error_of(R"({"access_token":"","scope":"a"})") == R"(token response: "access_token" is empty)");
  CHECK(error_of(R"({"access_token":"t","scope":"a","expires_in":3600})") ==
        R"(token response: "refresh_token" is missing)");
  CHECK(error_of(R"({"access_token":"t","scope":"a","refresh_token":"r","refresh_token_expires_in":1})") ==
        R"(token response: "expires_in" is missing)");
  CHECK(error_of(R"({"access_token":"t","scope":"a","expires_in":3600,"refresh_token":"r"})") ==
        R"(token response: "refresh_token_expires_in" is missing)");
  CHECK(error_of(R"({"access_token":"t","scope":"a","expires_in":"3600","refresh_token":"r","refresh_token_expires_in":1})") ==
        R"(token response: "expires_in" is not a non-negative integer)");
  CHECK(error_of(R"({"access_token":"t","scope":"a","expires_in":-1,"refresh_token":"r","refresh_token_expires_in":1})") ==
        R"(token response: "expires_in" is not a non-negative integer)");
  CHECK(error_of(R"({"access_token":"t","scope":"a","expires_in":1,"refresh_token":"","refresh_token_expires_in":1})") ==
        R"(token response: "refresh_token" is not a non-empty string)");
  CHECK(error_of(R"({"access_token":"t","scope":"a","expires_in":1,"refresh_token":"r","refresh_token_expires_in":1.5})") ==
        R"(token response: "refresh_token_expires_in" is not a non-negative integer)");
}

TEST_CASE("value() on a failed parse throws with the message", "[shopify][token]") {
  auto r = parse_token_response(R"({"scope":"a"})");
  CHECK_THROWS_WITH(r.value(), R"(token response: "access_token" is missing)");
  CHECK_THROWS_AS(r.value(), std::runtime_error);
}
