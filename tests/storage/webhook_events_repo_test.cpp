// The webhook inbox on a real PostgreSQL: a batch is stored in one statement with its bodies sent as
// binary arrays, byte for byte; ids already stored and ids repeated inside a batch are reported, not
// stored twice.
#include "storage/accounts_repo.hpp"
#include "storage/webhook_events_repo.hpp"
#include "tests/support/database.hpp"
#include "tests/support/integrations.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <thread>

using namespace nexsync;

namespace {

storage::new_webhook_event event(std::int64_t tenant, const std::string& webhook_id, const std::string& payload) {
  storage::new_webhook_event e;
  e.tenant_id = tenant;
  e.shop_domain = "acme.myshopify.com";
  e.topic = "orders/create";
  e.webhook_id = webhook_id;
  e.payload = payload;
  return e;
}

}  // namespace

TEST_CASE("insert_events stores bodies byte for byte and reports each row", "[storage][webhooks]") {
  test::database db;
  storage::connection c{db.url};
  auto tenant = storage::create_tenant(c, "Acme");
  // Quotes, backslashes, braces, commas and non-ASCII: what an array literal would have had to escape.
  const std::string tricky = R"({"note":"a \"quoted\" {brace}, a back\\slash","name":"Zoë ✓ 💍"})";
  auto first = event(tenant, "wh-1", tricky);
  first.event_id = "ev-1";
  first.api_version = "2025-10";
  auto failed = event(tenant, "wh-2", "not json");
  failed.status = "failed";
  failed.reason = "malformed JSON body";

  auto out = storage::insert_events(c, {first, failed});
  REQUIRE(out.size() == 2);
  CHECK(out[0].is_new);
  CHECK(out[0].status == "received");
  CHECK(out[0].tenant_id == tenant);
  CHECK(out[1].is_new);
  CHECK(out[1].status == "failed");
  CHECK(out[0].id != out[1].id);

  auto stored = c.exec("SELECT payload, event_id, api_version, triggered_at IS NULL, reason, applied_at IS NULL"
                       " FROM webhook_events WHERE id = $1",
                       storage::params{out[0].id});
  CHECK(stored.get(0, 0) == tricky);
  CHECK(stored.get(0, 1) == "ev-1");
  CHECK(stored.get(0, 2) == "2025-10");
  CHECK(stored.boolean(0, 3));  // an absent header is NULL, not ''
  CHECK(stored.is_null(0, 4));
  CHECK(stored.boolean(0, 5));  // received: not applied yet
}

TEST_CASE("insert_events reports ids already stored and ids repeated in the batch", "[storage][webhooks]") {
  test::database db;
  storage::connection c{db.url};
  auto tenant = storage::create_tenant(c, "Acme");
  auto earlier = storage::insert_events(c, {event(tenant, "wh-old", "{}")});
  REQUIRE(earlier[0].is_new);

  auto out = storage::insert_events(
      c, {event(tenant, "wh-new", "{\"a\":1}"), event(tenant, "wh-old", "{\"b\":2}"), event(tenant, "wh-new", "{\"c\":3}")});
  REQUIRE(out.size() == 3);
  CHECK(out[0].is_new);
  CHECK_FALSE(out[1].is_new);
  CHECK(out[1].id == earlier[0].id);
  CHECK(out[1].status == "received");
  CHECK(out[1].tenant_id == tenant);
  CHECK_FALSE(out[2].is_new);
  CHECK(out[2].id == out[0].id);

  auto rows = c.exec("SELECT webhook_id, payload FROM webhook_events ORDER BY id");
  REQUIRE(rows.rows() == 2);
  CHECK(rows.get(0, 1) == "{}");  // the redelivery did not overwrite the stored body
  CHECK(rows.get(1, 0) == "wh-new");
  CHECK(rows.get(1, 1) == "{\"a\":1}");  // the first of the batch's copies is the one stored
}

TEST_CASE("insert_events answers rightly once PostgreSQL runs it from a cached plan", "[storage][webhooks]") {
  test::database db;
  storage::connection c{db.url, storage::planning::cached};  // as the server's webhook connections
  auto tenant = storage::create_tenant(c, "Acme");
  // PostgreSQL plans the first five executions one by one, then may keep a generic plan: batches of
  // every size, new and repeated ids, on both sides of that switch.
  int stored = 0;
  for (int round = 0; round < 10; ++round) {
    std::vector<storage::new_webhook_event> batch;
    for (int i = 0; i <= round; ++i) batch.push_back(event(tenant, "wh-" + std::to_string(round) + "-" + std::to_string(i), "{}"));
    if (round > 0) batch.push_back(event(tenant, "wh-0-0", "{}"));  // stored in round 0
    auto out = storage::insert_events(c, batch);
    REQUIRE(out.size() == batch.size());
    for (int i = 0; i <= round; ++i) {
      CHECK(out[static_cast<std::size_t>(i)].is_new);
      ++stored;
    }
    if (round > 0) CHECK_FALSE(out.back().is_new);
  }
  CHECK(c.exec("SELECT count(*) FROM webhook_events").int64(0, 0) == stored);
}

TEST_CASE("an order event's payload goes once it is settled; a redact blanks the failed ones naming the customer",
          "[storage][webhooks]") {
  test::database db;
  storage::connection c{db.url};
  auto tenant = storage::create_tenant(c, "Acme");
  auto other = storage::create_tenant(c, "Other");
  const std::string body = R"({"id":1,"email":"Ann@Example.com","shipping_address":{"name":"Ann"}})";
  auto request = event(tenant, "wh-dr", R"({"customer":{"email":"ann@example.com"}})");
  request.topic = "customers/data_request";
  auto out = storage::insert_events(c, {event(tenant, "wh-a", body), event(tenant, "wh-s", body), event(tenant, "wh-f", body),
                                        event(tenant, "wh-r", body), request, event(other, "wh-o", body)});
  REQUIRE(out.size() == 6);
  auto payload = [&c](std::int64_t id) {
    return c.exec("SELECT payload FROM webhook_events WHERE id = $1", storage::params{id}).get(0, 0);
  };
  CHECK(storage::mark_event(c, tenant, out[0].id, "applied", "sale 1 recorded"));
  CHECK(storage::mark_event(c, tenant, out[1].id, "skipped", "already recorded"));
  CHECK(storage::mark_event(c, tenant, out[2].id, "failed", "Shopify has no such order"));
  CHECK(storage::mark_event(c, tenant, out[4].id, "applied", "recorded for the tenant"));
  CHECK(payload(out[0].id).empty());
  CHECK(payload(out[1].id).empty());
  CHECK(payload(out[2].id) == body);  // kept for diagnosis
  CHECK(payload(out[3].id) == body);  // still to be applied
  CHECK(payload(out[4].id) != "");    // a data request is the tenant's to answer: its payload says whose
  CHECK(storage::mark_event(c, other, out[5].id, "failed", "x"));

  CHECK(storage::redact_event_payloads(c, tenant, "") == 0);
  CHECK(storage::redact_event_payloads(c, tenant, "nobody@example.com") == 0);
  CHECK(storage::redact_event_payloads(c, tenant, "ann@example.com") == 1);
  CHECK(payload(out[2].id).empty());
  CHECK(payload(out[3].id) == body);  // received: the apply blanks it
  CHECK(payload(out[5].id) == body);  // another tenant's
}

TEST_CASE("start-up replay lists connected shops with waiting order events, not disconnected ones", "[storage][webhooks]") {
  test::database db;
  storage::connection c{db.url};
  auto connect = [&](const std::string& tenant_name, const std::string& shop) {
    auto tenant = storage::create_tenant(c, tenant_name);
    test::save_shopify_connection(c, tenant, shop);
    return tenant;
  };
  auto live = connect("Live", "live.myshopify.com");
  auto gone = connect("Gone", "gone.myshopify.com");
  auto waiting = [&](std::int64_t tenant, const std::string& shop, const std::string& id) {
    auto e = event(tenant, id, "{}");
    e.shop_domain = shop;
    return e;
  };
  storage::insert_events(c, {waiting(live, "live.myshopify.com", "live-1"), waiting(live, "live.myshopify.com", "live-2"),
                             waiting(gone, "gone.myshopify.com", "gone-1")});
  REQUIRE(storage::mark_uninstalled(c, "shopify", "gone.myshopify.com") == gone);

  auto shops = storage::shops_with_pending_orders(c);
  REQUIRE(shops.size() == 1);
  CHECK(shops[0].tenant_id == live);
  CHECK(shops[0].shop_domain == "live.myshopify.com");
  CHECK(shops[0].pending == 2);
  // The disconnected shop's event still waits (for a reconnection), untouched.
  CHECK(c.exec("SELECT status FROM webhook_events WHERE webhook_id = 'gone-1'").get(0, 0) == "received");
}

TEST_CASE("two batches of the same ids in opposite orders store each id once and never deadlock", "[storage][webhooks]") {
  test::database db;
  storage::connection setup{db.url};
  auto tenant = storage::create_tenant(setup, "Acme");
  storage::connection a{db.url}, b{db.url};
  // Shopify redelivers while the first delivery is still being stored: the same ids reach two batches.
  // Each batch inserts in one order (by id), so one waits for the other instead of both waiting.
  for (int round = 0; round < 10; ++round) {
    std::vector<storage::new_webhook_event> forward;
    for (int i = 0; i < 200; ++i) forward.push_back(event(tenant, "wh-" + std::to_string(round) + "-" + std::to_string(i), "{}"));
    auto backward = forward;
    std::reverse(backward.begin(), backward.end());
    std::vector<storage::inserted_event> from_a, from_b;
    std::string error_a, error_b;
    auto store = [](storage::connection& c, const std::vector<storage::new_webhook_event>& rows,
                    std::vector<storage::inserted_event>& out, std::string& error) {
      try {
        out = storage::insert_events(c, rows);
      } catch (const std::exception& e) {
        error = e.what();
      }
    };
    std::thread one([&] { store(a, forward, from_a, error_a); });
    std::thread two([&] { store(b, backward, from_b, error_b); });
    one.join();
    two.join();
    REQUIRE(error_a.empty());
    REQUIRE(error_b.empty());
    int stored = 0;
    for (std::size_t i = 0; i < forward.size(); ++i) {
      auto& x = from_a[i];
      auto& y = from_b[forward.size() - 1 - i];  // the same id
      CHECK(x.id == y.id);
      CHECK(x.is_new != y.is_new);  // exactly one of the two stored it
      stored += x.is_new + y.is_new;
    }
    CHECK(stored == 200);
  }
  CHECK(setup.exec("SELECT count(*), count(DISTINCT webhook_id) FROM webhook_events").int64(0, 0) == 2000);
}
