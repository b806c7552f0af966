// Accounts over real sockets: sign-in, sessions, CSRF, rate limiting, tenant isolation.
#include "tests/support/app_server.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <thread>

using namespace nexsync;

TEST_CASE("pages require a session and send strangers to the login page") {
  test::app_server app;
  auto c = app.client();
  auto res = c.get("/?query=ring");
  CHECK(res.status == 303);
  CHECK(res.header("location") == "/login?next=%2F%3Fquery%3Dring");
  auto home = c.get("/");
  CHECK(home.status == 303);
}

TEST_CASE("the right password signs in and shows the app shell, a wrong one shows an error") {
  test::app_server app;
  auto tenant = app.add_tenant("Acme Jewellers");
  auto c = app.client();
  auto bad = c.login(tenant.owner, "wrong-password");
  CHECK(bad.status == 401);
  CHECK(bad.body.find("Wrong email or password.") != std::string::npos);
  CHECK_FALSE(c.cookies.count("nexsync_session"));

  auto good = c.login(tenant.owner, test::seeded_tenant::password);
  REQUIRE(good.status == 303);
  auto cookie = good.header("set-cookie");
  CHECK(cookie.find("HttpOnly") != std::string::npos);
  CHECK(cookie.find("SameSite=Lax") != std::string::npos);
  auto home = c.get("/");
  CHECK(home.status == 200);
  CHECK(home.body.find("Acme Jewellers") != std::string::npos);
  CHECK(home.body.find("href=\"/integrations\"") != std::string::npos);
  CHECK(c.csrf.size() == 43);
}

TEST_CASE("the login form's CSRF token is required") {
  test::app_server app;
  auto tenant = app.add_tenant("Acme");
  auto c = app.client();
  c.get("/login");
  auto res = c.post_form("/login", "csrf=forged&email=" + test::http_client::encode(tenant.owner) + "&password=" +
                                       test::seeded_tenant::password);
  CHECK(res.status == 403);
  CHECK_FALSE(c.cookies.count("nexsync_session"));
}

TEST_CASE("logout needs the session's CSRF token and ends the session") {
  test::app_server app;
  auto tenant = app.add_tenant("Acme");
  auto c = app.signed_in(tenant.staff);
  CHECK(c.post_form("/logout", "csrf=not-the-token").status == 403);
  CHECK(c.get("/").status == 200);
  auto stolen = c.cookies;
  auto out = c.post_form("/logout", "csrf=" + c.csrf);
  CHECK(out.status == 303);
  CHECK(out.header("location") == "/login");
  c.cookies = stolen;  // replaying the old cookie does not work either
  CHECK(c.get("/").status == 303);
}

TEST_CASE("repeated wrong passwords are rate limited per account") {
  test::app_server app;
  auto tenant = app.add_tenant("Acme");
  auto c = app.client();
  for (int i = 0; i < 5; ++i) CHECK(c.login(tenant.owner, "wrong-password").status == 401);
  auto limited = c.login(tenant.owner, test::seeded_tenant::password);
  CHECK(limited.status == 429);
  CHECK(limited.body.find("Too many failed sign-ins") != std::string::npos);
  CHECK(app.signed_in(tenant.staff).get("/").status == 200);  // other accounts are unaffected
}

TEST_CASE("wrong passwords sent in parallel are limited as if sent one by one") {
  test::app_server app;
  auto tenant = app.add_tenant("Acme");
  std::vector<test::http_client> clients;
  for (int i = 0; i < 12; ++i) clients.push_back(app.client());
  std::vector<unsigned> statuses(clients.size());
  std::vector<std::thread> guesses;
  for (std::size_t i = 0; i < clients.size(); ++i)
    guesses.emplace_back([&, i] { statuses[i] = clients[i].login(tenant.owner, "wrong-password").status; });
  for (auto& g : guesses) g.join();
  auto refused = std::count(statuses.begin(), statuses.end(), 429u);
  CHECK(std::count(statuses.begin(), statuses.end(), 401u) == 5);
  CHECK(refused == 7);
  CHECK(app.client().login(tenant.owner, test::seeded_tenant::password).status == 429);
}

TEST_CASE("a next path with a line break, tab or backslash is not echoed into the redirect") {
  test::app_server app;
  auto tenant = app.add_tenant("Acme");
  for (std::string next : {"%2F%0D%0ASet-Cookie%3A%20nexsync_session%3Dplanted", "%2F%09%2Fevil.example", "%2F%5Cevil.example"}) {
    INFO(next);
    auto c = app.client();
    auto form = c.get("/login");
    auto token = test::http_client::extract(form.body, R"(name="csrf" value="([^"]+)\")");
    auto res = c.post_form("/login", "csrf=" + token + "&email=" + test::http_client::encode(tenant.owner) +
                                         "&password=" + test::seeded_tenant::password + "&next=" + next);
    CHECK(res.status == 303);
    CHECK(res.header("location") == "/");
    CHECK(res.header("set-cookie").find("planted") == std::string::npos);
  }
}

TEST_CASE("a session only ever shows its own tenant") {
  test::app_server app;
  auto a = app.add_tenant("Acme Jewellers");
  auto b = app.add_tenant("Bijou Atelier");
  auto ca = app.signed_in(a.owner);
  auto cb = app.signed_in(b.owner);
  auto pa = ca.get("/").body, pb = cb.get("/").body;
  CHECK(pa.find("Acme Jewellers") != std::string::npos);
  CHECK(pa.find("Bijou Atelier") == std::string::npos);
  CHECK(pb.find("Bijou Atelier") != std::string::npos);
  CHECK(pb.find("Acme Jewellers") == std::string::npos);
}

TEST_CASE("open redirects through next are refused") {
  test::app_server app;
  auto tenant = app.add_tenant("Acme");
  auto c = app.client();
  auto form = c.get("/login?next=//evil.example/x");
  auto token = test::http_client::extract(form.body, R"(name="csrf" value="([^"]+)\")");
  auto res = c.post_form("/login", "csrf=" + token + "&email=" + test::http_client::encode(tenant.owner) +
                                       "&password=" + test::seeded_tenant::password + "&next=%2F%2Fevil.example%2Fx");
  CHECK(res.status == 303);
  CHECK(res.header("location") == "/");
}
