// Orders reach nexsync as sales through the simulator's real webhooks (signed by the simulator, sent to
// the server's real port), and the reconciliation catches every order whose webhook was lost.
#include "app/sync_services.hpp"
#include "storage/webhook_events_repo.hpp"
#include "tests/support/shopify_sim.hpp"
#include "tests/support/shopify_webhooks.hpp"

#include <caf/send.hpp>
#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <thread>

using namespace nexsync;

namespace {

// A live server and simulator with a new shop connected to a new tenant.
struct live_shop {
  test::live_fixture f;
  test::seeded_tenant tenant;
  test::http_client owner;
  std::string name;

  live_shop(const std::string& shop_name, const std::string& shape)
      : tenant(f.app.add_tenant("Tenant " + shop_name)), owner(f.app.signed_in(tenant.owner)), name(shop_name) {
    REQUIRE(f.sim.control("POST", "/_sim/shops", shape).status == 201);
    test::connect_shop(f.sim, owner, shop_name, f.url);
  }

  std::int64_t sales() { return owner.get("/api/sales?page=1").json().at("total").as_int64(); }

  std::string create_order(const std::string& body) {
    auto res = f.sim.control("POST", "/_sim/shops/" + name + "/orders", body);
    REQUIRE(res.status == 201);
    return std::string{res.json().at("id").as_string()};
  }

  void faults(const std::string& body) {
    REQUIRE(f.sim.control("PUT", "/_sim/shops/" + name + "/faults", body).status / 100 == 2);
  }
};

// Waits for a condition the system reaches asynchronously; fails the test if it never does.
// (A generous bound on waiting, not a latency assertion: the bench measures latency.)
void eventually(const std::function<bool()>& done, const char* what) {
  for (int i = 0; i < 300; ++i) {
    if (done()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  FAIL(std::string{"never happened: "} + what);
}

std::vector<storage::webhook_event_row> events(live_shop& s) {
  storage::connection c{s.f.app.db.url};
  return storage::recent_events(c, s.tenant.id, 100);
}

}  // namespace

TEST_CASE("an order created in Shopify becomes one sale through its webhooks, even delivered twice", "[webhooks][live]") {
  live_shop s{"hook-shop", R"({"name":"hook-shop","plan":"standard","products":5,"variants_per_product":1,
                              "no_sku_share":0,"duplicate_sku_share":0,"customers":0,"orders":0,"seed":4})"};
  REQUIRE(s.owner.send_json("POST", "/api/integrations/shopify/sync", R"({"direction":"products"})").status == 200);
  auto inventory = s.f.sim.control("GET", "/_sim/shops/hook-shop/inventory").json();
  auto sku = std::string{inventory.at("inventory").as_array().at(0).at("sku").as_string()};
  auto before = s.owner.get("/api/inventory/" + test::http_client::encode(sku)).json().at("item").at("quantity").as_int64();

  s.faults(R"({"webhook_duplicate_rate":1.0})");
  auto order_id = s.create_order(R"({"financial_status":"paid","line_items":[{"sku":")" + sku + R"(","quantity":2}]})");

  eventually([&] { return s.sales() == 1; }, "the webhook's sale");
  // Both topics (orders/create and orders/paid) arrive twice each; all four settle, one sale.
  eventually([&] {
    auto all = events(s);
    if (all.size() < 2) return false;
    for (auto& e : all)
      if (e.status == "received") return false;
    return true;
  }, "every stored webhook settled");
  auto all = events(s);
  int applied = 0;
  for (auto& e : all) {
    CHECK((e.status == "applied" || e.status == "skipped"));
    if (e.status == "applied") ++applied;
  }
  CHECK(applied == 1);
  CHECK(s.sales() == 1);
  auto sale = s.owner.get("/api/sales?page=1").json().at("sales").as_array().at(0);
  CHECK(sale.at("source").as_string() == "shopify_webhook");
  auto after = s.owner.get("/api/inventory/" + test::http_client::encode(sku)).json().at("item").at("quantity").as_int64();
  CHECK(after == before - 2);
  auto listed = s.owner.get("/api/integrations/shopify/webhooks").json().at("events").as_array();
  CHECK(listed.size() == all.size());
  auto page = s.owner.get("/integrations").body;
  CHECK(page.find(R"(<td class="state">applied</td>)") != std::string::npos);
  CHECK(page.find("already recorded as sale") != std::string::npos);
  (void)order_id;
}

TEST_CASE("with every webhook lost, the reconciliation records every paid order and the report agrees", "[webhooks][live]") {
  live_shop s{"lossy-shop", R"({"name":"lossy-shop","plan":"standard","products":5,"variants_per_product":1,
                               "customers":0,"orders":0,"seed":6})"};
  s.faults(R"({"webhook_drop_rate":1.0})");
  for (int i = 0; i < 3; ++i) s.create_order(R"({"financial_status":"paid"})");
  s.create_order(R"({"financial_status":"pending"})");
  eventually([&] {
    auto d = s.f.sim.control("GET", "/_sim/shops/lossy-shop/deliveries?topic=orders/create").json();
    int dropped = 0;
    for (auto& x : d.at("deliveries").as_array())
      if (x.at("state").as_string() == "dropped") ++dropped;
    return dropped == 4;
  }, "the simulator dropped all four orders/create webhooks");
  CHECK(events(s).empty());
  CHECK(s.sales() == 0);

  auto cron = s.f.app.client().request("POST", "/api/cron/shopify-reconciliation", "",
                                       {{"Authorization", "Bearer test-cron-secret-0123456789"}});
  REQUIRE(cron.status == 202);
  eventually([&] { return s.sales() == 3; }, "the reconciliation's sales");
  eventually([&] { return !s.owner.get("/api/integrations/shopify/completeness").json().at("reconcile").is_null(); },
             "the completeness report");
  auto report = s.owner.get("/api/integrations/shopify/completeness").json().at("reconcile");
  CHECK(report.at("shopify_paid").as_int64() == 3);
  CHECK(report.at("recorded").as_int64() == 3);
  CHECK(report.at("missing").as_array().empty());
  CHECK(report.at("complete").as_bool());
  auto sale = s.owner.get("/api/sales?page=1").json().at("sales").as_array().at(0);
  CHECK(sale.at("source").as_string() == "reconciliation");
  auto page = s.owner.get("/integrations").body;
  CHECK(page.find(R"(Shopify has <strong class="shopify-paid">3</strong> paid orders)") != std::string::npos);
  CHECK(page.find(R"(nexsync has <strong class="recorded">3</strong>)") != std::string::npos);
  CHECK(page.find("Nothing is missing.") != std::string::npos);
}

TEST_CASE("a stored webhook not yet applied when the server stops is applied after the restart", "[webhooks][live]") {
  live_shop s{"restart-shop", R"({"name":"restart-shop","plan":"standard","products":3,"variants_per_product":1,
                                 "customers":0,"orders":0,"seed":8})"};
  s.faults(R"({"error_5xx_share":1.0})");  // Shopify cannot answer: the connection cannot apply it yet
  s.create_order(R"({"financial_status":"paid"})");
  eventually([&] { return events(s).size() == 2; }, "both webhooks stored");
  s.f.app.restart();  // the job in flight is abandoned; the events stay received
  for (auto& e : events(s)) CHECK(e.status == "received");
  s.f.sim.control("DELETE", "/_sim/shops/restart-shop/faults");
  s.f.app.restart();  // start-up replay applies them
  eventually([&] { return s.sales() == 1; }, "the replayed webhook's sale");
  eventually([&] {
    for (auto& e : events(s))
      if (e.status == "received") return false;
    return true;
  }, "both events settled after the restart");
}

TEST_CASE("order webhooks stored before an uninstall are applied once the shop is connected again", "[webhooks][live]") {
  live_shop s{"return-shop", R"({"name":"return-shop","plan":"standard","products":2,"variants_per_product":1,
                                "customers":0,"orders":0,"seed":18})"};
  s.faults(R"({"error_5xx_share":1.0})");  // Shopify cannot answer: the order's events stay waiting
  s.create_order(R"({"financial_status":"paid"})");
  eventually([&] { return events(s).size() == 2; }, "both webhooks stored");
  std::string body = R"({"id":1,"name":"Return","myshopify_domain":"return-shop.myshopify.com"})";
  auto res = s.f.app.client().request("POST", "/api/webhooks/shopify", body,
                                      test::shopify_headers(body, "return-shop.myshopify.com", "return-uninstall", "app/uninstalled"));
  REQUIRE(res.status == 200);
  REQUIRE_FALSE(s.owner.get("/api/integrations/shopify/status").json().at("connected").as_bool());
  // The apply in flight ends at its next attempt, finding no token; nothing else runs for the shop.
  eventually([&] {
    auto runs = s.owner.get("/api/integrations/shopify/runs").json();
    for (auto& r : runs.at("runs").as_array())
      if (r.at("status").as_string() == "running") return false;
    return !runs.at("runs").as_array().empty();
  }, "the apply ended without the shop's token");
  for (auto& e : events(s))
    if (e.topic != "app/uninstalled") CHECK(e.status == "received");

  s.f.sim.control("DELETE", "/_sim/shops/return-shop/faults");
  test::connect_shop(s.f.sim, s.owner, "return-shop", s.f.url);
  eventually([&] { return s.sales() == 1; }, "the waiting order recorded after the reconnection");
  eventually([&] {
    for (auto& e : events(s))
      if (e.status == "received") return false;
    return true;
  }, "every waiting event settled");
}

TEST_CASE("a signed payload naming an order of another shop creates nothing", "[webhooks][live]") {
  live_shop s{"honest-shop", R"({"name":"honest-shop","plan":"standard","products":2,"variants_per_product":1,
                                "customers":0,"orders":0,"seed":10})"};
  REQUIRE(s.f.sim.control("POST", "/_sim/shops", R"({"name":"other-tenant-shop","products":2,"orders":0,"seed":12})").status == 201);
  auto foreign = s.f.sim.control("POST", "/_sim/shops/other-tenant-shop/orders", R"({"financial_status":"paid"})").json();
  auto legacy = foreign.at("legacy_id").is_int64() ? foreign.at("legacy_id").as_int64()
                                                   : std::stoll(std::string{foreign.at("legacy_id").as_string()});
  auto body = test::order_payload("honest-shop.myshopify.com", legacy);
  auto res = s.f.app.client().request("POST", "/api/webhooks/shopify", body,
                                      test::shopify_headers(body, "honest-shop.myshopify.com", "foreign-1"));
  REQUIRE(res.status == 200);  // authentic (signed with the app secret) and stored...
  eventually([&] {
    auto all = events(s);
    return all.size() == 1 && all[0].status != "received";
  }, "the event settled");
  auto e = events(s).at(0);
  CHECK(e.status == "failed");  // ...but Shopify, asked with this shop's token, has no such order
  CHECK(e.reason.value_or("").find("no such order") != std::string::npos);
  CHECK(s.sales() == 0);
}

TEST_CASE("an order webhook naming no order fails with the reason, and the page's other events still apply", "[webhooks][live]") {
  live_shop s{"vague-shop", R"({"name":"vague-shop","plan":"standard","products":2,"variants_per_product":1,
                              "customers":0,"orders":0,"seed":14})"};
  auto send = [&](const std::string& body, const std::string& id) {
    auto res = s.f.app.client().request("POST", "/api/webhooks/shopify", body,
                                        test::shopify_headers(body, "vague-shop.myshopify.com", id));
    REQUIRE(res.status == 200);
  };
  send(R"({"note":"an order payload without its id","line_items":[]})", "vague-1");
  auto gid = s.create_order(R"({"financial_status":"paid"})");  // its own orders/create comes from the simulator
  eventually([&] { return s.sales() == 1; }, "the simulator's order recorded as a sale");
  eventually([&] {
    for (auto& e : events(s))
      if (e.webhook_id == "vague-1") return e.status != "received";
    return false;
  }, "the vague event settled");
  for (auto& e : events(s)) {
    if (e.webhook_id != "vague-1") continue;
    CHECK(e.status == "failed");
    CHECK(e.reason.value_or("") == "the payload names no order id");
  }
  CHECK_FALSE(gid.empty());
}

TEST_CASE("events of one page naming the same order read it once: one applies, the rest are skipped as recorded", "[webhooks][live]") {
  live_shop s{"page-shop", R"({"name":"page-shop","plan":"standard","products":2,"variants_per_product":1,
                              "customers":0,"orders":0,"seed":16})"};
  s.faults(R"({"webhook_drop_rate":1.0})");  // only the deliveries below reach the server
  auto legacy_of = [&](const std::string& status) {
    auto o = s.f.sim.control("POST", "/_sim/shops/page-shop/orders", R"({"financial_status":")" + status + R"("})").json();
    return o.at("legacy_id").is_int64() ? o.at("legacy_id").as_int64() : std::stoll(std::string{o.at("legacy_id").as_string()});
  };
  auto first = legacy_of("paid"), twice = legacy_of("paid"), unpaid = legacy_of("pending");
  auto send = [&](std::int64_t order, const std::string& id) {
    auto body = test::order_payload("page-shop.myshopify.com", order);
    auto res = s.f.app.client().request("POST", "/api/webhooks/shopify", body,
                                        test::shopify_headers(body, "page-shop.myshopify.com", id));
    REQUIRE(res.status == 200);
  };
  // Each Shopify read takes 1.2 s, so the events below arrive while the first one's order is read, and
  // the connection's next page holds all of them.
  s.faults(R"({"webhook_drop_rate":1.0,"latency_ms":1200})");
  REQUIRE(s.f.sim.control("DELETE", "/_sim/shops/page-shop/stats").status == 200);
  send(first, "page-0");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  send(twice, "page-1");
  send(twice, "page-2");
  send(twice, "page-3");
  send(unpaid, "page-4");
  send(first * 1000 + 7, "page-5");  // no such order in this shop

  eventually([&] {
    auto all = events(s);
    if (all.size() != 6) return false;
    for (auto& e : all)
      if (e.status == "received") return false;
    return true;
  }, "all six events settled");
  std::map<std::string, storage::webhook_event_row> by_id;
  for (auto& e : events(s)) by_id[e.webhook_id] = e;
  CHECK(by_id["page-0"].status == "applied");
  int applied = 0, recorded = 0;
  for (auto id : {"page-1", "page-2", "page-3"}) {
    if (by_id[id].status == "applied") ++applied;
    if (by_id[id].status == "skipped" && by_id[id].reason.value_or("").find("already recorded as sale") == 0) ++recorded;
  }
  CHECK(applied == 1);
  CHECK(recorded == 2);
  CHECK(by_id["page-4"].status == "skipped");
  CHECK(by_id["page-4"].reason.value_or("").find("not paid yet") == 0);
  CHECK(by_id["page-5"].status == "failed");
  CHECK(by_id["page-5"].reason.value_or("") == "Shopify has no such order in this shop");
  CHECK(s.sales() == 2);
  // One read per order named: first, twice, unpaid and the missing one.
  CHECK(s.f.sim.control("GET", "/_sim/shops/page-shop/stats").json().at("calls").as_int64() == 4);
}

TEST_CASE("a capped sweep resumes where it stopped, so a busy shop's sweeps still catch up", "[webhooks][live]") {
  live_shop s{"busy-shop", R"({"name":"busy-shop","plan":"standard","products":4,"variants_per_product":1,
                             "customers":0,"orders":0,"seed":14})"};
  s.faults(R"({"webhook_drop_rate":1.0})");
  for (int i = 0; i < 60; ++i) s.create_order(R"({"financial_status":"paid"})");
  // A 1-minute interval caps each sweep at 2% of 100 points/s x 60 s = 120 points: a few small pages.
  s.f.app.settings.sweep_interval_minutes = 1;
  s.f.app.restart();
  auto& services = *s.f.app.server->services().sync;
  std::int64_t previous_report = 0;
  int sweeps = 0;
  while (s.sales() < 60 && sweeps < 30) {
    actors::sync_request sweep;
    sweep.direction = "sweep";
    sweep.trigger = "cron";
    caf::anon_send(services.registry, actors::sync_atom_v, s.tenant.id, std::string{"busy-shop.myshopify.com"}, sweep);
    ++sweeps;
    eventually([&] {
      auto report = s.owner.get("/api/integrations/shopify/completeness").json().at("sweep");
      if (report.is_null() || report.at("run_id").as_int64() == previous_report) return false;
      previous_report = report.at("run_id").as_int64();
      CHECK(report.at("cost_cap").as_int64() == 120);
      return true;
    }, "a sweep's report");
  }
  CHECK(s.sales() == 60);
  CHECK(sweeps > 1);  // the cap really stopped the first sweep, and the next ones went on from there
}
