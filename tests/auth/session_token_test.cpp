#include "auth/session_token.hpp"

#include <catch2/catch.hpp>

using namespace nexsync::auth;

TEST_CASE("tokens are random 256-bit values stored as hashes") {
  auto a = new_token(), b = new_token();
  CHECK(a != b);
  CHECK(a.size() == 43);  // base64url of 32 bytes, no padding
  CHECK(token_hash(a).size() == 32);
  CHECK(token_hash(a) == token_hash(a));
  CHECK(token_hash(a) != token_hash(b));
}

TEST_CASE("csrf tokens match exactly and never when empty") {
  CHECK(csrf_matches("abc", "abc"));
  CHECK_FALSE(csrf_matches("abc", "abd"));
  CHECK_FALSE(csrf_matches("abc", ""));
  CHECK_FALSE(csrf_matches("", ""));
}

TEST_CASE("session cookies carry the protective attributes") {
  auto c = session_cookie("nexsync_session", "tok", 3600, true);
  CHECK(c == "nexsync_session=tok; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600; Secure");
  CHECK(session_cookie("s", "t", 1, false).find("Secure") == std::string::npos);
  CHECK(expired_cookie("s", false).find("Max-Age=0") != std::string::npos);
}
