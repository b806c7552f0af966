// webhooks: N shops connected through OAuth, signed orders/create deliveries with unique webhook ids
// to POST /api/webhooks/shopify at concurrency C, as fast as acknowledged and then at half that rate;
// afterwards every 2xx webhook id must be in webhook_events exactly once.

#include "bench/flows.hpp"
#include "bench/load.hpp"
#include "bench/orders.hpp"
#include "bench/scenarios.hpp"

#include "storage/pg.hpp"

#include <boost/json.hpp>

#include <random>
#include <set>
#include <thread>
#include <unordered_map>

namespace nexsync::bench {

namespace {

// One pass of the load: what it sent and which ids were acknowledged.
struct pass {
  std::string name;
  std::string prefix;
  load_options load;
  load_result result;
  double server_cpu_s = 0, postgres_cpu_s = 0;
};

}  // namespace

boost::json::object run_webhooks(const stack_options& so, const webhooks_options& o, std::ostream& out) {
  stack s{so};
  s.start_database();
  s.start_sim();
  s.start_server();
  auto tenants = s.add_tenants("wh", o.shops);
  for (int i = 0; i < o.shops; ++i) {
    auto shop = s.shop_name("bench-wh-" + std::to_string(i));
    s.create_shop(boost::json::object{{"name", shop}, {"plan", "standard"}, {"products", 5}, {"customers", 5}, {"orders", 64}});
    s.connect(tenants[static_cast<std::size_t>(i)], shop);
  }
  out << "webhooks: " << o.shops << " shops connected through OAuth; PostgreSQL: " << s.db().describe() << "\n";

  // 1024 signed bodies about the shops' real orders (nexsync re-reads each stored order from the shop);
  // webhook ids are unique per request.
  std::vector<order_ref> orders;
  for (auto& t : tenants) {
    auto some = sim_orders(s, t.shop);
    orders.insert(orders.end(), some.begin(), some.end());
  }
  auto ring = signed_ring(orders, 1024, s.app_secret());
  std::size_t bytes = 0;
  for (auto& b : ring) bytes += b.body.size();
  std::random_device rd;
  auto run_id = std::to_string(rd() % 1000000);

  std::vector<pass> passes;
  auto run_pass = [&](const std::string& name, double rate, double seconds, std::uint64_t max_requests) {
    pass p;
    p.name = name;
    p.prefix = "bench-" + run_id + "-" + name + "-";
    p.load.port = s.server_port();
    p.load.connections = o.connections;
    p.load.rate = rate;
    p.load.seconds = seconds;
    p.load.max_requests = max_requests;
    auto make = webhook_maker(ring, p.prefix, s.server_port());
    auto server0 = s.server_cpu();
    auto pg0 = s.db().cpu_seconds();
    p.result = run_load(p.load, make);
    p.server_cpu_s = s.server_cpu() - server0;
    p.postgres_cpu_s = s.db().cpu_seconds() - pg0;
    passes.push_back(std::move(p));
    return passes.back().result.ok_per_s();
  };

  if (o.warmup_seconds > 0) run_pass("warmup", 0, o.warmup_seconds, 0);
  double max_rate = 0;
  if (o.rate > 0) {
    run_pass("fixed", o.rate, o.seconds, o.max_requests);
  } else {
    max_rate = run_pass("max", 0, o.seconds, o.max_requests);
    if (o.half && max_rate > 0) run_pass("half", max_rate / 2, o.seconds, o.max_requests);
  }
  // Let the server finish anything in flight, then verify against the database.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  storage::connection c{s.database_url()};
  auto rows = c.exec("SELECT webhook_id, count(*) FROM webhook_events WHERE webhook_id LIKE $1 GROUP BY webhook_id",
                     storage::params{"bench-" + run_id + "-%"});
  std::unordered_map<std::string, std::int64_t> stored;
  for (int i = 0; i < rows.rows(); ++i) stored.emplace(rows.get(i, 0), rows.int64(i, 1));
  std::uint64_t acked = 0, missing = 0, duplicated = 0;
  for (auto& p : passes) {
    for (auto seq : p.result.ok_seqs) {
      ++acked;
      auto it = stored.find(p.prefix + std::to_string(seq));
      if (it == stored.end()) ++missing;
      else if (it->second != 1) ++duplicated;
    }
  }
  std::uint64_t found = acked - missing;
  std::uint64_t stored_unacked = stored.size() >= found ? stored.size() - found : 0;
  // The acknowledgement is the target; applying (a Shopify read per unpaid order, paced by each shop's
  // budget) follows behind. How far behind, at the end: events of this run still waiting.
  auto waiting = c.exec("SELECT count(*) FILTER (WHERE status = 'received'), count(*) FROM webhook_events WHERE webhook_id LIKE $1",
                        storage::params{"bench-" + run_id + "-%"});
  std::int64_t still_received = waiting.int64(0, 0), all_stored = waiting.int64(0, 1);

  table t{{"pass", "conns", "rate", "sent", "2xx", "non-2xx", "errors", "ack/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms",
           "server CPU s", "pg CPU s", "bench CPU s"}};
  boost::json::array pj;
  for (auto& p : passes) {
    auto& r = p.result;
    std::string statuses;
    for (auto& [code, n] : r.statuses)
      if (code < 200 || code > 299) statuses += (statuses.empty() ? "" : " ") + std::to_string(code) + "x" + std::to_string(n);
    t.add({p.name, std::to_string(p.load.connections), p.load.rate > 0 ? fmt(p.load.rate) + "/s" : "max", std::to_string(r.sent),
           std::to_string(r.ok), std::to_string(r.non_2xx) + (statuses.empty() ? "" : " (" + statuses + ")"), std::to_string(r.errors),
           fmt(r.ok_per_s()), fmt(r.all.percentile_ms(50), 2), fmt(r.all.percentile_ms(99), 2), fmt(r.all.percentile_ms(99.9), 2),
           fmt(r.all.max_ms(), 2), fmt(p.server_cpu_s, 1), fmt(p.postgres_cpu_s, 1), fmt(r.generator_cpu_s, 1)});
    boost::json::object st;
    for (auto& [code, n] : r.statuses) st[std::to_string(code)] = n;
    pj.push_back(boost::json::object{{"pass", p.name}, {"connections", p.load.connections}, {"rate", p.load.rate},
                                     {"seconds", r.elapsed_s}, {"sent", r.sent}, {"ok", r.ok}, {"non_2xx", r.non_2xx},
                                     {"errors", r.errors}, {"statuses", st}, {"acked_per_s", r.ok_per_s()},
                                     {"latency", r.all.summary()}, {"server_cpu_s", p.server_cpu_s},
                                     {"postgres_cpu_s", p.postgres_cpu_s}, {"bench_cpu_s", r.generator_cpu_s}});
  }
  out << t.render();
  out << "verification: " << acked << " acknowledged ids, " << missing << " missing in webhook_events, " << duplicated
      << " stored more than once, " << stored_unacked << " stored without a 2xx (timeouts/errors)\n";
  out << "apply: " << (all_stored - still_received) << " of " << all_stored
      << " stored events settled by the shops' connections at the end, " << still_received << " still waiting\n";
  const pass* max_pass = nullptr;
  const pass* half_pass = nullptr;
  for (auto& p : passes) {
    if (p.name == "max") max_pass = &p;
    if (p.name == "half") half_pass = &p;
  }
  if (max_pass) {
    double v = max_pass->result.ok_per_s();
    out << "target: acknowledged/s at c=" << o.connections << ": " << fmt(v) << " / >= 10,000 (" << verdict(v >= 10000) << ")\n";
  }
  if (half_pass) {
    auto p99 = const_cast<pass*>(half_pass)->result.all.percentile_ms(99);
    out << "target: p99 at half rate (" << fmt(half_pass->load.rate) << "/s): " << fmt(p99, 2) << " ms / <= 25 ms (" << verdict(p99 <= 25) << ")\n";
  }
  bool ok = missing == 0 && duplicated == 0 && acked > 0;
  out << s.statements_report();
  return boost::json::object{{"scenario", "webhooks"}, {"ok", ok}, {"database", s.db().describe()}, {"shops", o.shops},
                             {"body_bytes", bytes / ring.size()}, {"passes", pj}, {"max_acked_per_s", max_rate},
                             {"verification", boost::json::object{{"acked", acked}, {"missing", missing}, {"duplicated", duplicated},
                                                                  {"stored_without_2xx", stored_unacked}}},
                             {"apply", boost::json::object{{"settled", all_stored - still_received}, {"waiting", still_received}}}};
}

}  // namespace nexsync::bench
