#include "crypto/random.hpp"

#include "crypto/encoding.hpp"

#include <catch2/catch.hpp>

using namespace nexsync::crypto;

TEST_CASE("random_bytes returns the requested length", "[crypto][random]") {
  CHECK(random_bytes(0).empty());
  CHECK(random_bytes(1).size() == 1);
  CHECK(random_bytes(32).size() == 32);
  CHECK(random_bytes(100000).size() == 100000);
}

TEST_CASE("random_bytes does not repeat", "[crypto][random]") {
  // Two equal 32-byte draws would mean a broken generator (probability 2^-256 otherwise).
  CHECK(random_bytes(32) != random_bytes(32));
}

TEST_CASE("random_hex is lower-case hex of twice the byte count", "[crypto][random]") {
  auto h = random_hex(32);
  CHECK(h.size() == 64);
  CHECK(from_hex(h).has_value());
  CHECK(h.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(random_hex(16) != random_hex(16));
}
