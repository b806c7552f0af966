#include "shopify/webhook_signature.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace nexsync::shopify;

namespace {
const std::string body = R"({"id":820982911946154508,"email":"jon@example.com"})";
// base64(HMAC-SHA256("hush", body)), computed independently with Python's hmac module.
const std::string expected = "D0UMXmhjwBRi4y66TmhJrDlhQABD7zI2fm3p6/QLMo8=";
}  // namespace

TEST_CASE("webhook_hmac is base64 of HMAC-SHA256 over the raw body", "[shopify][webhook]") {
  CHECK(webhook_hmac("hush", body) == expected);
}

TEST_CASE("verify_webhook accepts the right signature", "[shopify][webhook]") {
  const std::vector<std::string> one = {"hush"};
  CHECK(verify_webhook(one, body, expected));
}

TEST_CASE("verify_webhook accepts either secret during a rotation", "[shopify][webhook]") {
  const std::vector<std::string> both = {"new-secret", "hush"};
  CHECK(verify_webhook(both, body, expected));
  CHECK(verify_webhook(both, body, webhook_hmac("new-secret", body)));
  const std::vector<std::string> rotated = {"new-secret"};
  CHECK_FALSE(verify_webhook(rotated, body, expected));
}

TEST_CASE("verify_webhook rejects forgeries", "[shopify][webhook]") {
  const std::vector<std::string> one = {"hush"};
  CHECK_FALSE(verify_webhook(one, body + " ", expected));           // body changed
  CHECK_FALSE(verify_webhook(one, body, ""));                       // header missing
  CHECK_FALSE(verify_webhook(one, body, expected.substr(0, 43)));   // truncated
  CHECK_FALSE(verify_webhook(one, body, expected + "="));           // extended
  std::string flipped = expected;
  flipped[0] = 'E';
  CHECK_FALSE(verify_webhook(one, body, flipped));
  CHECK_FALSE(verify_webhook({}, body, expected));                  // no secrets configured
}

TEST_CASE("verify_webhook never trusts an empty secret", "[shopify][webhook]") {
  const std::vector<std::string> empty_only = {""};
  CHECK_FALSE(verify_webhook(empty_only, body, webhook_hmac("", body)));
}
