#include "auth/password.hpp"

#include <catch2/catch.hpp>

using namespace nexsync::auth;

TEST_CASE("argon2id hashes verify only the right password") {
  auto h = hash_password("correct horse battery");
  CHECK(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
  CHECK(verify_password(h, "correct horse battery"));
  CHECK_FALSE(verify_password(h, "correct horse batterY"));
  CHECK_FALSE(verify_password("not a hash", "x"));
  CHECK(hash_password("correct horse battery") != h);  // random salt
}

TEST_CASE("password rules explain themselves") {
  CHECK(password_problem("short").find("10 characters") != std::string::npos);
  CHECK(password_problem("long enough pass").empty());
}
