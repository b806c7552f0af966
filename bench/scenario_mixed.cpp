// mixed: tenant A imports a large catalog (its budget lifted, so the import is bound by the server and
// PostgreSQL: the worst case for everyone else) while webhooks flood at a fixed rate from other shops;
// tenant B's page (/integrations) and status call latency meanwhile.

#include "bench/flows.hpp"
#include "bench/load.hpp"
#include "bench/orders.hpp"
#include "bench/report.hpp"
#include "bench/scenarios.hpp"

#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <random>
#include <thread>

namespace nexsync::bench {

boost::json::object run_mixed(const stack_options& so, const mixed_options& o, std::ostream& out) {
  stack s{so};
  s.start_database();
  s.start_sim();
  s.start_server();
  auto tenants = s.add_tenants("mixed", 4);
  auto& importer = tenants[0];
  auto& other = tenants[1];
  const std::string import_shop = s.shop_name("bench-mixed-import");
  s.create_shop(boost::json::object{{"name", import_shop}, {"plan", "enterprise"}, {"products", o.products},
                                    {"variants_per_product", o.variants_per_product}, {"customers", 5}, {"orders", 0}, {"locations", 1}});
  s.sim_control("PUT", "/_sim/shops/" + import_shop + "/faults",
                boost::json::serialize(boost::json::object{{"restore_rate", 1000000}, {"bucket_size", 10000000}}));
  s.connect(importer, import_shop);
  for (int i = 1; i < 4; ++i) {
    auto shop = s.shop_name("bench-mixed-" + std::to_string(i));
    s.create_shop(boost::json::object{{"name", shop}, {"plan", "standard"}, {"products", 5}, {"customers", 5}, {"orders", 64}, {"locations", 1}});
    s.connect(tenants[static_cast<std::size_t>(i)], shop);
  }
  auto orders = sim_orders(s, tenants[2].shop);
  auto more = sim_orders(s, tenants[3].shop);
  orders.insert(orders.end(), more.begin(), more.end());
  auto ring = signed_ring(orders, 512, s.app_secret());
  std::random_device rd;
  auto prefix = "bench-mixed-" + std::to_string(rd() % 1000000) + "-";

  // The other tenant's browser: its page and its status call, each at 10/s on one keep-alive connection.
  auto host = "127.0.0.1:" + std::to_string(s.server_port());
  auto cookie = "nexsync_session=" + other.session;
  auto browser = [host, cookie](const std::string& target) -> make_request {
    return [host, cookie, target](std::uint64_t, request_t& req) {
      req.method(boost::beast::http::verb::get);
      req.target(target);
      req.set(boost::beast::http::field::host, host);
      req.set(boost::beast::http::field::cookie, cookie);
    };
  };
  auto page_maker = browser("/integrations");
  auto status_maker = browser("/api/integrations/shopify/status");
  auto flood_maker = webhook_maker(ring, prefix, s.server_port());

  // Baseline: the other tenant's latencies on a quiet server.
  load_options quiet{s.server_port(), 1, 10, 3, 0, std::chrono::seconds(30), {}};
  auto quiet_page = run_load(quiet, page_maker);
  auto quiet_status = run_load(quiet, status_maker);

  // The import starts; the flood and the browser run while it does (at most --seconds), so every figure
  // of the window is taken during the import. A tiny import (the smoke) still gets a second of load.
  std::atomic<bool> imported{false};
  auto import_future = std::async(std::launch::async, [&s, &importer, &imported]() {
    auto r = click_sync(s, importer, "products", 3600);
    imported = true;
    return r;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto window_start = std::chrono::steady_clock::now();
  auto import_done = [&imported, window_start] {
    return imported && std::chrono::steady_clock::now() - window_start >= std::chrono::seconds(1);
  };
  load_options flood{s.server_port(), o.connections, o.webhook_rate, o.seconds, 0, std::chrono::seconds(30), import_done};
  load_options look{s.server_port(), 1, 10, o.seconds, 0, std::chrono::seconds(30), import_done};
  auto flood_future = std::async(std::launch::async, [&flood, &flood_maker]() { return run_load(flood, flood_maker); });
  auto page_future = std::async(std::launch::async, [&look, &page_maker]() { return run_load(look, page_maker); });
  auto status_future = std::async(std::launch::async, [&look, &status_maker]() { return run_load(look, status_maker); });
  auto flood_r = flood_future.get();
  auto page_r = page_future.get();
  auto status_r = status_future.get();
  auto import_r = import_future.get();
  const double window_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - window_start).count();
  bool outlasted = import_r.seconds >= o.seconds;  // the import went on after the window's upper bound

  table t{{"what", "requests", "2xx", "non-2xx", "errors", "rate/s", "p50 ms", "p99 ms", "max ms"}};
  auto row = [&t](const std::string& name, load_result& r) {
    t.add({name, std::to_string(r.sent), std::to_string(r.ok), std::to_string(r.non_2xx), std::to_string(r.errors), fmt(r.ok_per_s()),
           fmt(r.all.percentile_ms(50), 2), fmt(r.all.percentile_ms(99), 2), fmt(r.all.max_ms(), 2)});
  };
  row("quiet: other tenant's /integrations", quiet_page);
  row("quiet: other tenant's status", quiet_status);
  row("webhook flood", flood_r);
  row("loaded: other tenant's /integrations", page_r);
  row("loaded: other tenant's status", status_r);
  out << "mixed: tenant A imports " << o.products << " x " << o.variants_per_product << " variants (budget lifted) while "
      << fmt(o.webhook_rate) << " webhooks/s flood during it (at most " << fmt(o.seconds) << " s); PostgreSQL: " << s.db().describe() << "\n"
      << t.render() << "import: synced " << import_r.synced << ", skipped " << import_r.skipped << " in " << fmt(import_r.seconds, 1)
      << " s" << (import_r.error.empty() ? "" : " (error: " + import_r.error + ")")
      << "; the window: " << fmt(window_s, 1) << " s"
      << (outlasted ? " (--seconds; the import went on after it)" : " (the import's time, at least a second)") << "\n";
  double p99 = std::max(page_r.all.percentile_ms(99), status_r.all.percentile_ms(99));
  out << "target: other tenant's p99 (page and status): " << fmt(p99, 2) << " ms / <= 50 ms (" << verdict(p99 <= 50) << ")\n";
  bool ok = import_r.ok() && page_r.errors == 0 && status_r.errors == 0 && page_r.non_2xx == 0 && status_r.non_2xx == 0;
  auto j = [](load_result& r) {
    return boost::json::object{{"sent", r.sent}, {"ok", r.ok}, {"non_2xx", r.non_2xx}, {"errors", r.errors},
                               {"per_s", r.ok_per_s()}, {"latency", r.all.summary()}};
  };
  out << s.statements_report();
  return boost::json::object{{"scenario", "mixed"}, {"ok", ok}, {"database", s.db().describe()}, {"products", o.products},
                             {"import_seconds", import_r.seconds}, {"import_synced", import_r.synced}, {"import_error", import_r.error},
                             {"window_seconds", window_s}, {"import_outlasted_window", outlasted}, {"webhooks", j(flood_r)}, {"quiet_page", j(quiet_page)},
                             {"quiet_status", j(quiet_status)}, {"page", j(page_r)}, {"status", j(status_r)}, {"other_p99_ms", p99}};
}

}  // namespace nexsync::bench
