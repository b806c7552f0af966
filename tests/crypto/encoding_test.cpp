#include "crypto/encoding.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace nexsync::crypto;

namespace {
std::string all_bytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s += static_cast<char>(i);
  return s;
}
}  // namespace

TEST_CASE("to_hex writes lower-case pairs", "[crypto][encoding]") {
  CHECK(to_hex("") == "");
  CHECK(to_hex(std::string("\x00\x01\xab\xff", 4)) == "0001abff");
}

TEST_CASE("from_hex round-trips and accepts either case", "[crypto][encoding]") {
  const auto bytes = all_bytes();
  CHECK(from_hex(to_hex(bytes)) == bytes);
  CHECK(from_hex("ABff") == std::string("\xab\xff"));
  CHECK(from_hex("") == std::string());
}

TEST_CASE("from_hex rejects odd length and non-hex characters", "[crypto][encoding]") {
  CHECK_FALSE(from_hex("abc"));
  CHECK_FALSE(from_hex("0g"));
  CHECK_FALSE(from_hex("0x12"));
  CHECK_FALSE(from_hex(" 12"));
}

TEST_CASE("base64 matches the RFC 4648 test vectors", "[crypto][encoding]") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foob") == "Zm9vYg==");
  CHECK(base64_encode("fooba") == "Zm9vYmE=");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(base64_decode("Zm9vYg==") == std::string("foob"));
  CHECK(base64_decode("Zm9vYmE=") == std::string("fooba"));
  CHECK(base64_decode("Zm9vYmFy") == std::string("foobar"));
  CHECK(base64_decode("") == std::string());
}

TEST_CASE("base64 round-trips every byte value and every tail length", "[crypto][encoding]") {
  const auto bytes = all_bytes();
  for (std::size_t n = 0; n <= 8; ++n) {
    auto s = bytes.substr(250 - n, n);
    CHECK(base64_decode(base64_encode(s)) == s);
    CHECK(base64url_decode(base64url_encode(s)) == s);
  }
  CHECK(base64_decode(base64_encode(bytes)) == bytes);
  CHECK(base64url_decode(base64url_encode(bytes)) == bytes);
}

TEST_CASE("base64_decode is strict", "[crypto][encoding]") {
  CHECK_FALSE(base64_decode("Zg"));        // missing padding
  CHECK_FALSE(base64_decode("Zg="));       // short padding
  CHECK_FALSE(base64_decode("Zg==="));     // too much padding
  CHECK_FALSE(base64_decode("===="));      // padding only
  CHECK_FALSE(base64_decode("Z=g="));      // padding in the middle
  CHECK_FALSE(base64_decode("Zg==Zg=="));  // padding before more data
  CHECK_FALSE(base64_decode("Zh=="));      // non-zero trailing bits
  CHECK_FALSE(base64_decode("Zm9=")); // non-zero trailing bits with one pad
  CHECK_FALSE(base64_decode("Zm9v\n"));    // whitespace
  CHECK_FALSE(base64_decode("Zm-_"));      // url alphabet
  CHECK_FALSE(base64_decode("Zm9v!A=="));
  CHECK(base64_decode("Zm8=") == std::string("fo"));
}

TEST_CASE("base64url uses - and _ and no padding", "[crypto][encoding]") {
  CHECK(base64url_encode(std::string("\xfb\xff", 2)) == "-_8");
  CHECK(base64_encode(std::string("\xfb\xff", 2)) == "+/8=");
  CHECK(base64url_encode("f") == "Zg");
  CHECK(base64url_decode("-_8") == std::string("\xfb\xff", 2));
}

TEST_CASE("base64url_decode is strict", "[crypto][encoding]") {
  CHECK_FALSE(base64url_decode("Zg=="));  // padding not allowed
  CHECK_FALSE(base64url_decode("+/8"));   // standard alphabet
  CHECK_FALSE(base64url_decode("Z"));     // impossible length
  CHECK_FALSE(base64url_decode("Zh"));    // non-zero trailing bits
  CHECK_FALSE(base64url_decode("Zm.v"));
}
