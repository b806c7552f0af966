#include "shopify/documents.hpp"

#include <catch2/catch.hpp>

#include <cctype>
#include <set>
#include <string>
#include <vector>

using namespace nexsync::shopify;

namespace {

// A small reader of the documents' own text, so the declared costs are checked against what is
// actually written rather than against the same arithmetic that produced them.
struct field {
  std::string name;
  std::string args;
  std::vector<field> children;
  bool fragment = false;
};

struct reader {
  std::string_view text;
  std::size_t pos = 0;

  void skip() {
    while (pos < text.size() && (std::isspace(static_cast<unsigned char>(text[pos])) || text[pos] == ','))
      ++pos;
  }
  bool at(char c) {
    skip();
    return pos < text.size() && text[pos] == c;
  }
  std::string name() {
    skip();
    std::size_t start = pos;
    while (pos < text.size() && (std::isalnum(static_cast<unsigned char>(text[pos])) || text[pos] == '_')) ++pos;
    return std::string(text.substr(start, pos - start));
  }
  std::string balanced(char open, char close) {  // at `open`; returns the inside
    std::size_t start = ++pos;
    int depth = 1;
    while (pos < text.size() && depth > 0) {
      if (text[pos] == open) ++depth;
      if (text[pos] == close) --depth;
      ++pos;
    }
    return std::string(text.substr(start, pos - start - 1));
  }
  std::vector<field> selection() {  // at '{'
    ++pos;
    std::vector<field> out;
    while (!at('}')) {
      REQUIRE(pos < text.size());
      field f;
      if (text.substr(pos, 3) == "...") {
        pos += 3;
        CHECK(name() == "on");
        f.name = name();
        f.fragment = true;
      } else {
        f.name = name();
        REQUIRE(!f.name.empty());
      }
      if (at('(')) f.args = balanced('(', ')');
      while (at('@')) {
        ++pos;
        name();
        if (at('(')) balanced('(', ')');
      }
      if (at('{')) f.children = selection();
      out.push_back(std::move(f));
    }
    ++pos;
    return out;
  }
};

int page_arg(const field& f, int page_size) {
  auto p = f.args.find("first:");
  if (p == std::string::npos) return -1;
  std::string rest = f.args.substr(p + 6);
  std::size_t i = rest.find_first_not_of(' ');
  if (rest.substr(i).starts_with("$variants")) return products_page_max_variants;  // the most it asks for
  if (rest[i] == '$') return page_size;
  return std::stoi(rest.substr(i));
}

int cost_of(const std::vector<field>& fields, int page_size);

int cost_of(const field& f, int page_size) {
  if (f.children.empty()) return scalar_cost;
  if (f.fragment) return cost_of(f.children, page_size);
  if (f.name == "pageInfo") return 0;  // part of the connection's 2
  int first = page_arg(f, page_size);
  if (first >= 0 || f.args.find("ids:") != std::string::npos) {
    if (first < 0) first = page_size;  // nodes(ids:): one object per id
    int per_node = -1;
    for (const auto& c : f.children)
      if (c.name == "nodes") per_node = object_with(cost_of(c.children, page_size));
    if (f.name == "nodes") per_node = object_with(cost_of(f.children, page_size));  // list of objects
    REQUIRE(per_node >= 0);
    return connection_cost(first, per_node);
  }
  return object_with(cost_of(f.children, page_size));
}

int cost_of(const std::vector<field>& fields, int page_size) {
  int sum = 0;
  for (const auto& f : fields) sum += cost_of(f, page_size);
  return sum;
}

// Requested cost of a document's text by Shopify's rules, with `$first` taken as page_size.
int measured_cost(const graphql_document& d) {
  reader r{d.text};
  std::string kind = r.name();
  CHECK(r.name() == d.name);
  if (r.at('(')) r.balanced('(', ')');
  REQUIRE(r.at('{'));
  auto top = r.selection();
  CHECK(!r.at('}'));  // nothing after the operation
  if (kind == "mutation") return mutation_cost;
  REQUIRE(kind == "query");
  return cost_of(top, d.page_size);
}

std::set<std::string> variables(std::string_view text, bool declared) {
  std::set<std::string> out;
  auto header_end = text.find('{');
  std::string_view part = declared ? text.substr(0, header_end) : text.substr(header_end);
  for (std::size_t i = 0; i < part.size(); ++i) {
    if (part[i] != '$') continue;
    std::size_t j = i + 1;
    while (j < part.size() && (std::isalnum(static_cast<unsigned char>(part[j])) || part[j] == '_')) ++j;
    out.insert(std::string(part.substr(i + 1, j - i - 1)));
  }
  return out;
}

bool balanced(std::string_view text) {
  int braces = 0, parens = 0, brackets = 0;
  for (char c : text) {
    braces += (c == '{') - (c == '}');
    parens += (c == '(') - (c == ')');
    brackets += (c == '[') - (c == ']');
    if (braces < 0 || parens < 0 || brackets < 0) return false;
  }
  return braces == 0 && parens == 0 && brackets == 0;
}

bool has_field(std::string_view text, std::string_view word) {
  for (auto p = text.find(word); p != std::string_view::npos; p = text.find(word, p + 1)) {
    auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; };
    bool left = p == 0 || !ident(text[p - 1]);
    bool right = p + word.size() == text.size() || !ident(text[p + word.size()]);
    if (left && right) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("the cost reader agrees with SHOPIFY.md's example", "[shopify][documents]") {
  graphql_document example{"Example",
                           "query Example { products(first: 50) { nodes { id variants(first: 10) { nodes { id sku } } } } }",
                           0, 0, 0};
  CHECK(measured_cost(example) == 652);
  example.text = "query Example { products(first: 50) { nodes { id variants(first: 20) { nodes { id sku } } } } }";
  CHECK(measured_cost(example) == 1152);
}

TEST_CASE("every document is well-formed and within the cost limit", "[shopify][documents]") {
  REQUIRE(all_documents().size() == 14);
  std::set<std::string_view> names;
  for (const auto* d : all_documents()) {
    CAPTURE(d->name);
    CHECK(names.insert(d->name).second);
    CHECK(balanced(d->text));
    CHECK(d->requested_cost() <= max_query_cost);
    CHECK(d->requested_cost() == measured_cost(*d));
    CHECK(variables(d->text, true) == variables(d->text, false));  // declared == used
  }
}

TEST_CASE("declared costs match the page sizes chosen", "[shopify][documents]") {
  CHECK(products_page.page_size == 20);
  CHECK(products_page.requested_cost() == 862);
  CHECK(product_variants_page.requested_cost() == 503);
  CHECK(customers_page.page_size == 250);
  CHECK(customers_page.requested_cost() == 502);
  CHECK(orders_page.requested_cost() == 842);
  CHECK(order_by_id.requested_cost() == 756);
  CHECK(locations_page.requested_cost() == 52);
  CHECK(inventory_levels.requested_cost() == 752);
  CHECK(inventory_set_quantities.requested_cost() == mutation_cost);
  CHECK(webhook_subscription_create.requested_cost() == mutation_cost);
  CHECK(app_uninstall.requested_cost() == mutation_cost);
  CHECK(bulk_operation_run_query.requested_cost() == mutation_cost);
  CHECK(shop_probe.requested_cost() == 1);
  CHECK(bulk_operation_status.requested_cost() == 1);
  // A smaller last page requests less.
  CHECK(products_page.cost(5) == 2 + 5 * 43);
  // So do fewer variants a product: 3 each is what a page of 3-variant products spends.
  CHECK(products_page_cost(20, products_page_max_variants) == 862);
  CHECK(products_page_cost(20, 3) == 2 + 20 * (3 + 3 * 2));
  CHECK(products_page_cost(1, 1) == 7);
  CHECK(customers_page.cost(1) == 4);
}

TEST_CASE("page documents take first, after and a search query", "[shopify][documents]") {
  for (const auto* d : {&products_page, &customers_page, &orders_page}) {
    CAPTURE(d->name);
    auto expected = std::set<std::string>{"first", "after", "query"};
    if (d == &products_page) expected.insert("variants");  // variants asked for per product
    CHECK(variables(d->text, true) == expected);
    CHECK(has_field(d->text, "pageInfo"));
    CHECK(has_field(d->text, "endCursor"));
  }
  CHECK(variables(locations_page.text, true) == std::set<std::string>{"first", "after"});
  CHECK(variables(product_variants_page.text, true) == std::set<std::string>{"id", "first", "after"});
  CHECK(variables(order_by_id.text, true) == std::set<std::string>{"id", "first", "after"});
}

TEST_CASE("documents ask for the fields SHOPIFY.md lists", "[shopify][documents]") {
  for (auto f : {"id", "title", "handle", "updatedAt", "variants", "sku", "price", "inventoryQuantity", "inventoryItem"})
    CHECK(has_field(products_page.text, f));
  for (auto f : {"id", "updatedAt", "firstName", "lastName", "phone", "defaultEmailAddress", "emailAddress",
                 "marketingState"})
    CHECK(has_field(customers_page.text, f));
  CHECK_FALSE(has_field(customers_page.text, "email"));  // deprecated since 2025-04
  for (auto f : {"name", "createdAt", "displayFinancialStatus", "totalPriceSet", "shopMoney", "amount",
                 "currencyCode", "customer", "lineItems", "quantity", "originalUnitPriceSet"})
    CHECK(has_field(orders_page.text, f));
  for (auto f : {"id", "name", "isActive"}) CHECK(has_field(locations_page.text, f));
  CHECK(std::string_view(inventory_levels.text).find(R"(quantities(names: ["available"]))") != std::string_view::npos);
  CHECK(std::string_view(inventory_set_quantities.text).find("@idempotent(key: $key)") != std::string_view::npos);
  for (auto f : {"inventoryAdjustmentGroup", "changes", "delta", "userErrors", "code", "field", "message"})
    CHECK(has_field(inventory_set_quantities.text, f));
  CHECK(std::string_view(webhook_subscription_create.text).find("format: JSON") != std::string_view::npos);
  for (auto f : {"webhookSubscription", "topic", "uri", "userErrors"}) CHECK(has_field(webhook_subscription_create.text, f));
  CHECK(has_field(app_uninstall.text, "appUninstall"));
  CHECK(has_field(shop_probe.text, "myshopifyDomain"));
  CHECK(std::string_view(bulk_operation_run_query.text).find("groupObjects: false") != std::string_view::npos);
  for (auto f : {"bulkOperation", "userErrors", "code", "message"}) CHECK(has_field(bulk_operation_run_query.text, f));
  for (auto f : {"status", "errorCode", "objectCount", "rootObjectCount", "fileSize", "url", "partialDataUrl"})
    CHECK(has_field(bulk_operation_status.text, f));
}

TEST_CASE("graphql_string_literal escapes what would break out of the string", "[shopify][documents]") {
  CHECK(graphql_string_literal("") == R"("")");
  CHECK(graphql_string_literal(R"(updated_at:>='2026-01-01')") == R"("updated_at:>='2026-01-01'")");
  CHECK(graphql_string_literal(R"(a"b\c)") == R"("a\"b\\c")");
  CHECK(graphql_string_literal("a\nb\x01") == R"("a\u000Ab\u0001")");
  CHECK(graphql_string_literal("caf\xc3\xa9") == "\"caf\xc3\xa9\"");
}

TEST_CASE("bulk_products_query is one balanced query with an escaped filter", "[shopify][documents]") {
  auto all = bulk_products_query("");
  CHECK(balanced(all));
  CHECK(all.find("products {") != std::string::npos);
  CHECK(all.find("(query:") == std::string::npos);
  for (auto f : {"sku", "inventoryItem", "variants", "edges", "node", "updatedAt"}) CHECK(has_field(all, f));

  auto filtered = bulk_products_query(R"(updated_at:>='2026-01-01' "x")");
  CHECK(balanced(filtered));
  CHECK(filtered.find(R"(products(query: "updated_at:>='2026-01-01' \"x\"") {)") != std::string::npos);
  // A hostile filter cannot close the string and add fields.
  auto hostile = bulk_products_query(R"(" }) { secret } #)");
  CHECK(hostile.find(R"(\" }) { secret } #")") != std::string::npos);
}
