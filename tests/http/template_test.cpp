#include "http/template.hpp"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

using nexsync::http::render_template;

namespace {
std::string render(std::string_view t, std::string_view json) { return render_template(t, boost::json::parse(json)); }
}  // namespace

TEST_CASE("variables are escaped unless triple-braced") {
  CHECK(render("Hi {{name}}!", R"({"name":"<b>Ann</b>"})") == "Hi &lt;b&gt;Ann&lt;/b&gt;!");
  CHECK(render("Hi {{{name}}}!", R"({"name":"<b>Ann</b>"})") == "Hi <b>Ann</b>!");
  CHECK(render("{{n}} {{missing}}.", R"({"n":3})") == "3 .");
  CHECK(render("{{user.email}}", R"({"user":{"email":"a@b"}})") == "a@b");
}

TEST_CASE("sections repeat lists, enter objects and test truth") {
  CHECK(render("{{#items}}[{{sku}}]{{/items}}", R"({"items":[{"sku":"A"},{"sku":"B"}]})") == "[A][B]");
  CHECK(render("{{#user}}{{email}} of {{tenant}}{{/user}}", R"({"tenant":"Acme","user":{"email":"a@b"}})") ==
        "a@b of Acme");
  CHECK(render("{{#ok}}yes{{/ok}}{{^ok}}no{{/ok}}", R"({"ok":false})") == "no");
  CHECK(render("{{^items}}empty{{/items}}", R"({"items":[]})") == "empty");
  CHECK(render("{{#a}}{{#a}}x{{/a}}{{/a}}", R"({"a":true})") == "x");
  CHECK(render("{{#list}}{{.}},{{/list}}", R"({"list":[1,2]})") == "1,2,");
}

TEST_CASE("partials and comments") {
  auto partials = [](std::string_view name) -> std::optional<std::string_view> {
    if (name == "nav") return std::string_view{"<nav>{{tenant}}</nav>"};
    return std::nullopt;
  };
  CHECK(render_template("{{! hidden }}{{> nav}}", boost::json::parse(R"({"tenant":"Acme"})"), partials) ==
        "<nav>Acme</nav>");
  CHECK_THROWS(render_template("{{> missing}}", boost::json::object{}, partials));
  CHECK_THROWS(render("{{#open}}never closed", "{}"));
}
