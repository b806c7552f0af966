#include "crypto/seal.hpp"

#include "crypto/encoding.hpp"

#include <catch2/catch.hpp>

#include <cctype>
#include <stdexcept>
#include <string>

using namespace nexsync::crypto;

namespace {

sealing_key key_of(std::string id, char fill) { return sealing_key{std::move(id), std::string(32, fill)}; }

// Splits "v1.<id>.<blob>" and returns the decoded blob.
std::string blob_of(const std::string& sealed) {
  return base64url_decode(sealed.substr(sealed.rfind('.') + 1)).value();
}

std::string with_blob(const std::string& sealed, const std::string& blob) {
  return sealed.substr(0, sealed.rfind('.') + 1) + base64url_encode(blob);
}

}  // namespace

TEST_CASE("seal and unseal round-trip", "[crypto][seal]") {
  keyring keys(key_of("k1", 'a'));
  for (std::string plain : {std::string(), std::string("shpat_0123456789abcdef"), std::string(5000, 'x'),
                            std::string("\0\xff binary", 9)}) {
    auto sealed = seal(keys, plain, "tenant:7");
    CHECK(sealed.rfind("v1.k1.", 0) == 0);
    if (plain.size() > 8) CHECK(sealed.find(plain) == std::string::npos);  // not readable at rest
    CHECK(blob_of(sealed).size() == 12 + plain.size() + 16);
    CHECK(unseal(keys, sealed, "tenant:7") == plain);
  }
}

TEST_CASE("seal uses a fresh nonce every time", "[crypto][seal]") {
  keyring keys(key_of("k1", 'a'));
  auto a = seal(keys, "token", "");
  auto b = seal(keys, "token", "");
  CHECK(a != b);
  CHECK(blob_of(a).substr(0, 12) != blob_of(b).substr(0, 12));
}

TEST_CASE("unseal detects tampering with every part", "[crypto][seal]") {
  keyring keys(key_of("k1", 'a'), {key_of("k0", 'a')});  // k0 has the same bytes on purpose
  const std::string sealed = seal(keys, "shpat_secret_token", "tenant:7");
  const std::string blob = blob_of(sealed);
  REQUIRE(unseal(keys, sealed, "tenant:7"));

  auto flip = [&](std::size_t at) {
    std::string b = blob;
    b[at] = static_cast<char>(b[at] ^ 0x01);
    return with_blob(sealed, b);
  };
  SECTION("nonce") {
    for (std::size_t i = 0; i < 12; ++i) CHECK_FALSE(unseal(keys, flip(i), "tenant:7"));
  }
  SECTION("ciphertext") {
    for (std::size_t i = 12; i < blob.size() - 16; ++i) CHECK_FALSE(unseal(keys, flip(i), "tenant:7"));
  }
  SECTION("tag") {
    for (std::size_t i = blob.size() - 16; i < blob.size(); ++i)
      CHECK_FALSE(unseal(keys, flip(i), "tenant:7"));
  }
  SECTION("truncated tag or blob") {
    CHECK_FALSE(unseal(keys, with_blob(sealed, blob.substr(0, blob.size() - 1)), "tenant:7"));
    CHECK_FALSE(unseal(keys, with_blob(sealed, blob.substr(0, 27)), "tenant:7"));
    CHECK_FALSE(unseal(keys, with_blob(sealed, blob + "x"), "tenant:7"));
  }
  SECTION("key id relabelled to another key with the same bytes") {
    std::string relabelled = "v1.k0." + sealed.substr(6);
    CHECK_FALSE(unseal(keys, relabelled, "tenant:7"));
  }
  SECTION("unknown key id") {
    CHECK_FALSE(unseal(keys, "v1.k9." + sealed.substr(6), "tenant:7"));
  }
  SECTION("version") {
    CHECK_FALSE(unseal(keys, "v2" + sealed.substr(2), "tenant:7"));
  }
  SECTION("associated data") {
    CHECK_FALSE(unseal(keys, sealed, "tenant:8"));
    CHECK_FALSE(unseal(keys, sealed, ""));
    CHECK_FALSE(unseal(keys, sealed, "tenant:7 "));
  }
}

TEST_CASE("unseal rejects malformed input", "[crypto][seal]") {
  keyring keys(key_of("k1", 'a'));
  const std::string sealed = seal(keys, "x", "");
  CHECK_FALSE(unseal(keys, "", ""));
  CHECK_FALSE(unseal(keys, "v1", ""));
  CHECK_FALSE(unseal(keys, "v1.k1", ""));
  CHECK_FALSE(unseal(keys, "v1.k1.", ""));
  CHECK_FALSE(unseal(keys, "v1..", ""));
  CHECK_FALSE(unseal(keys, sealed + ".", ""));
  CHECK_FALSE(unseal(keys, sealed + "=", ""));
  CHECK_FALSE(unseal(keys, sealed.substr(0, 6) + "!!!!", ""));
  CHECK_FALSE(unseal(keys, "V1" + sealed.substr(2), ""));
}

TEST_CASE("a wrong key cannot open a seal", "[crypto][seal]") {
  keyring a(key_of("k1", 'a'));
  keyring b(key_of("k1", 'b'));
  CHECK_FALSE(unseal(b, seal(a, "token", ""), ""));
}

TEST_CASE("key rotation keeps old seals readable", "[crypto][seal]") {
  keyring before(key_of("2025", 'a'));
  const auto old_sealed = seal(before, "old token", "ad");

  keyring after(key_of("2026", 'b'), {key_of("2025", 'a')});
  CHECK(after.current().id == "2026");
  REQUIRE(after.find("2025") != nullptr);
  CHECK(after.find("2025")->key == std::string(32, 'a'));
  CHECK(after.find("nope") == nullptr);
  CHECK(unseal(after, old_sealed, "ad") == std::string("old token"));

  const auto new_sealed = seal(after, "new token", "ad");
  CHECK(new_sealed.rfind("v1.2026.", 0) == 0);
  CHECK(unseal(after, new_sealed, "ad") == std::string("new token"));
  CHECK_FALSE(unseal(before, new_sealed, "ad"));  // the old ring does not know the new key
}

TEST_CASE("keyring rejects bad keys", "[crypto][seal]") {
  CHECK_THROWS_AS(keyring(sealing_key{"k", std::string(31, 'a')}), std::invalid_argument);
  CHECK_THROWS_AS(keyring(sealing_key{"", std::string(32, 'a')}), std::invalid_argument);
  CHECK_THROWS_AS(keyring(sealing_key{"a.b", std::string(32, 'a')}), std::invalid_argument);
  CHECK_THROWS_AS(keyring(key_of("k", 'a'), {key_of("k", 'b')}), std::invalid_argument);
  CHECK_THROWS_AS(keyring(key_of("k", 'a'), {sealing_key{"j", "short"}}), std::invalid_argument);
  CHECK_NOTHROW(keyring(key_of("key_2026-01", 'a'), {key_of("key_2025-01", 'b')}));
}

TEST_CASE("parse_master_key accepts hex and base64 of 32 bytes", "[crypto][seal]") {
  const std::string raw(32, '\x5a');
  auto from_hex_text = parse_master_key("k1", to_hex(raw));
  REQUIRE(from_hex_text);
  CHECK(from_hex_text->id == "k1");
  CHECK(from_hex_text->key == raw);

  std::string upper = to_hex(raw);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(parse_master_key("k1", upper)->key == raw);

  auto from_b64 = parse_master_key("k1", base64_encode(raw) + "\n");
  REQUIRE(from_b64);
  CHECK(from_b64->key == raw);
}

TEST_CASE("parse_master_key rejects everything else", "[crypto][seal]") {
  const std::string raw(32, '\x5a');
  CHECK_FALSE(parse_master_key("k1", ""));
  CHECK_FALSE(parse_master_key("k1", to_hex(raw).substr(2)));           // 31 bytes of hex
  CHECK_FALSE(parse_master_key("k1", to_hex(raw) + "00"));              // 33 bytes of hex
  CHECK_FALSE(parse_master_key("k1", "g" + to_hex(raw).substr(1)));     // not hex
  CHECK_FALSE(parse_master_key("k1", base64_encode(raw.substr(1))));    // base64 of 31 bytes
  CHECK_FALSE(parse_master_key("k1", base64url_encode(raw)));           // unpadded
  CHECK_FALSE(parse_master_key("k1", "correct horse battery staple")); // a passphrase
  CHECK_FALSE(parse_master_key("bad.id", to_hex(raw)));
  CHECK_FALSE(parse_master_key("", to_hex(raw)));
}
