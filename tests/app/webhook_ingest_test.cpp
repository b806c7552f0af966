// POST /api/webhooks/shopify over real sockets against a real PostgreSQL: signatures, tenant binding,
// durable storage with group commit, deduplication, and 503 when the database cannot store.
#include "app/webhook_ingest.hpp"
#include "shopify/webhook_signature.hpp"
#include "storage/customers_repo.hpp"
#include "storage/integrations_repo.hpp"
#include "storage/webhook_events_repo.hpp"
#include "tests/support/app_server.hpp"
#include "tests/support/integrations.hpp"
#include "tests/support/shopify_webhooks.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <thread>

using namespace nexsync;
using test::order_payload;
using test::shopify_headers;

namespace {

test::reply deliver(test::app_server& app, const std::string& body, const std::map<std::string, std::string>& headers) {
  return app.client().request("POST", "/api/webhooks/shopify", body, headers);
}

// A tenant holding a connected shop (as the OAuth callback would leave it).
std::int64_t connect_shop(test::app_server& app, const std::string& tenant_name, const std::string& shop) {
  auto t = app.add_tenant(tenant_name);
  storage::connection c{app.db.url};
  test::save_shopify_connection(c, t.id, shop);
  return t.id;
}

std::int64_t count(test::app_server& app, const std::string& where = "true") {
  storage::connection c{app.db.url};
  return c.exec("SELECT count(*) FROM webhook_events WHERE " + where).int64(0, 0);
}

// Waits (no deadline asserted) until the batcher has been handed n events in total.
void wait_submitted(app::webhook_ingest& ingest, std::uint64_t n) {
  for (int i = 0; i < 60000 && ingest.submitted() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  REQUIRE(ingest.submitted() >= n);
}

}  // namespace

TEST_CASE("webhooks: a signed order is stored once, bound to the shop's tenant, and forwarded after commit", "[webhooks]") {
  test::app_server app;
  auto tenant = connect_shop(app, "Acme", "acme.myshopify.com");
  auto& ingest = *app.server->services().webhooks;
  std::mutex m;
  std::vector<std::tuple<std::int64_t, std::string, std::string, std::int64_t>> forwarded;
  ingest.set_after_commit([&](const std::vector<app::webhook_ingest::committed_event>& events) {
    std::lock_guard lock{m};
    for (auto& e : events)
      forwarded.emplace_back(e.tenant_id, std::string{e.shop_domain}, std::string{e.topic}, e.event_id);
  });
  auto body = order_payload("acme.myshopify.com", 1001);

  auto first = deliver(app, body, shopify_headers(body, "acme.myshopify.com", "wh-1"));
  REQUIRE(first.status == 200);
  CHECK_FALSE(first.json().at("duplicate").as_bool());
  storage::connection c{app.db.url};
  auto rows = storage::recent_events(c, tenant, 10);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].topic == "orders/create");
  CHECK(rows[0].webhook_id == "wh-1");
  CHECK(rows[0].event_id == "evt-wh-1");
  CHECK(rows[0].api_version == "2026-10");
  CHECK(rows[0].status == "received");
  // The inbox keeps the order the body names, not the customer's data (the order is re-read to apply it).
  const std::string stored = R"({"admin_graphql_api_id":"gid://shopify/Order/1001"})";
  CHECK(c.exec("SELECT payload FROM webhook_events WHERE id = $1", storage::params{rows[0].id}).get(0, 0) == stored);
  {
    std::lock_guard lock{m};
    REQUIRE(forwarded.size() == 1);
    CHECK(forwarded[0] == std::make_tuple(tenant, std::string{"acme.myshopify.com"}, std::string{"orders/create"}, rows[0].id));
  }

  SECTION("a duplicate delivery is acknowledged, not stored again, not forwarded again") {
    auto again = deliver(app, body, shopify_headers(body, "acme.myshopify.com", "wh-1"));
    REQUIRE(again.status == 200);
    CHECK(again.json().at("duplicate").as_bool());
    CHECK(count(app) == 1);
    std::lock_guard lock{m};
    CHECK(forwarded.size() == 1);
  }
  SECTION("the shop's pending list offers it for replay until it is marked") {
    auto pending = storage::pending_order_events(c, tenant, "acme.myshopify.com", 10);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].payload == stored);
    CHECK_FALSE(storage::mark_event(c, tenant + 1000, pending[0].id, "applied", ""));  // other tenant: no
    CHECK(storage::mark_event(c, tenant, pending[0].id, "applied", ""));
    CHECK(storage::pending_order_events(c, tenant, "acme.myshopify.com", 10).empty());
    CHECK(storage::recent_events(c, tenant, 10)[0].applied_at.has_value());
  }
}

TEST_CASE("webhooks: forged, unsigned, mis-addressed and oversize deliveries store nothing", "[webhooks]") {
  test::app_server app;
  connect_shop(app, "Acme", "acme.myshopify.com");
  auto other = connect_shop(app, "Bijoux", "bijoux.myshopify.com");
  auto body = order_payload("acme.myshopify.com", 1002);

  SECTION("signed with another secret") {
    auto r = deliver(app, body, shopify_headers(body, "acme.myshopify.com", "wh-f", "orders/create", "not-the-secret"));
    CHECK(r.status == 401);
    CHECK(r.json().at("error").as_string() == "invalid_signature");
  }
  SECTION("signature of another body") {
    auto h = shopify_headers(body, "acme.myshopify.com", "wh-f");
    auto tampered = body;
    tampered.replace(tampered.find("398.00"), 6, "1.00");
    CHECK(deliver(app, tampered, h).status == 401);
  }
  SECTION("no signature") {
    auto h = shopify_headers(body, "acme.myshopify.com", "wh-f");
    h.erase("X-Shopify-Hmac-Sha256");
    CHECK(deliver(app, body, h).status == 401);
  }
  // Signed, so from Shopify once: answered 2xx (Shopify would retry anything else for hours, then delete
  // the subscription) but stored for no tenant.
  SECTION("a real delivery replayed with another tenant's shop header") {
    auto r = deliver(app, body, shopify_headers(body, "bijoux.myshopify.com", "wh-replay"));
    CHECK(r.status == 200);
    CHECK(r.json().at("ignored").as_string() == "shop_mismatch");
    CHECK(r.json().at("stored").as_bool() == false);
    CHECK(count(app, "tenant_id = " + std::to_string(other)) == 0);
  }
  SECTION("a shop nobody connected, including its compliance webhooks") {
    for (auto topic : {"orders/create", "shop/redact", "customers/redact", "customers/data_request"}) {
      INFO(topic);
      auto stranger = order_payload("stranger.myshopify.com", 1);
      auto r = deliver(app, stranger, shopify_headers(stranger, "stranger.myshopify.com", std::string{"wh-u-"} + topic, topic));
      CHECK(r.status == 200);
      CHECK(r.json().at("ignored").as_string() == "unknown_shop");
    }
  }
  SECTION("required headers missing or invalid") {
    for (auto name : {"X-Shopify-Topic", "X-Shopify-Webhook-Id", "X-Shopify-Shop-Domain"}) {
      auto h = shopify_headers(body, "acme.myshopify.com", "wh-h");
      h.erase(name);
      CHECK(deliver(app, body, h).status == 400);
    }
    CHECK(deliver(app, body, shopify_headers(body, "acme.example.com", "wh-h")).status == 400);
  }
  SECTION("a body over the webhook limit (16 MB)") {
    std::string big = R"({"note":")" + std::string(17 * 1024 * 1024, 'x') + R"("})";
    CHECK(deliver(app, big, shopify_headers(big, "acme.myshopify.com", "wh-big")).status == 413);
  }
  CHECK(count(app) == 0);
}

TEST_CASE("webhooks: the previous secret still verifies during a rotation", "[webhooks]") {
  test::app_server app{[](config::settings& s) { s.shopify_previous_api_secret = "old-api-secret"; }};
  connect_shop(app, "Acme", "acme.myshopify.com");
  auto body = order_payload("acme.myshopify.com", 7);
  CHECK(deliver(app, body, shopify_headers(body, "acme.myshopify.com", "wh-old", "orders/create", "old-api-secret")).status == 200);
  CHECK(deliver(app, body, shopify_headers(body, "acme.myshopify.com", "wh-new")).status == 200);
  CHECK(deliver(app, body, shopify_headers(body, "acme.myshopify.com", "wh-bad", "orders/create", "older")).status == 401);
  CHECK(count(app) == 2);
}

TEST_CASE("webhooks: an order body over the server's 1 MB is taken, as the order it names", "[webhooks]") {
  test::app_server app;
  connect_shop(app, "Acme", "acme.myshopify.com");
  // Hundreds of line items: Shopify sends the order whole.
  std::string big = R"({"id":9,"admin_graphql_api_id":"gid://shopify/Order/9","note":")" + std::string(3 * 1024 * 1024, 'x') + R"("})";
  auto r = deliver(app, big, shopify_headers(big, "acme.myshopify.com", "wh-large"));
  CHECK(r.status == 200);
  storage::connection c{app.db.url};
  CHECK(c.exec("SELECT payload FROM webhook_events WHERE webhook_id = 'wh-large'").get(0, 0) ==
        R"({"admin_graphql_api_id":"gid://shopify/Order/9"})");
}

TEST_CASE("webhooks: an order body naming no order, and other topics' bodies, are stored as they came", "[webhooks]") {
  test::app_server app;
  auto tenant = connect_shop(app, "Acme", "acme.myshopify.com");
  std::string vague = R"({"note":"no id here","order_status_url":"https://acme.myshopify.com/1/orders/x"})";
  CHECK(deliver(app, vague, shopify_headers(vague, "acme.myshopify.com", "wh-vague")).status == 200);
  std::string request = R"({"shop_id":1,"shop_domain":"acme.myshopify.com","customer":{"id":7,"email":"jane@example.test"},)"
                        R"("orders_requested":[299938]})";
  CHECK(deliver(app, request, shopify_headers(request, "acme.myshopify.com", "wh-dr", "customers/data_request")).status == 200);
  storage::connection c{app.db.url};
  auto payload_of = [&](const char* id) {
    return c.exec("SELECT payload FROM webhook_events WHERE tenant_id = $1 AND webhook_id = $2", storage::params{tenant, id}).get(0, 0);
  };
  CHECK(payload_of("wh-vague") == vague);  // its failure ("names no order id") can be read from it
  CHECK(payload_of("wh-dr") == request);
}

TEST_CASE("webhooks: malformed JSON with a good signature is stored as failed and acknowledged", "[webhooks]") {
  test::app_server app;
  auto tenant = connect_shop(app, "Acme", "acme.myshopify.com");
  std::string body = R"({"id": 1, "line_items": [)";
  auto r = deliver(app, body, shopify_headers(body, "acme.myshopify.com", "wh-bad-json"));
  REQUIRE(r.status == 200);
  std::string binary = std::string("\xff\xfe", 2) + std::string(1, '\0') + "x";
  REQUIRE(deliver(app, binary, shopify_headers(binary, "acme.myshopify.com", "wh-binary")).status == 200);
  storage::connection c{app.db.url};
  auto rows = storage::recent_events(c, tenant, 10);
  REQUIRE(rows.size() == 2);
  for (auto& row : rows) {
    CHECK(row.status == "failed");
    REQUIRE(row.reason.has_value());
    CHECK(row.reason->find("malformed JSON") != std::string::npos);
  }
  CHECK(rows[0].reason->find("base64") != std::string::npos);
  CHECK(storage::pending_order_events(c, tenant, "acme.myshopify.com", 10).empty());  // nothing to apply
}

TEST_CASE("webhooks: 64 concurrent deliveries are all stored exactly once with fewer statements than events", "[webhooks]") {
  test::app_server app;
  connect_shop(app, "Acme", "acme.myshopify.com");
  auto& ingest = *app.server->services().webhooks;
  auto statements_before = ingest.statements();
  auto submitted_before = ingest.submitted();
  // Hold the table so the first batch waits in the database: everything else must pile up behind it.
  storage::connection blocker{app.db.url};
  storage::transaction lock{blocker};
  lock.exec("LOCK TABLE webhook_events IN SHARE MODE");

  constexpr int n = 64;
  std::vector<unsigned> status(n + 8);
  std::vector<std::thread> senders;
  for (int i = 0; i < n + 8; ++i) {
    senders.emplace_back([&, i] {
      int k = i < n ? i : i - n;  // the last 8 repeat webhook ids 0..7
      auto body = order_payload("acme.myshopify.com", 5000 + k);
      status[i] = deliver(app, body, shopify_headers(body, "acme.myshopify.com", "wh-c-" + std::to_string(k))).status;
    });
  }
  wait_submitted(ingest, submitted_before + n + 8);
  lock.commit();
  for (auto& t : senders) t.join();
  for (auto s : status) CHECK(s == 200);
  CHECK(count(app) == n);
  CHECK(count(app, "webhook_id LIKE 'wh-c-%'") == n);
  auto statements = ingest.statements() - statements_before;
  CHECK(statements >= 1);
  CHECK(statements < static_cast<std::uint64_t>(n));
}

TEST_CASE("webhooks: nothing stored means no 2xx (the batch fails, the database is down)", "[webhooks]") {
  test::app_server app;
  connect_shop(app, "Acme", "acme.myshopify.com");
  auto& ingest = *app.server->services().webhooks;
  auto body = order_payload("acme.myshopify.com", 9);
  auto query = app.db.url.find('?');
  auto slash = app.db.url.rfind('/', query);
  auto dbname = app.db.url.substr(slash + 1, query == std::string::npos ? std::string::npos : query - slash - 1);
  REQUIRE(dbname.starts_with("nexsync_t"));
  storage::connection admin{test::server_url()};

  SECTION("the connection writing the batch dies") {
    storage::connection blocker{app.db.url};
    storage::transaction lock{blocker};
    lock.exec("LOCK TABLE webhook_events IN SHARE MODE");
    auto before = ingest.submitted();
    test::reply r;
    std::thread sender{[&] { r = deliver(app, body, shopify_headers(body, "acme.myshopify.com", "wh-down")); }};
    wait_submitted(ingest, before + 1);
    // Until the batch's INSERT really waits for the lock (the batcher's connection may still be opening).
    for (int i = 0; i < 30000; ++i) {
      auto waiting = admin.exec("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'",
                                storage::params{dbname});
      if (waiting.int64(0, 0) > 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    admin.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> $2",
               storage::params{dbname, lock.exec("SELECT pg_backend_pid()").int64(0, 0)});
    sender.join();
    lock.commit();
    CHECK(r.status == 503);
    CHECK(r.header("retry-after") == "5");
  }
  SECTION("the database refuses connections") {
    admin.exec("ALTER DATABASE " + dbname + " ALLOW_CONNECTIONS false");
    admin.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", storage::params{dbname});
    auto r = deliver(app, body, shopify_headers(body, "acme.myshopify.com", "wh-down"));
    CHECK(r.status == 503);
    CHECK(r.header("retry-after") == "5");
    admin.exec("ALTER DATABASE " + dbname + " ALLOW_CONNECTIONS true");
  }
  CHECK(count(app) == 0);
  // Once the database is back, Shopify's retries get it stored: each attempt that meets a pool connection
  // killed while idle answers 503 and drops that connection, so the pool's two run out after a few.
  unsigned last = 0;
  for (int attempt = 0; attempt < 5 && last != 200; ++attempt)
    last = deliver(app, body, shopify_headers(body, "acme.myshopify.com", "wh-down")).status;
  CHECK(last == 200);
  CHECK(count(app) == 1);
}

TEST_CASE("webhooks: app/uninstalled disconnects the shop, customers/redact erases that customer", "[webhooks]") {
  test::app_server app;
  auto tenant = connect_shop(app, "Acme", "acme.myshopify.com");
  auto other = connect_shop(app, "Bijoux", "bijoux.myshopify.com");
  storage::connection c{app.db.url};

  SECTION("customers/redact") {
    storage::create_customer(c, tenant, {"Jane Doe", "jane@example.test", "+1 555 0100", true, "shopify"});
    storage::create_customer(c, tenant, {"Ada Lovelace", "ada@example.test", "+44 20", true, "pos"});
    storage::create_customer(c, other, {"Jane Doe", "jane@example.test", "+1 555 0100", true, "pos"});
    std::string body = R"({"shop_id":954889,"shop_domain":"acme.myshopify.com","customer":{"id":191167,)"
                       R"("email":"jane@example.test","phone":"555-625-1199"},"orders_to_redact":[299938,280263]})";
    auto r = deliver(app, body, shopify_headers(body, "acme.myshopify.com", "wh-redact", "customers/redact"));
    REQUIRE(r.status == 200);
    CHECK_FALSE(storage::find_customer_by_email(c, tenant, "jane@example.test").has_value());
    CHECK(storage::find_customer_by_email(c, tenant, "ada@example.test").has_value());
    CHECK(storage::find_customer_by_email(c, other, "jane@example.test").has_value());  // another tenant's
    CHECK(c.exec("SELECT count(*) FROM customers WHERE tenant_id = $1 AND name = 'Redacted customer' AND phone = ''",
                 storage::params{tenant}).int64(0, 0) == 1);
    CHECK(storage::recent_events(c, tenant, 1)[0].status == "applied");
  }
  SECTION("compliance topics naming another shop than the header") {
    std::string body = R"({"shop_id":954889,"shop_domain":"acme.myshopify.com"})";
    auto r = deliver(app, body, shopify_headers(body, "bijoux.myshopify.com", "wh-sr", "shop/redact"));
    CHECK(r.status == 200);  // signed by Shopify: acknowledged, but acted on for nobody
    CHECK(r.json().at("ignored").as_string() == "shop_mismatch");
    CHECK(count(app) == 0);
  }
  SECTION("app/uninstalled, its redelivery, then shop/redact after the disconnect") {
    std::string body = R"({"id":548380009,"name":"Acme","email":"j.smith@example.com","domain":"shop.acme.test",)"
                       R"("myshopify_domain":"acme.myshopify.com","plan_name":"enterprise"})";
    auto h = shopify_headers(body, "acme.myshopify.com", "wh-uninstall", "app/uninstalled");
    REQUIRE(deliver(app, body, h).status == 200);
    CHECK(storage::find_integration(c, tenant, "shopify")->status == "disconnected");
    CHECK(storage::find_integration(c, other, "shopify")->status == "connected");
    CHECK(storage::recent_events(c, tenant, 1)[0].status == "applied");
    CHECK(deliver(app, body, h).status == 200);  // Shopify's retry still finds the former tenant
    std::string redact = R"({"shop_id":548380009,"shop_domain":"acme.myshopify.com"})";
    CHECK(deliver(app, redact, shopify_headers(redact, "acme.myshopify.com", "wh-shop-redact", "shop/redact")).status == 200);
    CHECK(count(app, "tenant_id = " + std::to_string(tenant)) == 2);
    // Orders of a disconnected shop are not stored any more (answered 2xx, so Shopify stops retrying).
    auto order = order_payload("acme.myshopify.com", 3);
    auto late = deliver(app, order, shopify_headers(order, "acme.myshopify.com", "wh-late"));
    CHECK(late.status == 200);
    CHECK(late.json().at("ignored").as_string() == "unknown_shop");
    CHECK(count(app, "tenant_id = " + std::to_string(tenant)) == 2);
  }
}

TEST_CASE("webhooks: a committed batch nudges each shop with new orders once, with its latest event") {
  using ev = app::webhook_ingest::committed_event;
  std::vector<ev> batch{{1, "acme.myshopify.com", "orders/create", 10},
                        {2, "bijoux.myshopify.com", "orders/paid", 11},
                        {1, "acme.myshopify.com", "orders/create", 13},
                        {1, "acme.myshopify.com", "customers/redact", 14},
                        {3, "clay.myshopify.com", "app/uninstalled", 15},
                        {1, "acme.myshopify.com", "orders/paid", 12}};
  auto nudges = app::order_nudges(batch);
  REQUIRE(nudges.size() == 2);
  CHECK(nudges[0].tenant_id == 1);
  CHECK(nudges[0].shop_domain == "acme.myshopify.com");
  CHECK(nudges[0].latest_event_id == 13);
  CHECK(nudges[1].tenant_id == 2);
  CHECK(nudges[1].shop_domain == "bijoux.myshopify.com");
  CHECK(nudges[1].latest_event_id == 11);
  CHECK(app::order_nudges({{3, "clay.myshopify.com", "app/uninstalled", 15}}).empty());
}
