// idle-tenants: N shops connected through OAuth; the server's resident memory with every shop's
// connection actor live (touched by a status call), and the latency of a cold shop's first click
// (the first status call, which spawns its connection) next to a warm one.

#include "bench/flows.hpp"
#include "bench/report.hpp"
#include "bench/scenarios.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <functional>
#include <mutex>
#include <fstream>
#include <thread>

namespace nexsync::bench {

namespace {

using clock = std::chrono::steady_clock;

// Runs f(i) for i in [0, n) on `threads` threads; returns the first error's text (empty: none).
std::string parallel(int n, int threads, const std::function<void(int)>& f) {
  std::atomic<int> next{0};
  std::mutex m;
  std::string error;
  std::vector<std::thread> pool;
  for (int k = 0; k < threads; ++k) {
    pool.emplace_back([&]() {
      for (int i = next++; i < n; i = next++) {
        try {
          f(i);
        } catch (const std::exception& e) {
          std::lock_guard lock{m};
          if (error.empty()) error = e.what();
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  return error;
}

}  // namespace

boost::json::object run_idle_tenants(const stack_options& so, const idle_options& o, std::ostream& out) {
  stack s{so};
  auto seed = s.scratch() + "/idle-seed.json";
  {
    std::ofstream f{seed};
    f << boost::json::serialize(boost::json::object{
        {"shops", boost::json::array{boost::json::object{{"name", "bench-idle-{n}"}, {"count", o.tenants}, {"plan", "standard"},
                                                         {"products", 2}, {"variants_per_product", 1}, {"customers", 1},
                                                         {"orders", 0}, {"locations", 1}}}}});
  }
  s.options().sim_args.push_back("--seed-file");
  s.options().sim_args.push_back(seed);
  s.start_database();
  s.start_sim();
  s.start_server();
  // A given simulator gets its shops through the control API instead of the seed file.
  auto shop_of = [&s](int i) { return s.shop_name("bench-idle-" + std::to_string(i + 1)); };
  if (s.given_sim()) {
    for (int i = 0; i < o.tenants; ++i)
      s.create_shop(boost::json::object{{"name", shop_of(i)}, {"plan", "standard"}, {"products", 2}, {"variants_per_product", 1},
                                        {"customers", 1}, {"orders", 0}, {"locations", 1}});
  }
  auto tenants = s.add_tenants("idle", o.tenants);
  auto rss_start = s.server_rss();
  auto t0 = clock::now();
  auto error = parallel(o.tenants, o.connect_threads,
                        [&](int i) { s.connect(tenants[static_cast<std::size_t>(i)], shop_of(i)); });
  if (!error.empty()) throw std::runtime_error("connecting the idle shops: " + error);
  double connect_s = std::chrono::duration<double>(clock::now() - t0).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto rss_connected = s.server_rss();

  // Cold first clicks on shops never touched, then the same shops warm.
  auto status_once = [&s](const tenant& t) {
    auto c = s.client_of(t);
    auto a = clock::now();
    auto r = c.get("/api/integrations/shopify/status");
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - a).count();
    if (r.status != 200 || r.body.find("\"connected\":true") == std::string::npos)
      throw std::runtime_error("status answered " + std::to_string(r.status) + ": " + r.body.substr(0, 200));
    return static_cast<std::uint32_t>(us);
  };
  int clicks = std::min(o.clicks, o.tenants);
  latencies cold, warm;
  for (int i = 0; i < clicks; ++i) cold.add(status_once(tenants[static_cast<std::size_t>(o.tenants - 1 - i)]));
  for (int i = 0; i < clicks; ++i) warm.add(status_once(tenants[static_cast<std::size_t>(o.tenants - 1 - i)]));
  // A cold Sync click proper: Push Inventory on shops never touched (their tenants hold no items, so the
  // run is the click's own cost: session, integration, connection spawn, run record, answer). As many
  // as the status clicks, on other shops: with 50, the p99 was the slowest click alone.
  int sync_clicks = std::max(0, std::min(clicks, o.tenants - clicks));
  latencies cold_sync;
  std::string sync_error;
  s.reset_statements();  // --pg-statements reports the Push clicks' statements alone
  for (int i = 0; i < sync_clicks; ++i) {
    auto r = click_sync(s, tenants[static_cast<std::size_t>(o.tenants - 1 - clicks - i)], "inventory", 60);
    cold_sync.add(static_cast<std::uint32_t>(r.seconds * 1e6));
    if (!r.ok() && sync_error.empty()) sync_error = r.error;
  }
  auto push_statements = s.statements_report(12);

  // Every shop's connection live.
  t0 = clock::now();
  error = parallel(o.tenants, 4, [&](int i) { status_once(tenants[static_cast<std::size_t>(i)]); });
  if (!error.empty()) throw std::runtime_error("touching the idle shops: " + error);
  double touch_s = std::chrono::duration<double>(clock::now() - t0).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto rss_live = s.server_rss();
  double mb = 1024.0 * 1024.0;
  double per_conn = o.tenants > 0 ? static_cast<double>(rss_live - rss_connected) / o.tenants : 0;

  table t{{"what", "value"}};
  t.add({"shops connected (OAuth)", std::to_string(o.tenants) + " in " + fmt(connect_s, 1) + " s"});
  t.add({"server RSS at start", fmt(rss_start / mb, 1) + " MB"});
  t.add({"server RSS, all connected, connections idle", fmt(rss_connected / mb, 1) + " MB"});
  t.add({"server RSS, every connection live", fmt(rss_live / mb, 1) + " MB (" + fmt(per_conn / 1024, 2) + " KB per live connection)"});
  t.add({"touching all (status calls)", fmt(touch_s, 1) + " s"});
  t.add({"cold first click (status) p50 / p99 / max", fmt(cold.percentile_ms(50), 2) + " / " + fmt(cold.percentile_ms(99), 2) + " / " +
                                                       fmt(cold.max_ms(), 2) + " ms (n=" + std::to_string(clicks) + ")"});
  t.add({"cold Push Inventory click (no items) p50 / p99 / max",
         fmt(cold_sync.percentile_ms(50), 2) + " / " + fmt(cold_sync.percentile_ms(99), 2) + " / " + fmt(cold_sync.max_ms(), 2) +
             " ms (n=" + std::to_string(sync_clicks) + ")" + (sync_error.empty() ? "" : "; error: " + sync_error)});
  t.add({"warm click (status) p50 / p99 / max",
         fmt(warm.percentile_ms(50), 2) + " / " + fmt(warm.percentile_ms(99), 2) + " / " + fmt(warm.max_ms(), 2) + " ms"});
  out << "idle-tenants: " << o.tenants << " connected shops; PostgreSQL: " << s.db().describe() << "\n" << t.render();
  double live_mb = rss_live / mb;
  out << "target: RSS with " << o.tenants << " live connections: " << fmt(live_mb, 1) << " MB / <= 200 MB for 10k ("
      << (o.tenants >= 10000 ? verdict(live_mb <= 200) : "n/a below 10k") << ")\n";
  out << "target: cold first click p99: status " << fmt(cold.percentile_ms(99), 2) << " ms, Push Inventory "
      << fmt(cold_sync.percentile_ms(99), 2) << " ms / <= 5 ms (" << verdict(cold.percentile_ms(99) <= 5) << ", "
      << verdict(cold_sync.percentile_ms(99) <= 5) << ")\n";
  if (!push_statements.empty()) out << "during the cold Push Inventory clicks, " << push_statements;
  return boost::json::object{{"scenario", "idle-tenants"}, {"ok", sync_error.empty()}, {"database", s.db().describe()}, {"tenants", o.tenants},
                             {"connect_seconds", connect_s}, {"rss_start_bytes", rss_start}, {"rss_connected_bytes", rss_connected},
                             {"rss_live_bytes", rss_live}, {"bytes_per_live_connection", per_conn}, {"cold_click", cold.summary()},
                             {"warm_click", warm.summary()}, {"cold_sync_click", cold_sync.summary()}, {"cold_sync_error", sync_error}};
}

}  // namespace nexsync::bench
