#include "auth/login_limiter.hpp"

#include <catch2/catch.hpp>

using namespace nexsync::auth;
using namespace std::chrono_literals;

TEST_CASE("login limiter blocks after too many failures and forgives after the window") {
  login_limiter l{3, 60s};
  auto t0 = login_limiter::clock::time_point{} + 1000s;
  for (int i = 0; i < 3; ++i) {
    CHECK(l.allowed("email:a@b", t0));
    l.failed("email:a@b", t0);
  }
  CHECK_FALSE(l.allowed("email:a@b", t0 + 10s));
  CHECK(l.allowed("email:other@b", t0 + 10s));
  CHECK(l.allowed("email:a@b", t0 + 61s));
}

TEST_CASE("a success clears the failures of that key") {
  login_limiter l{2, 60s};
  auto t0 = login_limiter::clock::time_point{} + 1000s;
  l.failed("ip:1.2.3.4", t0);
  l.failed("ip:1.2.3.4", t0);
  CHECK_FALSE(l.allowed("ip:1.2.3.4", t0));
  l.succeeded("ip:1.2.3.4");
  CHECK(l.allowed("ip:1.2.3.4", t0));
}
