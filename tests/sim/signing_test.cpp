#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"
#include "sim/oauth/signing.hpp"

#include <catch2/catch.hpp>

using namespace nexsync::sim;

TEST_CASE("OAuth query HMAC reproduces the SHOPIFY.md test vector") {
  std::vector<std::pair<std::string, std::string>> q{{"shop", "some-shop.myshopify.com"},
                                                     {"code", "0907a61c0c8d55e99db179b68161bc00"},
                                                     {"timestamp", "1337178173"},
                                                     {"hmac", "ignored"},
                                                     {"state", "0.6784241404160823"}};
  CHECK(oauth::query_message(q) ==
        "code=0907a61c0c8d55e99db179b68161bc00&shop=some-shop.myshopify.com&state=0.6784241404160823&timestamp=1337178173");
  CHECK(oauth::sign_query(q, "hush") == "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf");
}

TEST_CASE("query message drops signature, sorts and form-encodes like URLSearchParams") {
  std::vector<std::pair<std::string, std::string>> q{{"signature", "x"}, {"state", "a b&c=d"}, {"host", "YWJj/+=="}};
  CHECK(oauth::query_message(q) == "host=YWJj%2F%2B%3D%3D&state=a+b%26c%3Dd");
  CHECK(oauth::form_encode("aZ09*-._~") == "aZ09*-._%7E");
}

TEST_CASE("webhook HMAC is base64 of HMAC-SHA256 of the raw body") {
  std::string body = R"({"id":1})";
  CHECK(oauth::sign_webhook(body, "secret") == nexsync::crypto::base64_encode(nexsync::crypto::hmac_sha256("secret", body)));
  CHECK(oauth::sign_webhook(body, "secret").size() == 44);
  CHECK(oauth::sign_webhook(body, "secret") != oauth::sign_webhook(body + " ", "secret"));
}
