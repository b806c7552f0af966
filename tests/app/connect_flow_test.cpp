// Connect and disconnect Shopify through the real simulator binary over sockets: the happy path, token
// refresh (proactive, on 401, refused), disconnect, and every hostile input of issue 5 (each rejected
// with its message, nothing stored).
#include "app/shopify_access.hpp"
#include "crypto/seal.hpp"
#include "http/message.hpp"
#include "shopify/documents.hpp"
#include "shopify/oauth.hpp"
#include "storage/integrations_repo.hpp"
#include "tests/support/app_server.hpp"
#include "tests/support/shopify_sim.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <csignal>
#include <cstring>
#include <ctime>
#include <set>
#include <cstdio>
#include <sys/wait.h>
#include <unistd.h>

using namespace nexsync;

namespace {

using test::sim_admin;
using test::shop;
using test::sim_process;
using test::fixture;
using test::start_connect;
using test::consent;

// Query parameters of a target, decoded.
shopify::query_params params_of(const std::string& target) {
  http::request r;
  r.query = target.substr(target.find('?') + 1);
  return r.query_params();
}

// A callback target from (possibly altered) parameters, signed with the test app secret.
std::string signed_target(shopify::query_params p) {
  std::erase_if(p, [](auto& kv) { return kv.first == "hmac"; });
  p.emplace_back("hmac", shopify::sign_query("test-api-secret", p));
  std::string q;
  for (auto& [k, v] : p) q += (q.empty() ? "" : "&") + test::http_client::encode(k) + "=" + test::http_client::encode(v);
  return "/api/integrations/shopify/callback?" + q;
}

shopify::query_params with(shopify::query_params p, const std::string& key, const std::string& value) {
  for (auto& kv : p)
    if (kv.first == key) kv.second = value;
  return p;
}

std::string query_one(const std::string& url, const std::string& sql) {
  storage::connection c{url};
  auto r = c.exec(sql);
  return r.rows() == 0 || r.is_null(0, 0) ? std::string{} : r.get(0, 0);
}

std::int64_t count(const std::string& url, const std::string& sql) { return std::stoll(query_one(url, sql)); }

// The follow-up page of a failed callback must explain the error to a person.
void check_refused(test::http_client& c, const test::reply& res, const std::string& code, const std::string& words) {
  INFO("expected error " << code);
  REQUIRE(res.status == 303);
  CHECK(res.header("location") == "/website/connect?error=" + code);
  auto page = c.get(res.header("location"));
  CHECK(page.status == 200);
  CHECK(page.body.find(words) != std::string::npos);
}

template <class T>
T run_on(boost::asio::awaitable<T> a) {
  boost::asio::io_context io;
  auto f = boost::asio::co_spawn(io, std::move(a), boost::asio::use_future);
  io.run();
  return f.get();
}

shopify::client_result<app::shopify_access> access(app::context& ctx, std::int64_t tenant, bool force = false) {
  return run_on(app::get_shopify_access(ctx, tenant, force));
}

app::shopify_tokens stored_tokens(fixture& f, std::int64_t tenant) {
  storage::connection c{f.app.db.url};
  auto row = storage::find_integration(c, tenant, "shopify");
  REQUIRE(row);
  REQUIRE(row->sealed_config);
  auto t = app::unseal_tokens(*f.app.server->services().keys, tenant, row->shop_domain, *row->sealed_config);
  REQUIRE(t);
  return *t;
}

}  // namespace

TEST_CASE("connect acme-jewellers through the simulator, see it connected, then disconnect", "[connect]") {
  fixture f;
  auto t = f.app.add_tenant("Acme Jewellers");
  auto owner = f.app.signed_in(t.owner);

  auto connect_page = owner.get("/website/connect");
  REQUIRE(connect_page.status == 200);
  CHECK(connect_page.body.find("Connect Shopify") != std::string::npos);
  CHECK(connect_page.body.find("WooCommerce") != std::string::npos);
  CHECK(connect_page.body.find("Not yet available") != std::string::npos);

  auto authorize = start_connect(owner, "https://Acme-Jewellers.myshopify.com/admin");
  CHECK(authorize.find("/shops/acme-jewellers/admin/oauth/authorize?client_id=test-api-key") != std::string::npos);
  CHECK(authorize.find("scope=read_products,write_products,read_inventory,write_inventory,read_orders,read_customers") != std::string::npos);
  CHECK(authorize.find("grant_options[]=") != std::string::npos);
  CHECK(owner.cookies.count("nexsync_shopify_oauth"));

  auto callback = consent(f.sim, authorize);
  auto done = owner.get(callback);
  REQUIRE(done.status == 303);
  REQUIRE(done.header("location") == "/website/connect?shopify=connected");
  CHECK_FALSE(owner.cookies.count("nexsync_shopify_oauth"));
  auto green = owner.get("/website/connect?shopify=connected");
  CHECK(green.body.find("id=\"shopify-connected\"") != std::string::npos);
  CHECK(green.body.find("acme-jewellers.myshopify.com") != std::string::npos);

  auto integrations = owner.get("/integrations");
  CHECK(integrations.body.find("id=\"shopify-integration\"") != std::string::npos);
  CHECK(integrations.body.find("class=\"check\"") != std::string::npos);
  CHECK(integrations.body.find("<code>read_customers</code>") != std::string::npos);
  CHECK(integrations.body.find("Last synced: <span class=\"last-synced\">never</span>") != std::string::npos);
  CHECK(integrations.body.find("Disconnect") != std::string::npos);

  // Stored: sealed, with a location; the tokens are nowhere in clear.
  auto url = f.app.db.url;
  CHECK(query_one(url, "SELECT status FROM integrations") == "connected");
  CHECK(query_one(url, "SELECT location_id FROM integrations").rfind("gid://shopify/Location/", 0) == 0);
  auto tokens = stored_tokens(f, t.id);
  CHECK(tokens.access_token.rfind("shpat_", 0) == 0);
  CHECK(tokens.refresh_token.rfind("shprt_", 0) == 0);
  REQUIRE(tokens.access_expires_at);
  for (auto& table : {"integrations", "oauth_flows"}) {
    auto dump = query_one(url, std::string{"SELECT coalesce(string_agg(t::text, '|'), '') FROM "} + table + " t");
    CHECK(dump.find("shpat_") == std::string::npos);
    CHECK(dump.find("shprt_") == std::string::npos);
    CHECK(dump.find(tokens.access_token.substr(6)) == std::string::npos);
  }
  CHECK(count(url, "SELECT count(*) FROM oauth_flows") == 0);

  // Webhooks registered at the public URL for the three topics.
  auto subs = f.sim.control("GET", "/_sim/shops/acme-jewellers/subscriptions").json().at("subscriptions").as_array();
  std::set<std::string> topics;
  for (auto& s : subs) {
    CHECK(s.at("uri") == "http://127.0.0.1:0/api/webhooks/shopify");
    topics.insert(std::string{s.at("topic").as_string()});
  }
  CHECK(topics.size() == 3);

  // Staff may look but not disconnect.
  auto staff = f.app.signed_in(t.staff);
  auto refused = staff.send_json("POST", "/api/integrations/shopify/disconnect", "{}");
  CHECK(refused.status == 403);
  CHECK(refused.json().at("error") == "not_permitted");
  CHECK(staff.post_form("/integrations/shopify/disconnect", "csrf=" + staff.csrf).header("location") == "/integrations?error=not_permitted");
  // CSRF on the disconnect form.
  CHECK(owner.post_form("/integrations/shopify/disconnect", "csrf=forged").status == 403);
  CHECK(query_one(url, "SELECT status FROM integrations") == "connected");

  auto gone = owner.post_form("/integrations/shopify/disconnect", "csrf=" + owner.csrf);
  REQUIRE(gone.status == 303);
  CHECK(gone.header("location") == "/integrations?disconnected=1");
  CHECK(query_one(url, "SELECT status FROM integrations") == "disconnected");
  CHECK(query_one(url, "SELECT sealed_config FROM integrations").empty());
  CHECK(owner.get("/integrations").body.find("Nothing connected yet") != std::string::npos);
  // Revoked at Shopify: the old token is refused.
  auto probe = f.sim.client().request("POST", "/shops/acme-jewellers/admin/api/2026-10/graphql.json",
                                      R"({"query":"{ shop { id } }"})",
                                      {{"X-Shopify-Access-Token", tokens.access_token}, {"Content-Type", "application/json"}});
  CHECK(probe.status == 401);
  CHECK(f.sim.control("GET", "/_sim/shops/acme-jewellers/subscriptions").json().at("subscriptions").as_array().empty());
}

TEST_CASE("tokens are refreshed before expiry and once on a 401, a refused refresh asks to reconnect", "[connect]") {
  fixture f;
  auto t = f.app.add_tenant("Acme");
  auto owner = f.app.signed_in(t.owner);
  REQUIRE(owner.get(consent(f.sim, start_connect(owner))).header("location") == "/website/connect?shopify=connected");
  auto& ctx = f.app.server->services();
  auto first = stored_tokens(f, t.id);

  // Fresh token: used as is.
  auto a = access(ctx, t.id);
  REQUIRE(a.has_value());
  CHECK(a->token == first.access_token);

  // Near expiry (as stored): refreshed before use.
  {
    auto near = first;
    near.access_expires_at = std::time(nullptr) + 60;
    storage::connection c{f.app.db.url};
    c.exec("UPDATE integrations SET sealed_config = $1", storage::params{app::seal_tokens(*ctx.keys, t.id, "acme-jewellers.myshopify.com", near)});
  }
  auto b = access(ctx, t.id);
  REQUIRE(b.has_value());
  CHECK(b->token != first.access_token);
  auto second = stored_tokens(f, t.id);
  CHECK(second.access_token == b->token);
  CHECK(second.refresh_token != first.refresh_token);

  // Shopify expires the token early: the first call gets 401, one refresh, the retry succeeds.
  REQUIRE(f.sim.control("POST", "/_sim/shops/acme-jewellers/tokens/expire").status / 100 == 2);
  int calls = 0;
  auto probe = [&ctx, &calls](const app::shopify_access& acc) {
    ++calls;
    return ctx.shopify->graphql(acc.subdomain, acc.token, std::string{shopify::shop_probe.text});
  };
  auto probed = run_on(app::with_shopify_token<shopify::graphql_reply>(ctx, t.id, probe));
  REQUIRE(probed.has_value());
  CHECK(calls == 2);
  CHECK(probed->body.at("data").at("shop").at("myshopifyDomain") == "acme-jewellers.myshopify.com");
  CHECK(stored_tokens(f, t.id).access_token != second.access_token);

  // The merchant uninstalls: the refresh is refused, the integration needs reconnecting, the page says so.
  REQUIRE(f.sim.control("POST", "/_sim/shops/acme-jewellers/uninstall").status / 100 == 2);
  auto failed = run_on(app::with_shopify_token<shopify::graphql_reply>(ctx, t.id, probe));
  REQUIRE_FALSE(failed.has_value());
  CHECK(failed.error().kind == shopify::client_error_kind::unauthorized);
  CHECK(query_one(f.app.db.url, "SELECT status FROM integrations") == "needs_reconnect");
  auto page = owner.get("/integrations");
  CHECK(page.body.find("Needs reconnecting") != std::string::npos);
  CHECK(page.body.find("Shopify refused to renew") != std::string::npos);
}

TEST_CASE("mark_uninstalled disconnects whichever tenant holds the shop", "[connect]") {
  fixture f;
  auto t = f.app.add_tenant("Acme");
  auto owner = f.app.signed_in(t.owner);
  REQUIRE(owner.get(consent(f.sim, start_connect(owner))).header("location") == "/website/connect?shopify=connected");
  storage::connection c{f.app.db.url};
  CHECK(storage::mark_uninstalled(c, "shopify", "ACME-jewellers.myshopify.com") == t.id);
  CHECK_FALSE(storage::mark_uninstalled(c, "shopify", "acme-jewellers.myshopify.com"));
  CHECK(query_one(f.app.db.url, "SELECT sealed_config FROM integrations").empty());
}

TEST_CASE("bad shop names are refused before anything is stored", "[connect][hostile]") {
  fixture f;
  auto t = f.app.add_tenant("Acme");
  auto owner = f.app.signed_in(t.owner);
  for (std::string input : std::vector<std::string>{"evil.com", "acme.myshopify.com.evil.com", "acme/../x", "acme%2ejewellers", "acme-jewellers%00",
                            "\xD0\xB0" "cme-jewellers" /* Cyrillic a */, std::string(300, 'a'), "no-such-shop", "", "-acme",
                            "https://evil.com/acme-jewellers.myshopify.com"}) {
    INFO("shop input: " << input);
    auto res = owner.post_form("/website/connect/shopify", "csrf=" + owner.csrf + "&shop=" + test::http_client::encode(input));
    REQUIRE(res.status == 303);
    CHECK(res.header("location") == "/website/connect?error=shop_not_found");
  }
  CHECK(owner.get("/website/connect?error=shop_not_found").body.find("We could not find that Shopify store") != std::string::npos);
  CHECK(count(f.app.db.url, "SELECT count(*) FROM oauth_flows") == 0);
  CHECK(count(f.app.db.url, "SELECT count(*) FROM integrations") == 0);
  CHECK_FALSE(owner.cookies.count("nexsync_shopify_oauth"));
}

TEST_CASE("connecting needs the role and the form's CSRF token", "[connect][hostile]") {
  fixture f;
  auto t = f.app.add_tenant("Acme");
  auto staff = f.app.signed_in(t.staff);
  auto res = staff.post_form("/website/connect/shopify", "csrf=" + staff.csrf + "&shop=acme-jewellers");
  CHECK(res.header("location") == "/website/connect?error=not_permitted");
  CHECK(staff.get("/website/connect?error=not_permitted").body.find("Only an owner or an integration manager") != std::string::npos);
  CHECK(staff.get("/website/connect").body.find("shopify-connect-form") == std::string::npos);
  auto manager = f.app.signed_in(t.manager);
  CHECK(manager.post_form("/website/connect/shopify", "csrf=forged&shop=acme-jewellers").status == 403);
  CHECK(manager.post_form("/website/connect/shopify", "shop=acme-jewellers").status == 403);
  CHECK(count(f.app.db.url, "SELECT count(*) FROM oauth_flows") == 0);
  // The manager may.
  CHECK(start_connect(manager).find("/admin/oauth/authorize?") != std::string::npos);
}

TEST_CASE("forged callbacks are refused and store nothing", "[connect][hostile]") {
  fixture f;
  auto t = f.app.add_tenant("Acme");
  auto other = f.app.add_tenant("Other");
  auto owner = f.app.signed_in(t.owner);
  auto url = f.app.db.url;
  auto nothing_stored = [&] { CHECK(count(url, "SELECT count(*) FROM integrations") == 0); };

  auto callback = consent(f.sim, start_connect(owner));
  auto genuine = params_of(callback);
  auto cookie = owner.cookies["nexsync_shopify_oauth"];

  SECTION("forged or missing HMAC") {
    auto forged = genuine;
    for (auto& kv : forged)
      if (kv.first == "hmac") kv.second[0] = kv.second[0] == 'a' ? 'b' : 'a';
    std::string q;
    for (auto& [k, v] : forged) q += (q.empty() ? "" : "&") + k + "=" + test::http_client::encode(v);
    check_refused(owner, owner.get("/api/integrations/shopify/callback?" + q), "invalid_signature", "could not be verified");
    std::erase_if(forged, [](auto& kv) { return kv.first == "hmac"; });
    q.clear();
    for (auto& [k, v] : forged) q += (q.empty() ? "" : "&") + k + "=" + test::http_client::encode(v);
    owner.cookies["nexsync_shopify_oauth"] = cookie;
    check_refused(owner, owner.get("/api/integrations/shopify/callback?" + q), "invalid_signature", "could not be verified");
    // Signed with another secret.
    auto other_secret = genuine;
    std::erase_if(other_secret, [](auto& kv) { return kv.first == "hmac"; });
    other_secret.emplace_back("hmac", shopify::sign_query("not-the-secret", other_secret));
    q.clear();
    for (auto& [k, v] : other_secret) q += (q.empty() ? "" : "&") + k + "=" + test::http_client::encode(v);
    owner.cookies["nexsync_shopify_oauth"] = cookie;
    check_refused(owner, owner.get("/api/integrations/shopify/callback?" + q), "invalid_signature", "could not be verified");
  }
  SECTION("stale timestamp") {
    auto stale = with(genuine, "timestamp", std::to_string(std::time(nullptr) - 600));
    check_refused(owner, owner.get(signed_target(stale)), "stale_request", "too old");
  }
  SECTION("shop differing from the one the flow started with") {
    check_refused(owner, owner.get(signed_target(with(genuine, "shop", "other-shop.myshopify.com"))), "shop_mismatch",
                  "different store");
  }
  SECTION("invalid shop domains in the callback") {
    for (std::string bad : std::vector<std::string>{"evil.com", "acme-jewellers.myshopify.com.evil.com", "acme/../x.myshopify.com"}) {
      owner.cookies["nexsync_shopify_oauth"] = cookie;
      check_refused(owner, owner.get(signed_target(with(genuine, "shop", bad))), "invalid_shop", "invalid store");
    }
  }
  SECTION("missing or foreign nonce cookie") {
    owner.cookies.erase("nexsync_shopify_oauth");
    check_refused(owner, owner.get(callback), "invalid_state", "Please start again here");
    owner.cookies["nexsync_shopify_oauth"] = std::string(64, 'f');
    check_refused(owner, owner.get(callback), "invalid_state", "Please start again here");
    // The genuine round trip still works afterwards: refusals did not consume it.
    owner.cookies["nexsync_shopify_oauth"] = cookie;
    CHECK(owner.get(callback).header("location") == "/website/connect?shopify=connected");
    return;
  }
  SECTION("state from another browser session of the same user") {
    auto second = f.app.signed_in(t.owner);
    second.cookies["nexsync_shopify_oauth"] = cookie;
    check_refused(second, second.get(callback), "session_mismatch", "different sign-in session");
  }
  SECTION("state from another tenant") {
    auto stranger = f.app.signed_in(other.owner);
    stranger.cookies["nexsync_shopify_oauth"] = cookie;
    check_refused(stranger, stranger.get(callback), "invalid_state", "Please start again here");
    CHECK(count(url, "SELECT count(*) FROM integrations") == 0);
    return;
  }
  SECTION("tampered state") {
    auto state = genuine;
    for (auto& kv : state)
      if (kv.first == "state") kv.second[5] = kv.second[5] == 'A' ? 'B' : 'A';
    check_refused(owner, owner.get(signed_target(state)), "invalid_state", "Please start again here");
  }
  SECTION("a code exchange that fails") {
    check_refused(owner, owner.get(signed_target(with(genuine, "code", "0123456789abcdef0123456789abcdef"))),
                  "token_exchange_failed", "did not grant access");
  }
  SECTION("replayed callback") {
    REQUIRE(owner.get(callback).header("location") == "/website/connect?shopify=connected");
    auto version = query_one(url, "SELECT config_version FROM integrations");
    owner.cookies["nexsync_shopify_oauth"] = cookie;
    check_refused(owner, owner.get(callback), "invalid_state", "Please start again here");
    CHECK(query_one(url, "SELECT config_version FROM integrations") == version);
    return;
  }
  nothing_stored();
}

TEST_CASE("fewer granted scopes are refused and the token is given back", "[connect][hostile]") {
  fixture f;
  auto t = f.app.add_tenant("Acme");
  auto owner = f.app.signed_in(t.owner);
  REQUIRE(f.sim.control("PUT", "/_sim/shops/acme-jewellers/grant", R"({"scopes":"read_products,write_products,read_orders"})").status / 100 == 2);
  auto res = owner.get(consent(f.sim, start_connect(owner)));
  check_refused(owner, res, "missing_scopes", "fewer permissions");
  CHECK(count(f.app.db.url, "SELECT count(*) FROM integrations") == 0);
  CHECK(f.sim.control("GET", "/_sim/shops/acme-jewellers/subscriptions").json().at("subscriptions").as_array().empty());
}

TEST_CASE("an app without protected customer data access is told what to do in the Partner Dashboard", "[connect]") {
  fixture f;
  auto t = f.app.add_tenant("Acme");
  auto owner = f.app.signed_in(t.owner);
  REQUIRE(f.sim.control("PUT", "/_sim/shops/acme-jewellers/faults", R"({"protected_data_unapproved":true})").status / 100 == 2);
  auto res = owner.get(consent(f.sim, start_connect(owner)));
  check_refused(owner, res, "protected_customer_data", "request access to protected customer data");
  CHECK(count(f.app.db.url, "SELECT count(*) FROM integrations") == 0);
  // Once the developer has the access, connecting works.
  REQUIRE(f.sim.control("PUT", "/_sim/shops/acme-jewellers/faults", R"({"protected_data_unapproved":false})").status / 100 == 2);
  CHECK(owner.get(consent(f.sim, start_connect(owner))).header("location") == "/website/connect?shopify=connected");
}

TEST_CASE("a shop connected to another tenant is refused with a clear message", "[connect][hostile]") {
  fixture f;
  auto a = f.app.add_tenant("Acme");
  auto b = f.app.add_tenant("Bijou");
  auto ca = f.app.signed_in(a.owner);
  auto cb = f.app.signed_in(b.owner);
  // B starts first, A completes first: B's callback must not take (or revoke) A's shop.
  auto b_callback = consent(f.sim, start_connect(cb));
  REQUIRE(ca.get(consent(f.sim, start_connect(ca))).header("location") == "/website/connect?shopify=connected");
  check_refused(cb, cb.get(b_callback), "shop_taken", "already connected to another nexsync account");
  auto tokens = stored_tokens(f, a.id);
  auto still = f.sim.client().request("POST", "/shops/acme-jewellers/admin/api/2026-10/graphql.json",
                                      R"({"query":"{ shop { id } }"})",
                                      {{"X-Shopify-Access-Token", tokens.access_token}, {"Content-Type", "application/json"}});
  CHECK(still.status == 200);
  // And B cannot even start now.
  auto res = cb.post_form("/website/connect/shopify", "csrf=" + cb.csrf + "&shop=acme-jewellers");
  CHECK(res.header("location") == "/website/connect?error=shop_taken");
  CHECK(count(f.app.db.url, "SELECT count(*) FROM integrations WHERE tenant_id = " + std::to_string(b.id)) == 0);
}
