// Import Products through a bulk operation, end to end: the server in-process, the real simulator
// binary, real PostgreSQL. The same catalog imported page by page and through a bulk operation gives
// the same counts, skip reasons and inventory rows; a bulk export that cannot be downloaded fails the
// run with a sentence and imports nothing; a shop with no bulk operation to spare is imported page by page.
#include "tests/support/shopify_sim.hpp"

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

using namespace nexsync;

namespace {

// The part of a simulator id that does not depend on the shop (ids are (shop << 32) | (index + 1)).
std::string local_id(const std::string& gid) {
  auto slash = gid.rfind('/');
  if (slash == std::string::npos) return gid;
  auto n = std::stoull(gid.substr(slash + 1));
  return gid.substr(0, slash + 1) + std::to_string(n & 0xffffffffULL);
}

// One nexsync with its own database and bulk threshold, a tenant connected to `shop` on the shared simulator.
struct importer {
  std::string shop;
  test::app_server app;
  test::seeded_tenant tenant;
  test::http_client owner;

  importer(test::sim_process& sim, std::string shop_name, std::int64_t bulk_min)
      : shop(std::move(shop_name)),
        app{[&sim, bulk_min](config::settings& s) {
          s.shopify_shop_url = "http://127.0.0.1:" + std::to_string(sim.port) + "/shops/{shop}";
          s.bulk_import_min_products = bulk_min;
        }},
        tenant(app.add_tenant("Tenant " + shop)),
        owner(app.signed_in(tenant.owner)) {
    test::connect_shop(sim, owner, shop);
    sim.control("DELETE", "/_sim/shops/" + shop + "/stats");  // count the import's calls only
  }

  boost::json::object import_products() {
    auto res = owner.send_json("POST", "/api/integrations/shopify/sync", R"({"direction":"products"})");
    REQUIRE(res.status == 200);
    return res.json().as_object();
  }

  // Every inventory row, with Shopify ids made shop-independent.
  std::vector<std::string> rows() {
    storage::connection c{app.db.url};
    auto r = c.exec(
        "SELECT sku, title, variant_title, price::text, quantity::text, coalesce(shopify_product_id, ''),"
        " coalesce(shopify_variant_id, ''), coalesce(shopify_inventory_item_id, '')"
        " FROM inventory_items WHERE tenant_id = $1 ORDER BY sku",
        storage::params{tenant.id});
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back(r.get(i, 0) + " | " + r.get(i, 1) + " | " + r.get(i, 2) + " | " + r.get(i, 3) + " | " + r.get(i, 4) +
                    " | " + local_id(r.get(i, 5)) + " | " + local_id(r.get(i, 6)) + " | " + local_id(r.get(i, 7)));
    return out;
  }

  // The run's skipped rows as "key reason", keys made shop-independent, sorted.
  std::vector<std::string> skipped(std::int64_t run_id) {
    auto body = owner.get("/api/integrations/shopify/runs/" + std::to_string(run_id) + "/skipped").json();
    std::vector<std::string> out;
    for (auto& row : body.at("skipped").as_array())
      out.push_back(local_id(std::string{row.at("key").as_string()}) + " " + std::string{row.at("reason").as_string()});
    std::sort(out.begin(), out.end());
    return out;
  }

  std::int64_t sim_calls(test::sim_process& sim) {
    return sim.control("GET", "/_sim/shops/" + shop + "/stats").json().at("calls").as_int64();
  }
};

std::int64_t num(const boost::json::object& o, const char* key) { return o.at(key).as_int64(); }

// Stands in for the storage a bulk operation's URL points at, refusing every download the way an
// expired signed URL is refused (403 AccessDenied); remembers the requests it saw.
class refusing_storage {
 public:
  refusing_storage() {
    port = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { serve(); });
  }
  ~refusing_storage() {
    stopping_ = true;
    boost::system::error_code ec;
    boost::asio::ip::tcp::socket wake{io_};  // unblocks the accept, which then sees stopping_
    wake.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
    thread_.join();
  }
  std::vector<std::string> requests() {
    std::lock_guard lock{m_};
    return requests_;
  }
  unsigned short port = 0;

 private:
  void serve() {
    for (;;) {
      boost::system::error_code ec;
      boost::asio::ip::tcp::socket socket{io_};
      acceptor_.accept(socket, ec);
      if (ec || stopping_) return;
      std::string head;
      boost::asio::read_until(socket, boost::asio::dynamic_buffer(head), "\r\n\r\n", ec);
      {
        std::lock_guard lock{m_};
        requests_.push_back(head);
      }
      std::string body = "<?xml version='1.0' encoding='UTF-8'?><Error><Code>AccessDenied</Code>"
                         "<Message>Access denied.</Message><Details>Request has expired</Details></Error>";
      std::string res = "HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml; charset=UTF-8\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
      boost::asio::write(socket, boost::asio::buffer(res), ec);
      socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    }
  }

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_{io_, {boost::asio::ip::make_address("127.0.0.1"), 0}};
  std::atomic<bool> stopping_{false};
  std::mutex m_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

// 150 products × 3 variants with missing and duplicate SKUs, plus products of 25 and 70 variants (more
// than a products page's 20, and after the pages have learnt to ask for 3: their other variants come by
// one follow-up call and by two). The names share the SKU prefix "TO" (the simulator takes the first letter of
// each word of the name) and the seed, so both shops hold the same
// catalog (titles, SKUs, prices, quantities); only the shop number inside the ids differs.
const char* twin_shape = R"(,"plan":"plus","products":150,"variants_per_product":3,"no_sku_share":0.05,
                            "duplicate_sku_share":0.05,"customers":0,"orders":0,"seed":41})";

void create_twin(test::sim_process& sim, const std::string& name) {
  REQUIRE(sim.control("POST", "/_sim/shops", R"({"name":")" + name + "\"" + twin_shape).status == 201);
  REQUIRE(sim.control("POST", "/_sim/shops/" + name + "/products", R"({"title":"Charm Bracelet Set","variants":25})").status == 201);
  REQUIRE(sim.control("POST", "/_sim/shops/" + name + "/products", R"({"title":"Signet Ring","variants":70})").status == 201);
}

}  // namespace

TEST_CASE("paged and bulk imports of the same catalog give the same counts, reasons and inventory rows", "[sync][bulk]") {
  test::sim_process sim;
  create_twin(sim, "twin-one");
  create_twin(sim, "twin-other");
  // The bulk shop's export takes 1.5 s, so the run polls its status a few times before downloading.
  REQUIRE(sim.control("PUT", "/_sim/shops/twin-other/faults", R"({"bulk_duration_ms":1500})").status / 100 == 2);
  importer paged{sim, "twin-one", 0};  // 0: always page
  importer bulk{sim, "twin-other", 1};  // from 1 product on: always a bulk operation

  auto p1 = paged.import_products();
  auto b1 = bulk.import_products();
  INFO("paged: " << boost::json::serialize(p1) << "\nbulk: " << boost::json::serialize(b1));
  CHECK(p1.at("error").is_null());
  CHECK(b1.at("error").is_null());
  CHECK(num(p1, "synced") + num(p1, "skipped") == 150 * 3 + 25 + 70);
  CHECK(num(p1, "skipped") > 0);
  CHECK(num(b1, "synced") == num(p1, "synced"));
  CHECK(num(b1, "skipped") == num(p1, "skipped"));
  CHECK(num(b1, "failed") == 0);

  auto paged_skips = paged.skipped(num(p1, "run_id"));
  auto bulk_skips = bulk.skipped(num(b1, "run_id"));
  CHECK(bulk_skips == paged_skips);
  std::map<std::string, int> reasons;
  for (auto& s : bulk_skips) ++reasons[s.substr(s.rfind(' ') + 1)];
  CHECK(reasons["no_sku"] > 0);
  CHECK(reasons["duplicate_sku"] > 0);

  auto paged_rows = paged.rows();
  auto bulk_rows = bulk.rows();
  CHECK(static_cast<std::int64_t>(bulk_rows.size()) == num(b1, "synced"));
  CHECK(bulk_rows == paged_rows);

  // The bulk run made a handful of calls (counts, start, status polls), the paged one a call per page.
  auto bulk_calls = bulk.sim_calls(sim);
  CHECK(bulk_calls >= 4);   // record counts, bulkOperationRunQuery, at least two polls over 1.5 s
  CHECK(bulk_calls <= 13);  // polls at 0.1, 0.2, 0.3, 0.4, 0.5, 0.63, 0.78, 0.98, 1.22, 1.53 s and one late
  CHECK(paged.sim_calls(sim) >= 1 + (150 + 2 + 19) / 20 + 3);  // counts, pages, follow-ups

  // A repeat changes nothing either way: every row skipped as unchanged or a duplicate.
  auto p2 = paged.import_products();
  auto b2 = bulk.import_products();
  CHECK(b2.at("error").is_null());
  CHECK(num(p2, "synced") == 0);
  CHECK(num(b2, "synced") == 0);
  CHECK(num(b2, "skipped") == num(p2, "skipped"));
  CHECK(bulk.skipped(num(b2, "run_id")) == paged.skipped(num(p2, "run_id")));
  CHECK(bulk.rows() == bulk_rows);
}

TEST_CASE("a bulk export that cannot be downloaded fails the run with a sentence and imports nothing", "[sync][bulk]") {
  refusing_storage storage_host;
  // Result URLs name the refusing host, as a signed URL that expired would still name Shopify's storage.
  test::sim_process sim{"http://127.0.0.1:0", {"--public-url", "http://127.0.0.1:" + std::to_string(storage_host.port)}};
  REQUIRE(sim.control("POST", "/_sim/shops", R"({"name":"denied-shop","plan":"standard","products":30,"variants_per_product":2,
                                                 "customers":0,"orders":0,"seed":5})").status == 201);
  importer bulk{sim, "denied-shop", 1};

  auto r = bulk.import_products();
  INFO(boost::json::serialize(r));
  REQUIRE(r.at("error").is_string());
  std::string error{r.at("error").as_string()};
  CHECK(error.find("could not download Shopify's catalog export") != std::string::npos);
  CHECK(error.find("HTTP 403") != std::string::npos);
  CHECK(error.find("Nothing was imported") != std::string::npos);
  CHECK(num(r, "synced") == 0);
  CHECK(num(r, "skipped") == 0);
  CHECK(bulk.rows().empty());
  auto runs = bulk.owner.get("/api/integrations/shopify/runs").json().at("runs").as_array();
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].at("status").as_string() == "failed");

  // One attempt (a refusal is not retried), a GET of the signed URL that carried no access token.
  auto seen = storage_host.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].rfind("GET /_sim/bulk/denied-shop/", 0) == 0);
  CHECK(seen[0].find("X-Shopify-Access-Token") == std::string::npos);
  CHECK(seen[0].find("shpat_") == std::string::npos);
}

TEST_CASE("when the shop runs as many bulk operations as Shopify allows, the import pages instead", "[sync][bulk]") {
  test::sim_process sim;
  REQUIRE(sim.control("POST", "/_sim/shops", R"({"name":"busy-shop","plan":"standard","products":40,"variants_per_product":2,
                                                 "no_sku_share":0,"duplicate_sku_share":0,"customers":0,"orders":0,"seed":8})").status == 201);
  // Five exports that stay RUNNING for ten minutes, started with a token of their own.
  REQUIRE(sim.control("PUT", "/_sim/shops/busy-shop/faults", R"({"bulk_duration_ms":600000})").status / 100 == 2);
  std::string token{sim.control("POST", "/_sim/shops/busy-shop/tokens", "{}").json().at("access_token").as_string()};
  auto c = sim.client();
  for (int i = 0; i < 5; ++i) {
    auto res = c.request("POST", "/shops/busy-shop/admin/api/2026-10/graphql.json",
                         R"({"query":"mutation { bulkOperationRunQuery(query: \"{ products { edges { node { id } } } }\", groupObjects: false) { bulkOperation { id status } userErrors { code message } } }"})",
                         {{"Content-Type", "application/json"}, {"X-Shopify-Access-Token", token}});
    REQUIRE(res.status == 200);
    REQUIRE(res.json().at("data").at("bulkOperationRunQuery").at("userErrors").as_array().empty());
  }
  importer bulk{sim, "busy-shop", 1};
  auto r = bulk.import_products();
  INFO(boost::json::serialize(r));
  CHECK(r.at("error").is_null());
  CHECK(num(r, "synced") == 80);
  CHECK(bulk.rows().size() == 80);
}
