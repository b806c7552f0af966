#include "sim/generator/generator.hpp"
#include "sim/store/search.hpp"
#include "sim/store/store.hpp"
#include "sim/store/time.hpp"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <set>

using namespace nexsync::sim;

namespace {

generator::shop_spec spec(const std::string& name) {
  generator::shop_spec s;
  s.name = name;
  s.products = 200;
  s.variants_per_product = 3;
  s.no_sku_share = 0.1;
  s.duplicate_sku_share = 0.05;
  s.customers = 60;
  s.orders = 80;
  s.locations = 2;
  s.now = *store::parse_time("2026-11-01T00:00:00Z");
  return s;
}

}  // namespace

TEST_CASE("generator is deterministic for a name and seed") {
  store::store st;
  auto* a = st.create("a-shop");
  auto* b = st.create("b-shop");
  generator::generate(*a, spec("same"));
  generator::generate(*b, spec("same"));
  REQUIRE(a->variants.size() == b->variants.size());
  for (std::size_t i = 0; i < a->variants.size(); ++i) {
    CHECK(a->variants[i].sku == b->variants[i].sku);
    CHECK(a->variants[i].price_cents == b->variants[i].price_cents);
  }
  CHECK(a->available == b->available);
  CHECK(a->orders.back().created_at == b->orders.back().created_at);
  auto* c = st.create("c-shop");
  generator::generate(*c, spec("other"));
  bool differs = c->products[0].title != a->products[0].title;
  for (std::size_t i = 0; i < a->available.size(); ++i) differs = differs || a->available[i] != c->available[i];
  CHECK(differs);
}

TEST_CASE("generator produces the requested shares and every state") {
  store::store st;
  auto* s = st.create("acme");
  auto sp = spec("acme");
  generator::generate(*s, sp);
  CHECK(s->products.size() == 200);
  CHECK(s->variants.size() == 600);
  CHECK(s->available.size() == 1200);
  std::size_t no_sku = 0;
  std::set<std::string> seen;
  std::size_t duplicates = 0;
  for (const auto& v : s->variants) {
    if (v.sku.empty()) ++no_sku;
    else if (!seen.insert(v.sku).second) ++duplicates;
  }
  CHECK(no_sku == 60);
  CHECK(duplicates == 30);
  std::set<store::financial_status> statuses;
  for (const auto& o : s->orders) {
    statuses.insert(o.status);
    CHECK(o.created_at <= sp.now);
    CHECK(o.created_at >= sp.now - 90 * 86400);
  }
  CHECK(statuses.size() == 8);
  std::set<store::marketing_state> states;
  std::size_t without_email = 0;
  for (const auto& c : s->customers) {
    if (c.email.empty()) ++without_email;
    else states.insert(c.marketing);
  }
  CHECK(states.size() == 6);
  CHECK(without_email == 9);
}

TEST_CASE("seed files expand counted entries") {
  auto v = boost::json::parse(R"({"shops":[{"name":"bench-{n}","count":3,"products":5},{"name":"acme-jewellers"}]})");
  std::vector<generator::shop_spec> specs;
  REQUIRE_FALSE(generator::specs_from_json(v, specs));
  REQUIRE(specs.size() == 4);
  CHECK(specs[0].name == "bench-1");
  CHECK(specs[2].name == "bench-3");
  CHECK(specs[2].products == 5);
  CHECK(specs[3].name == "acme-jewellers");
  generator::shop_spec bad;
  CHECK(generator::shop_spec::from_json(boost::json::parse(R"({"plan":"gold"})"), bad));
}

TEST_CASE("search syntax and timestamps") {
  auto terms = store::parse_search("financial_status:paid updated_at:>='2026-01-01T00:00:00Z' created_at:<=2026-02-01 -sku:X");
  REQUIRE(terms.size() == 4);
  CHECK(terms[0].field == "financial_status");
  CHECK(terms[0].value == "paid");
  CHECK(terms[1].op == ">=");
  CHECK(terms[1].value == "2026-01-01T00:00:00Z");
  CHECK(terms[2].op == "<=");
  CHECK(terms[3].negated);
  CHECK(*store::parse_time("1970-01-02") == 86400);
  CHECK(*store::parse_time("2026-01-01T01:00:00+01:00") == *store::parse_time("2026-01-01T00:00:00Z"));
  CHECK(store::format_time(*store::parse_time("2026-10-05T07:08:09Z")) == "2026-10-05T07:08:09Z");
  CHECK_FALSE(store::parse_time("yesterday"));
}
