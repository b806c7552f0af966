// Token refresh without races (issue 5, item 6), against the real simulator: many callers in two
// "server processes" (two contexts with their own pools, transports and threads, sharing only the
// database) that all need a renewed token cause exactly one refresh grant at Shopify and all get its
// token; a lease left by a crashed process runs out; a refused refresh reaches every waiting caller;
// and the repository's lease and version checks on their own.
#include "app/shopify_access.hpp"
#include "shopify/documents.hpp"
#include "storage/integrations_repo.hpp"
#include "tests/support/app_server.hpp"
#include "tests/support/shopify_sim.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <ctime>
#include <future>
#include <mutex>
#include <set>
#include <thread>

using namespace nexsync;

namespace {

using access_result = shopify::client_result<app::shopify_access>;
constexpr const char* acme_domain = "acme-jewellers.myshopify.com";

// Another nexsync process on the same database: its own pool, keys, transport and client.
struct other_process {
  app::context ctx;
  explicit other_process(const config::settings& s) {
    ctx.settings = s;
    ctx.db = std::make_shared<storage::pool>(s.database_url, 2);
    app::ensure_shopify_services(ctx);
  }
  ~other_process() { ctx.db->close(); }
};

// Runs every coroutine made by make(ctx, i) at once: callers 0, 2, 4, ... on process a, the others
// on process b, each process on its own thread; returns the results in caller order.
template <class T, class Make>
std::vector<T> run_concurrently(app::context& a, app::context& b, int callers, Make make) {
  boost::asio::io_context io_a, io_b;
  std::vector<std::future<T>> futures;
  for (int i = 0; i < callers; ++i) {
    auto& io = i % 2 == 0 ? io_a : io_b;
    auto& ctx = i % 2 == 0 ? a : b;
    futures.push_back(boost::asio::co_spawn(io, make(ctx, i), boost::asio::use_future));
  }
  std::thread other{[&io_b] { io_b.run(); }};
  io_a.run();
  other.join();
  std::vector<T> out;
  for (auto& f : futures) out.push_back(f.get());
  return out;
}

std::string query_one(const std::string& url, const std::string& sql) {
  storage::connection c{url};
  auto r = c.exec(sql);
  return r.rows() == 0 || r.is_null(0, 0) ? std::string{} : r.get(0, 0);
}

// Access tokens the simulator ever issued for acme-jewellers: the install's plus one per refresh grant.
std::size_t issued_tokens(test::sim_process& sim) {
  auto res = sim.control("GET", "/_sim/shops/acme-jewellers/tokens");
  REQUIRE(res.status == 200);
  return res.json().at("access_tokens").as_array().size();
}

app::shopify_tokens stored_tokens(test::fixture& f, std::int64_t tenant) {
  storage::connection c{f.app.db.url};
  auto row = storage::find_integration(c, tenant, "shopify");
  REQUIRE(row);
  REQUIRE(row->sealed_config);
  auto t = app::unseal_tokens(*f.app.server->services().keys, tenant, row->shop_domain, *row->sealed_config);
  REQUIRE(t);
  return *t;
}

// Stores the tenant's current tokens again as expiring in a minute (inside the refresh margin).
void make_expiring(test::fixture& f, std::int64_t tenant) {
  auto near = stored_tokens(f, tenant);
  near.access_expires_at = std::time(nullptr) + 60;
  storage::connection c{f.app.db.url};
  c.exec("UPDATE integrations SET sealed_config = $1",
         storage::params{app::seal_tokens(*f.app.server->services().keys, tenant, acme_domain, near)});
}

// Whether Shopify (the simulator) accepts this access token.
bool accepted(test::sim_process& sim, const std::string& token) {
  auto res = sim.client().request("POST", "/shops/acme-jewellers/admin/api/2026-10/graphql.json",
                                  R"({"query":"{ shop { id } }"})",
                                  {{"X-Shopify-Access-Token", token}, {"Content-Type", "application/json"}});
  return res.status == 200;
}

struct connected {
  test::fixture f;
  test::seeded_tenant t = f.app.add_tenant("Acme");
  connected() {
    auto owner = f.app.signed_in(t.owner);
    test::connect_shop(f.sim, owner);
  }
};

}  // namespace

TEST_CASE("eight callers in two processes refresh an expiring token once and share it", "[refresh]") {
  connected c;
  auto& f = c.f;
  auto& ctx = f.app.server->services();
  other_process b{f.app.settings};
  auto before = stored_tokens(f, c.t.id);
  auto version = query_one(f.app.db.url, "SELECT config_version FROM integrations");
  make_expiring(f, c.t.id);
  auto issued = issued_tokens(f.sim);
  // A third process took the lease and died: nobody may refresh until it runs out, so every caller
  // has seen the expiring token and waits; then exactly one of them refreshes.
  {
    storage::connection db{f.app.db.url};
    db.exec("UPDATE integrations SET refresh_lease_until = now() + interval '1 second', refresh_lease_holder = 'crashed'");
  }

  auto results = run_concurrently<access_result>(ctx, b.ctx, 8, [&](app::context& x, int) {
    return app::get_shopify_access(x, c.t.id, false);
  });

  std::set<std::string> tokens;
  for (auto& r : results) {
    REQUIRE(r.has_value());
    CHECK(r->subdomain == "acme-jewellers");
    tokens.insert(r->token);
  }
  CHECK(tokens.size() == 1);
  CHECK(issued_tokens(f.sim) == issued + 1);  // exactly one refresh grant
  auto after = stored_tokens(f, c.t.id);
  CHECK(after.access_token == *tokens.begin());
  CHECK(after.access_token != before.access_token);
  CHECK(after.refresh_token != before.refresh_token);
  CHECK(accepted(f.sim, after.access_token));
  CHECK(query_one(f.app.db.url, "SELECT status FROM integrations") == "connected");
  CHECK(std::stoll(query_one(f.app.db.url, "SELECT config_version FROM integrations")) == std::stoll(version) + 1);
  CHECK(query_one(f.app.db.url, "SELECT refresh_lease_until FROM integrations").empty());
  CHECK(query_one(f.app.db.url, "SELECT refresh_lease_holder FROM integrations").empty());

  // Fresh now: more callers use it without another grant.
  auto again = run_concurrently<access_result>(ctx, b.ctx, 4, [&](app::context& x, int) {
    return app::get_shopify_access(x, c.t.id, false);
  });
  for (auto& r : again) {
    REQUIRE(r.has_value());
    CHECK(r->token == after.access_token);
  }
  CHECK(issued_tokens(f.sim) == issued + 1);
}

TEST_CASE("callers rejected with the same token renew it once", "[refresh]") {
  connected c;
  auto& f = c.f;
  auto& ctx = f.app.server->services();
  other_process b{f.app.settings};
  auto before = stored_tokens(f, c.t.id);
  auto issued = issued_tokens(f.sim);
  // Shopify ends the token early: every caller's first call is refused with 401.
  REQUIRE(f.sim.control("POST", "/_sim/shops/acme-jewellers/tokens/expire").status == 200);

  std::mutex m;
  std::vector<std::string> used;
  auto results = run_concurrently<shopify::client_result<shopify::graphql_reply>>(ctx, b.ctx, 8, [&](app::context& x, int) {
    auto probe = [&x, &m, &used](const app::shopify_access& access) {
      {
        std::lock_guard lock{m};
        used.push_back(access.token);
      }
      return x.shopify->graphql(access.subdomain, access.token, std::string{shopify::shop_probe.text});
    };
    return app::with_shopify_token<shopify::graphql_reply>(x, c.t.id, probe);
  });

  for (auto& r : results) {
    REQUIRE(r.has_value());
    CHECK(r->body.at("data").at("shop").at("myshopifyDomain") == acme_domain);
  }
  CHECK(issued_tokens(f.sim) == issued + 1);  // one refresh grant for eight 401s
  auto after = stored_tokens(f, c.t.id);
  CHECK(after.access_token != before.access_token);
  // Each caller's last call used the renewed token; a caller that started late never saw the old one.
  std::size_t with_new = 0;
  for (auto& token : used) {
    CHECK((token == before.access_token || token == after.access_token));
    if (token == after.access_token) ++with_new;
  }
  CHECK(with_new == 8);
  CHECK(used.size() - with_new >= 1);  // at least one caller was refused with the old token
  CHECK(query_one(f.app.db.url, "SELECT status FROM integrations") == "connected");
}

TEST_CASE("a refused refresh reaches every waiting caller and the integration needs reconnecting", "[refresh]") {
  connected c;
  auto& f = c.f;
  auto& ctx = f.app.server->services();
  other_process b{f.app.settings};
  make_expiring(f, c.t.id);
  // The merchant uninstalls the app: Shopify refuses the refresh token.
  REQUIRE(f.sim.control("POST", "/_sim/shops/acme-jewellers/uninstall").status == 200);

  auto results = run_concurrently<access_result>(ctx, b.ctx, 6, [&](app::context& x, int) {
    return app::get_shopify_access(x, c.t.id, false);
  });
  for (auto& r : results) {
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == shopify::client_error_kind::unauthorized);
  }
  CHECK(query_one(f.app.db.url, "SELECT status FROM integrations") == "needs_reconnect");
  CHECK(query_one(f.app.db.url, "SELECT status_reason FROM integrations") == "Shopify refused to renew nexsync's access.");
  CHECK(query_one(f.app.db.url, "SELECT refresh_lease_holder FROM integrations").empty());
}

TEST_CASE("the refresh lease: one holder at a time, released by its holder, stale versions change nothing", "[refresh]") {
  connected c;
  auto& f = c.f;
  storage::connection db{f.app.db.url};
  auto tenant = c.t.id;

  auto first = storage::take_refresh_lease(db, tenant, "shopify", "holder-a", 60);
  REQUIRE(first.taken);
  REQUIRE(first.row);
  auto version = first.row->config_version;
  auto second = storage::take_refresh_lease(db, tenant, "shopify", "holder-b", 60);
  CHECK_FALSE(second.taken);
  REQUIRE(second.row);
  CHECK(second.row->config_version == version);
  CHECK_FALSE(storage::take_refresh_lease(db, tenant + 1000, "shopify", "holder-b", 60).row);

  // Only its holder releases it.
  storage::release_refresh_lease(db, tenant, "shopify", "holder-b");
  CHECK_FALSE(storage::take_refresh_lease(db, tenant, "shopify", "holder-c", 60).taken);
  storage::release_refresh_lease(db, tenant, "shopify", "holder-a");
  CHECK(storage::take_refresh_lease(db, tenant, "shopify", "holder-c", 60).taken);

  // A store at a stale version changes nothing but still frees the lease.
  auto sealed_before = query_one(f.app.db.url, "SELECT sealed_config FROM integrations");
  CHECK_FALSE(storage::store_refreshed_tokens(db, tenant, "shopify", version - 1, "holder-c", "x", "k1", std::nullopt));
  CHECK(query_one(f.app.db.url, "SELECT sealed_config FROM integrations") == sealed_before);
  CHECK(query_one(f.app.db.url, "SELECT refresh_lease_holder FROM integrations").empty());

  // A refusal seen after another refresh moved the row (Shopify rotated the refresh token under a
  // racing caller) does not ask to reconnect; at the current version it does.
  CHECK(storage::take_refresh_lease(db, tenant, "shopify", "holder-d", 60).taken);
  CHECK_FALSE(storage::mark_refresh_refused(db, tenant, "shopify", version - 1, "holder-d", "refused"));
  CHECK(query_one(f.app.db.url, "SELECT status FROM integrations") == "connected");
  CHECK(query_one(f.app.db.url, "SELECT refresh_lease_holder FROM integrations").empty());
  CHECK(storage::mark_refresh_refused(db, tenant, "shopify", version, "holder-e", "refused"));
  CHECK(query_one(f.app.db.url, "SELECT status FROM integrations") == "needs_reconnect");
  // Not connected: no lease to take.
  CHECK_FALSE(storage::take_refresh_lease(db, tenant, "shopify", "holder-f", 60).taken);
}
