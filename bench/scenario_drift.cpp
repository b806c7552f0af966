// drift: every webhook of a shop is lost (the simulator drops them all) while paid orders keep coming;
// the incremental sweep must still bring each one in. Per order, the drift is the time from its
// creation in the simulator to its sale in nexsync's database; the sweep's share of the shop's API
// budget is what it cost the shop.

#include "bench/flows.hpp"
#include "bench/report.hpp"
#include "bench/scenarios.hpp"
#include "storage/pg.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

namespace nexsync::bench {

namespace {

double unix_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// When each of the tenant's Shopify orders became a sale (Unix seconds, the server's clock).
std::map<std::string, double> recorded_sales(const std::string& database_url, std::int64_t tenant_id) {
  storage::connection c{database_url};
  auto r = c.exec("SELECT shopify_order_name, extract(epoch FROM recorded_at)::float8 FROM sales"
                  " WHERE tenant_id = $1 AND shopify_order_name IS NOT NULL",
                  storage::params{tenant_id});
  std::map<std::string, double> out;
  for (int i = 0; i < r.rows(); ++i) out[r.get(i, 0)] = std::stod(r.get(i, 1));
  return out;
}

std::int64_t sweeps_run(const std::string& database_url, std::int64_t tenant_id) {
  storage::connection c{database_url};
  return c.exec("SELECT count(*) FROM sync_runs WHERE tenant_id = $1 AND direction IN ('sweep', 'reconcile')",
                storage::params{tenant_id})
      .int64(0, 0);
}

}  // namespace

boost::json::object run_drift(const stack_options& so, const drift_options& o, std::ostream& out) {
  stack s{so};
  s.options().server_env["NEXSYNC_SWEEP_INTERVAL_MINUTES"] = std::to_string(o.sweep_minutes);
  s.start_database();
  s.start_sim();
  s.start_server();
  auto tenants = s.add_tenants("drift", 1);
  auto& t = tenants[0];
  const std::string shop = s.shop_name("bench-drift");
  s.create_shop(boost::json::object{{"name", shop}, {"plan", "standard"}, {"products", 5}, {"variants_per_product", 1},
                                    {"customers", 5}, {"orders", 0}, {"locations", 1}});
  s.connect(t, shop);
  s.sim_control("PUT", "/_sim/shops/" + shop + "/faults", R"({"webhook_drop_rate": 1.0})");
  reset_shop_stats(s, shop);
  const double t0 = unix_seconds();
  const std::int64_t sweeps_before = sweeps_run(s.database_url(), t.id);

  // One paid order every order_every_s for `minutes`; then wait until each is a sale (or settle_s).
  std::map<std::string, double> created;
  std::map<std::string, double> recorded;
  const double window = o.minutes * 60;
  bool cron_called = false;
  int n = 0;
  for (;;) {
    double now = unix_seconds();
    if (now - t0 < window && now - t0 >= n * o.order_every_s) {
      auto r = s.sim_control("POST", "/_sim/shops/" + shop + "/orders", R"({"financial_status": "paid"})");
      auto order = parse_json(r.body);
      created[std::string(order.at("name").as_string())] = unix_seconds();
      ++n;
      continue;
    }
    if (o.cron && now - t0 >= window && !cron_called) {
      auto c = http_client{"127.0.0.1", s.server_port()};
      auto r = c.request("POST", "/api/cron/shopify-reconciliation", {},
                         {{"Authorization", "Bearer bench-cron-secret-0123456789"}});
      if (r.status != 202) throw std::runtime_error("the cron endpoint answered " + std::to_string(r.status) + ": " + r.body);
      cron_called = true;
    }
    recorded = recorded_sales(s.database_url(), t.id);
    bool all_in = now - t0 >= window &&
                  std::all_of(created.begin(), created.end(), [&](auto& c) { return recorded.count(c.first) > 0; });
    if (all_in || now - t0 > window + o.settle_s) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  const double elapsed = unix_seconds() - t0;
  auto stats = read_shop_stats(s, shop);
  auto walks = sweeps_run(s.database_url(), t.id) - sweeps_before;

  latencies drift;
  std::int64_t in = 0;
  for (auto& [name, at] : created) {
    auto it = recorded.find(name);
    if (it == recorded.end()) continue;
    ++in;
    drift.add(static_cast<std::uint32_t>(std::max(0.0, it->second - at) * 1e6));
  }
  const double budget = stats.restore_rate * elapsed;
  const double share = budget > 0 ? static_cast<double>(stats.cost_used) / budget : 0;
  table tb{{"what", "value"}};
  tb.add({"orders created (webhooks dropped: 100%)", std::to_string(created.size())});
  tb.add({"orders recorded as sales", std::to_string(in)});
  tb.add({"drift p50 s", fmt(drift.percentile_ms(50) / 1000, 1)});
  tb.add({"drift max s", fmt(drift.max_ms() / 1000, 1)});
  tb.add({o.cron ? "walks run (cron reconcile)" : "walks run (sweeps)", std::to_string(walks)});
  tb.add({"Shopify calls / cost used", std::to_string(stats.calls) + " / " + std::to_string(stats.cost_used)});
  tb.add({"share of the shop's budget (restore " + fmt(stats.restore_rate) + "/s over " + fmt(elapsed) + " s)",
          fmt(share * 100, 2) + "%"});
  tb.add({"THROTTLED", std::to_string(stats.throttled)});
  out << "drift: one paid order every " << fmt(o.order_every_s) << " s for " << fmt(o.minutes, 1) << " min, every webhook lost; "
      << (o.cron ? "one cron reconcile after the orders" : "sweep every " + std::to_string(o.sweep_minutes) + " min")
      << "; PostgreSQL: " << s.db().describe() << "\n"
      << tb.render();
  bool all = in == static_cast<std::int64_t>(created.size());
  out << "target: every order recorded despite the lost webhooks: " << in << " / " << created.size() << " (" << verdict(all)
      << ")\n";
  if (!o.cron)
    out << "target: sweep budget share: " << fmt(share * 100, 2) << "% / <= 2% (" << verdict(share <= 0.02) << ")\n";
  return boost::json::object{{"scenario", "drift"},      {"ok", all && stats.throttled == 0},
                             {"database", s.db().describe()}, {"orders", static_cast<std::int64_t>(created.size())},
                             {"recorded", in},           {"drift", drift.summary()},
                             {"walks", walks},           {"calls", stats.calls},
                             {"cost_used", stats.cost_used}, {"budget_share", share},
                             {"throttled", stats.throttled}, {"seconds", elapsed},
                             {"sweep_minutes", o.sweep_minutes}, {"cron", o.cron}};
}

}  // namespace nexsync::bench
