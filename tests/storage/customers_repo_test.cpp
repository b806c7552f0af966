// Customers on a real PostgreSQL: case-insensitive email per tenant, the customers import batch.
#include "storage/accounts_repo.hpp"
#include "storage/customers_repo.hpp"
#include "tests/support/database.hpp"

#include <catch2/catch.hpp>

using namespace nexsync;

TEST_CASE("customer emails are unique per tenant, case-insensitively") {
  test::database db;
  storage::connection c{db.url};
  auto t = storage::create_tenant(c, "Acme");
  auto other = storage::create_tenant(c, "Bijou");
  auto ada = storage::create_customer(c, t, {"Ada Lovelace", "Ada@Example.test", "+44 1", true, "pos"});
  REQUIRE(ada);
  CHECK(ada->accepts_marketing);
  CHECK(ada->consent_updated_at);
  CHECK(ada->consent_source == "pos");
  CHECK_FALSE(storage::create_customer(c, t, {"Ada again", "ada@example.TEST", "", false, "pos"}));
  CHECK(storage::create_customer(c, other, {"Ada elsewhere", "ada@example.test", "", false, "pos"}));
  CHECK(storage::find_customer_by_email(c, t, "ADA@example.test")->name == "Ada Lovelace");
  CHECK(storage::list_customers(c, t, {"lovelace", 1, 50}).total == 1);
  CHECK(storage::list_customers(c, t, {"elsewhere", 1, 50}).total == 0);
}

TEST_CASE("the customers import matches by email and carries marketing consent") {
  test::database db;
  storage::connection c{db.url};
  auto t = storage::create_tenant(c, "Acme");
  storage::create_customer(c, t, {"Grace Hopper", "grace@example.test", "", false, "pos"});
  std::vector<storage::shopify_customer_row> page{
      {"gid://shopify/Customer/1", "NEW@example.test", "New Person", "+1 555", true, "2024-03-01T10:00:00Z", "shopify"},
      {"gid://shopify/Customer/2", "", "No Email", "", true, std::nullopt, "shopify"},
      {"gid://shopify/Customer/3", "Grace@Example.test", "Grace B. Hopper", "", true, "2000-01-01T00:00:00Z", "shopify"},
      {"gid://shopify/Customer/4", "new@EXAMPLE.test", "Duplicate", "", false, std::nullopt, "shopify"},
      {"gid://shopify/Customer/5", "x@example.test", "Bad time", "", false, "yesterday", "shopify"},
  };
  auto first = storage::upsert_customers_from_shopify(c, t, page);
  REQUIRE(first.size() == 5);
  CHECK(first[0].status == storage::row_status::created);
  CHECK(first[1].reason == "no_email");
  CHECK(first[2].status == storage::row_status::updated);
  CHECK(first[3].reason == "duplicate_email");
  CHECK(first[4].reason == "invalid_consent_time");

  auto created = storage::find_customer_by_email(c, t, "new@example.test");
  REQUIRE(created);
  CHECK(created->accepts_marketing);
  CHECK(created->consent_updated_at == "2024-03-01T10:00:00Z");
  CHECK(created->consent_source == "shopify");
  CHECK(created->shopify_customer_id == "gid://shopify/Customer/1");

  // Grace's consent was recorded in the shop after Shopify's (2000): the shop's answer stands.
  auto grace = storage::find_customer_by_email(c, t, "grace@example.test");
  CHECK(grace->name == "Grace B. Hopper");
  CHECK(grace->shopify_customer_id == "gid://shopify/Customer/3");
  CHECK_FALSE(grace->accepts_marketing);
  CHECK(grace->consent_source == "pos");

  auto again = storage::upsert_customers_from_shopify(c, t, page);
  CHECK(again[0].reason == "unchanged");
  CHECK(again[2].reason == "unchanged");

  // A newer consent from Shopify wins; a changed email is found through the Shopify id.
  page[2].consent_updated_at = "2099-01-01T00:00:00Z";
  page[0].email = "renamed@example.test";
  auto third = storage::upsert_customers_from_shopify(c, t, page);
  CHECK(third[0].status == storage::row_status::updated);
  CHECK(third[0].id == created->id);
  CHECK(storage::find_customer_by_email(c, t, "grace@example.test")->accepts_marketing);
  CHECK(storage::find_customer_by_email(c, t, "renamed@example.test")->id == created->id);
  // Row 3 (new@…) was a duplicate of row 0's old email; with row 0 renamed it is a customer of its own.
  CHECK(third[3].status == storage::row_status::created);
  CHECK(c.exec("SELECT count(*) FROM customers WHERE tenant_id = $1", storage::params{t}).int64(0, 0) == 3);
}
