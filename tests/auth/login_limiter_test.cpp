#include "auth/login_limiter.hpp"

#include <catch2/catch.hpp>

using namespace nexsync::auth;
using namespace std::chrono_literals;

TEST_CASE("login limiter refuses attempts past the limit and allows them again after the window") {
  login_limiter l{3, 60s};
  auto t0 = login_limiter::clock::time_point{} + 1000s;
  for (int i = 0; i < 3; ++i) CHECK(l.try_attempt("email:a@b", t0));
  CHECK_FALSE(l.try_attempt("email:a@b", t0 + 10s));
  CHECK(l.try_attempt("email:other@b", t0 + 10s));
  CHECK(l.try_attempt("email:a@b", t0 + 61s));
}

TEST_CASE("attempts count when they start: parallel guesses cannot all pass before one fails") {
  login_limiter l{5, 60s};
  auto t0 = login_limiter::clock::time_point{} + 1000s;
  int admitted = 0;
  for (int i = 0; i < 20; ++i) admitted += l.try_attempt("email:a@b", t0) ? 1 : 0;  // none has finished yet
  CHECK(admitted == 5);
}

TEST_CASE("a success clears the key, a withdrawn attempt stops counting") {
  login_limiter l{2, 60s};
  auto t0 = login_limiter::clock::time_point{} + 1000s;
  CHECK(l.try_attempt("email:a@b", t0));
  CHECK(l.try_attempt("email:a@b", t0 + 1s));
  CHECK_FALSE(l.try_attempt("email:a@b", t0 + 2s));
  l.succeeded("email:a@b");
  CHECK(l.try_attempt("email:a@b", t0 + 2s));

  CHECK(l.try_attempt("ip:1.2.3.4", t0));
  CHECK(l.try_attempt("ip:1.2.3.4", t0 + 1s));
  l.withdraw("ip:1.2.3.4", t0 + 1s);  // that one signed in
  CHECK(l.try_attempt("ip:1.2.3.4", t0 + 2s));
  CHECK_FALSE(l.try_attempt("ip:1.2.3.4", t0 + 3s));
}

TEST_CASE("a spray of made-up keys is bounded and does not wipe an account being guessed") {
  login_limiter l{3, 60s, 100};
  auto t0 = login_limiter::clock::time_point{} + 1000s;
  for (int i = 0; i < 3; ++i) CHECK(l.try_attempt("email:victim@b", t0));
  for (int i = 0; i < 1000; ++i) l.try_attempt("email:made-up-" + std::to_string(i) + "@b", t0 + 1s);
  CHECK(l.keys() <= 100);
  CHECK_FALSE(l.try_attempt("email:victim@b", t0 + 2s));  // still counted
  // Expired keys go first: after the window every key has room again.
  CHECK(l.try_attempt("email:late@b", t0 + 120s));
  CHECK(l.try_attempt("email:victim@b", t0 + 120s));
}
