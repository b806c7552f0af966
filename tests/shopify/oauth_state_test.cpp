#include "shopify/oauth_state.hpp"

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

using namespace nexsync::shopify;

namespace {

const std::string key = "state-signing-key-0123456789abcdef";
const std::int64_t now = 1'800'000'000;

oauth_state sample() {
  return oauth_state{"9f86d081884c7d659a2feaa0c55ad015", 42, "c2Vzc2lvbi1oYXNo", "acme-jewellers", now + 600};
}

}  // namespace

TEST_CASE("a signed state verifies and round-trips", "[shopify][oauth_state]") {
  auto text = sign_state(key, sample());
  CHECK(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") ==
        std::string::npos);
  CHECK(std::count(text.begin(), text.end(), '.') == 1);
  auto back = verify_state(key, text, now);
  REQUIRE(back);
  CHECK(*back == sample());
}

TEST_CASE("state fields survive awkward values", "[shopify][oauth_state]") {
  oauth_state s{"n\"o\\nce}", -7, std::string("\0\x01\n caf\xc3\xa9", 10), "", INT64_MAX};
  CHECK(verify_state(key, sign_state(key, s), now) == s);
}

TEST_CASE("an expired state is refused", "[shopify][oauth_state]") {
  auto text = sign_state(key, sample());
  CHECK(verify_state(key, text, now + 599));
  CHECK_FALSE(verify_state(key, text, now + 600));
  CHECK_FALSE(verify_state(key, text, now + 601));
}

TEST_CASE("a tampered or foreign state is refused", "[shopify][oauth_state]") {
  const auto text = sign_state(key, sample());
  const auto dot = text.find('.');

  SECTION("another key") { CHECK_FALSE(verify_state("other-key", text, now)); }
  SECTION("empty key") { CHECK_FALSE(verify_state("", sign_state("", sample()), now)); }
  SECTION("payload swapped for another tenant's") {
    auto other = sample();
    other.tenant_id = 43;
    auto forged = sign_state("attacker-key", other);
    CHECK_FALSE(verify_state(key, forged.substr(0, forged.find('.')) + text.substr(dot), now));
  }
  SECTION("every character of the payload flipped in turn") {
    for (std::size_t i = 0; i < dot; ++i) {
      auto t = text;
      t[i] = t[i] == 'A' ? 'B' : 'A';
      CHECK_FALSE(verify_state(key, t, now));
    }
  }
  SECTION("signature altered") {
    auto t = text;
    t.back() = t.back() == 'A' ? 'B' : 'A';
    CHECK_FALSE(verify_state(key, t, now));
    CHECK_FALSE(verify_state(key, text.substr(0, text.size() - 1), now));
    CHECK_FALSE(verify_state(key, text + "A", now));
  }
  SECTION("malformed") {
    CHECK_FALSE(verify_state(key, "", now));
    CHECK_FALSE(verify_state(key, ".", now));
    CHECK_FALSE(verify_state(key, text.substr(0, dot), now));
    CHECK_FALSE(verify_state(key, text + ".x", now));
    CHECK_FALSE(verify_state(key, std::string(5000, 'A'), now));
  }
}

// Signs arbitrary JSON the way sign_state does (same domain-separation prefix), to reach the field
// checks that run after the MAC.
static std::string sign_raw(std::string_view json) {
  using namespace nexsync::crypto;
  auto payload = base64url_encode(json);
  return payload + "." + base64url_encode(hmac_sha256(key, "nexsync.oauth_state.v1." + payload));
}

TEST_CASE("a correctly signed payload still needs every field with its type", "[shopify][oauth_state]") {
  // The helper is right: a complete payload passes, and it is exactly what sign_state would produce.
  CHECK(verify_state(key, sign_raw(R"({"n":"x","t":1,"s":"h","h":"acme","e":1900000000})"), now) ==
        oauth_state{"x", 1, "h", "acme", 1900000000});
  CHECK_FALSE(verify_state(key, sign_raw(R"({"n":"x","t":1})"), now));
  CHECK_FALSE(verify_state(key, sign_raw(R"({"n":"x","t":"1","s":"h","h":"acme","e":1900000000})"), now));
  CHECK_FALSE(verify_state(key, sign_raw(R"({"n":"x","t":1,"s":"h","h":"acme","e":1.9e9})"), now));
  CHECK_FALSE(verify_state(key, sign_raw(R"({"n":1,"t":1,"s":"h","h":"acme","e":1900000000})"), now));
  CHECK_FALSE(verify_state(key, sign_raw(R"(["x",1,"h","acme",1900000000])"), now));
  CHECK_FALSE(verify_state(key, sign_raw("not json"), now));
}
