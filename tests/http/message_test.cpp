#include "http/message.hpp"

#include <catch2/catch.hpp>

using namespace nexsync::http;

TEST_CASE("url_decode decodes escapes and optionally plus") {
  CHECK(url_decode("a%20b+c", true) == "a b c");
  CHECK(url_decode("a%20b+c", false) == "a b+c");
  CHECK(url_decode("bad%zzescape%4", true) == "bad%zzescape%4");
}

TEST_CASE("url_encode keeps unreserved characters only") {
  CHECK(url_encode("a b/c~d") == "a%20b%2Fc~d");
  CHECK(url_encode("grant_options[]") == "grant_options%5B%5D");
}

TEST_CASE("request reads cookies, query and form fields") {
  request r;
  r.headers.emplace("cookie", "a=1; nexsync_session=\"abc\"; b=2");
  r.query = "q=ring+gold&page=2&q=second";
  r.body = "email=a%40b.com&password=x%26y";
  CHECK(r.cookie("nexsync_session") == "abc");
  CHECK(r.cookie("b") == "2");
  CHECK_FALSE(r.cookie("missing"));
  CHECK(r.header("COOKIE"));
  CHECK(r.query_param("q") == "ring gold");
  CHECK(r.query_param("page") == "2");
  CHECK(r.form_param("email") == "a@b.com");
  CHECK(r.form_param("password") == "x&y");
}

TEST_CASE("response helpers set content types and replace headers") {
  auto r = response::redirect("/login");
  CHECK(r.status == 303);
  CHECK(r.header("location") == "/login");
  r.set_header("Location", "/x");
  CHECK(r.headers.size() == 1);
  r.add_header("Set-Cookie", "a=1").add_header("Set-Cookie", "b=2");
  CHECK(r.headers.size() == 3);
  auto j = response::json_error(400, "bad", "Bad \"input\"");
  CHECK(j.body == R"({"error":"bad","message":"Bad \"input\""})");
  CHECK(j.header("Content-Type") == "application/json");
}

TEST_CASE("a response header with a line break is refused, not sent") {
  auto res = response::text(200, "ok");
  CHECK_THROWS_AS(res.set_header("Location", "/\r\nSet-Cookie: planted=1"), std::invalid_argument);
  CHECK_THROWS_AS(res.add_header("Set-Cookie", "a=1\nb=2"), std::invalid_argument);
  CHECK_THROWS_AS(res.add_header("X-Bad\r\nName", "v"), std::invalid_argument);
  CHECK_THROWS_AS(response::redirect(std::string_view{"/a\0b", 4}), std::invalid_argument);
  CHECK_FALSE(res.header("Location"));
  CHECK(res.header("Content-Type"));
}

TEST_CASE("html_escape neutralises markup") {
  CHECK(html_escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}
