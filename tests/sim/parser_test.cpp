#include "sim/graphql/parser.hpp"
#include "sim/graphql/planner.hpp"
#include "sim/schema/schema.hpp"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

using namespace nexsync::sim;
namespace json = boost::json;

namespace {

graphql::document parse_ok(const std::string& src) {
  auto r = graphql::parse(src);
  REQUIRE(std::holds_alternative<graphql::document>(r));
  return std::move(std::get<graphql::document>(r));
}

graphql::plan_result plan(const std::string& src, const std::string& vars = "{}", const std::string& op = "") {
  auto doc = parse_ok(src);
  return graphql::make_plan(doc, op, json::parse(vars).as_object(), schema::admin_schema());
}

}  // namespace

TEST_CASE("parser reads operations, variables with defaults, aliases, arguments, fragments and directives") {
  auto doc = parse_ok(R"(
    # a comment
    query Products($first: Int = 10, $after: String, $ids: [ID!]!) @foo {
      items: products(first: $first, after: $after, query: "sku:\"A\"", sortKey: UPDATED_AT, reverse: true) {
        nodes { ...P ... on Product { handle } }
      }
      nodes(ids: $ids) { id }
      x: shop { input(o: {a: [1, 2.5, -3e2], b: null, c: true}) }
    }
    fragment P on Product { id title @include(if: true) }
    mutation M { inventorySetQuantities(input: {name: "available"}) @idempotent(key: "k1") { userErrors { code } } }
  )");
  REQUIRE(doc.operations.size() == 2);
  const auto& q = doc.operations[0];
  CHECK(q.kind == "query");
  CHECK(q.name == "Products");
  REQUIRE(q.variables.size() == 3);
  CHECK(q.variables[0].type == "Int");
  REQUIRE(q.variables[0].default_value);
  CHECK(q.variables[0].default_value->text == "10");
  CHECK(q.variables[2].type == "[ID!]!");
  CHECK(q.directives.at(0).name == "foo");
  const auto& products = q.selections.at(0);
  CHECK(products.alias == "items");
  CHECK(products.name == "products");
  REQUIRE(products.arguments.size() == 5);
  CHECK(products.arguments[0].val.k == graphql::value::kind::variable);
  CHECK(products.arguments[2].val.text == "sku:\"A\"");
  CHECK(products.arguments[3].val.k == graphql::value::kind::enumeration);
  CHECK(products.arguments[4].val.boolean);
  const auto& nodes = products.selections.at(0);
  CHECK(nodes.selections.at(0).k == graphql::selection::kind::fragment_spread);
  CHECK(nodes.selections.at(1).k == graphql::selection::kind::inline_fragment);
  CHECK(nodes.selections.at(1).type_condition == "Product");
  const auto& input = q.selections.at(2).selections.at(0).arguments.at(0).val;
  CHECK(input.k == graphql::value::kind::object);
  CHECK(input.fields.at(0).second.items.size() == 3);
  CHECK(input.fields.at(0).second.items[1].k == graphql::value::kind::floating);
  CHECK(input.fields.at(1).second.k == graphql::value::kind::null);
  REQUIRE(doc.fragments.count("P"));
  CHECK(doc.fragments.at("P").type_condition == "Product");
  CHECK(doc.operations[1].selections.at(0).directives.at(0).name == "idempotent");
}

TEST_CASE("parser reports syntax errors with positions") {
  auto r = graphql::parse("{\n  products(first: 1) {\n    nodes { id }\n");
  REQUIRE(std::holds_alternative<graphql::parse_error>(r));
  CHECK(std::get<graphql::parse_error>(r).message.find("end of document") != std::string::npos);
  auto bad = graphql::parse("{ shop { name } ]");
  REQUIRE(std::holds_alternative<graphql::parse_error>(bad));
  CHECK(std::get<graphql::parse_error>(bad).loc.column == 17);
  CHECK(std::holds_alternative<graphql::parse_error>(graphql::parse("{ a(x: \"unterminated) }")));
  CHECK(std::holds_alternative<graphql::parse_error>(graphql::parse("")));
}

TEST_CASE("parser decodes string escapes and block strings") {
  auto doc = parse_ok("{ a(s: \"x\\u00e9\\n\\\"y\\\"\", b: \"\"\"\n    line1\n      line2\n  \"\"\") }");
  const auto& args = doc.operations[0].selections[0].arguments;
  CHECK(args[0].val.text == "x\xC3\xA9\n\"y\"");
  CHECK(args[1].val.text == "line1\n  line2");
}

TEST_CASE("planner inlines fragments, applies variables, defaults and @skip") {
  auto r = plan(R"(query($n: Int = 5, $skip: Boolean!) {
      products(first: $n) { nodes { ...F title @skip(if: $skip) } }
    } fragment F on Product { id })",
                R"({"skip": true})");
  REQUIRE(r.value);
  const auto& products = r.value->fields.at(0);
  CHECK(products.args.at("first").as_int64() == 5);
  CHECK(products.args.at("reverse").as_bool() == false);  // schema default
  const auto& nodes = products.children.at(0);
  REQUIRE(nodes.children.size() == 1);
  CHECK(nodes.children[0].name == "id");
}

TEST_CASE("planner keeps type conditions of fragments on interfaces") {
  auto r = plan(R"({ node(id: "gid://shopify/Product/1") { id ... on Product { title } ... on Order { name } } })");
  REQUIRE(r.value);
  const auto& node = r.value->fields.at(0);
  REQUIRE(node.children.size() == 3);
  CHECK(node.children[0].on_type.empty());
  CHECK(node.children[1].on_type == "Product");
  CHECK(node.children[2].on_type == "Order");
}

TEST_CASE("planner rejects unknown fields, bad arguments and missing selections like graphql-ruby") {
  auto unknown = plan("{ products(first: 1) { nodes { idd } } }");
  REQUIRE_FALSE(unknown.value);
  CHECK(unknown.errors.at(0).at("message").as_string() == "Field 'idd' doesn't exist on type 'Product'");
  CHECK(unknown.errors.at(0).at("extensions").at("code").as_string() == "undefinedField");

  auto arg = plan("{ products(firstt: 1) { nodes { id } } }");
  REQUIRE_FALSE(arg.value);
  CHECK(arg.errors.at(0).at("extensions").at("code").as_string() == "argumentNotAccepted");

  auto type = plan("{ products(first: \"ten\") { nodes { id } } }");
  REQUIRE_FALSE(type.value);
  CHECK(type.errors.at(0).at("extensions").at("code").as_string() == "argumentLiteralsIncompatible");

  auto missing = plan("{ product { id } }");
  REQUIRE_FALSE(missing.value);
  CHECK(missing.errors.at(0).at("extensions").at("code").as_string() == "missingRequiredArguments");

  auto no_sel = plan("{ shop }");
  REQUIRE_FALSE(no_sel.value);
  CHECK(no_sel.errors.at(0).at("extensions").at("code").as_string() == "selectionMismatch");

  auto enum_bad = plan("{ products(first: 1, sortKey: NOPE) { nodes { id } } }");
  CHECK_FALSE(enum_bad.value);

  auto var_missing = plan("query($id: ID!) { product(id: $id) { id } }");
  REQUIRE_FALSE(var_missing.value);
  CHECK(var_missing.errors.at(0).at("message").as_string() == "Variable $id of type ID! was provided invalid value");

  auto directive = plan("{ shop @nope { name } }");
  CHECK_FALSE(directive.value);
}

TEST_CASE("planner captures @idempotent keys on mutation fields") {
  auto r = plan(R"(mutation($k: String!) {
      inventorySetQuantities(input: {name: "available", reason: "correction", quantities: []}) @idempotent(key: $k) { userErrors { code } }
    })",
                R"({"k": "push-1"})");
  REQUIRE(r.value);
  CHECK(r.value->kind == "mutation");
  REQUIRE(r.value->fields.at(0).idempotency_key);
  CHECK(*r.value->fields.at(0).idempotency_key == "push-1");
}

TEST_CASE("parser refuses absurdly deep nesting instead of exhausting the stack") {
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "{ a ";
  for (int i = 0; i < 5000; ++i) deep += "} ";
  auto r = graphql::parse(deep);
  REQUIRE(std::holds_alternative<graphql::parse_error>(r));
  CHECK(std::get<graphql::parse_error>(r).message.find("nested too deeply") != std::string::npos);
  std::string list = "{ a(x: ";
  for (int i = 0; i < 5000; ++i) list += "[";
  CHECK(std::holds_alternative<graphql::parse_error>(graphql::parse(list)));
}
