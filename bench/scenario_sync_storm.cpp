// sync-storm: T tenants connected to simulator shops of mixed plans and catalog sizes click Import
// Products at the same moment. Per shop: elapsed against the minimum the restore rate allows
// (budget use = minimum / elapsed), THROTTLED answers the simulator counted, Jain's fairness index
// over budget use, variants/s. Then Push Inventory after K stock changes: mutation calls must be
// ceil(K / 250), and a second push sends none.

#include "bench/flows.hpp"
#include "bench/report.hpp"
#include "bench/scenarios.hpp"

#include "storage/pg.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <cmath>
#include <future>
#include <thread>

namespace nexsync::bench {

namespace {

struct shop_plan {
  std::string shop, plan;
  int products = 0;
  double restore = 0, bucket = 0;  // as configured (after restore_scale)
};

double plan_restore(const std::string& plan) {
  if (plan == "advanced") return 200;
  if (plan == "plus") return 1000;
  if (plan == "enterprise") return 2000;
  return 100;
}

struct import_figures {
  shop_plan plan;
  click_result click;
  shop_stats before, after;
  double minimum_s = 0, budget_use = 0;
};

// The run's minimum: what the restore rate must refill beyond what the bucket held at the click.
void derive(import_figures& f) {
  double beyond = static_cast<double>(f.after.cost_used) - f.before.available;
  f.minimum_s = beyond > 0 && f.before.restore_rate > 0 ? beyond / f.before.restore_rate : 0;
  f.budget_use = f.minimum_s > 0 && f.click.seconds > 0 ? f.minimum_s / f.click.seconds : 0;
}

std::string encode_path(const std::string& s) { return http_client::encode(s); }

}  // namespace

boost::json::object run_sync_storm(const stack_options& so, const storm_options& o, std::ostream& out) {
  stack s{so};
  s.start_database();
  s.start_sim();
  s.start_server();
  static const char* const plans[] = {"standard", "advanced", "plus"};
  // Catalogs sized so the plans' minimum times are alike (products × ~10 points / restore rate), and
  // each repetition of the plan cycle doubles the catalog: mixed sizes within a plan too.
  auto make_plan = [&o](int i, const std::string& name) {
    shop_plan p;
    p.shop = name;
    p.plan = plans[i % 3];
    int base = p.plan == "standard" ? 400 : p.plan == "advanced" ? 800 : 4000;
    p.products = std::max(2, static_cast<int>(std::lround(base * (1 + i / 3) * o.scale)));
    p.restore = plan_restore(p.plan) * o.restore_scale;
    p.bucket = plan_restore(p.plan) * 20 * o.restore_scale;
    return p;
  };
  auto create = [&s, &o](const shop_plan& p) {
    s.create_shop(boost::json::object{{"name", p.shop}, {"plan", p.plan}, {"products", p.products}, {"variants_per_product", 3},
                                      {"no_sku_share", 0.02}, {"duplicate_sku_share", 0.01}, {"customers", 5}, {"orders", 0},
                                      {"locations", 1}});
    if (o.restore_scale != 1)
      s.sim_control("PUT", "/_sim/shops/" + p.shop + "/faults",
                    boost::json::serialize(boost::json::object{{"restore_rate", p.restore}, {"bucket_size", p.bucket}}));
  };
  std::vector<shop_plan> shop_plans;
  for (int i = 0; i < o.tenants; ++i) shop_plans.push_back(make_plan(i, s.shop_name("bench-storm-" + std::to_string(i))));
  shop_plan solo_plan = make_plan(0, s.shop_name("bench-solo"));
  auto tenants = s.add_tenants("storm", o.tenants + 1);
  for (int i = 0; i < o.tenants; ++i) {
    create(shop_plans[static_cast<std::size_t>(i)]);
    s.connect(tenants[static_cast<std::size_t>(i)], shop_plans[static_cast<std::size_t>(i)].shop);
  }
  create(solo_plan);
  auto& solo_tenant = tenants.back();
  s.connect(solo_tenant, solo_plan.shop);
  // Let the buckets refill after the connect calls.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));

  auto import_one = [&s, &o](const tenant& t, const shop_plan& p) {
    import_figures f;
    f.plan = p;
    reset_shop_stats(s, p.shop);
    f.before = read_shop_stats(s, p.shop);
    f.click = click_sync(s, t, "products", o.timeout_s);
    f.after = read_shop_stats(s, p.shop);
    derive(f);
    return f;
  };

  // 1. One shop alone (the single-shop budget use).
  auto solo = import_one(solo_tenant, solo_plan);

  // 2. The storm: every tenant clicks at once.
  std::vector<std::future<import_figures>> futures;
  auto storm0 = std::chrono::steady_clock::now();
  for (int i = 0; i < o.tenants; ++i) {
    auto& t = tenants[static_cast<std::size_t>(i)];
    auto& p = shop_plans[static_cast<std::size_t>(i)];
    futures.push_back(std::async(std::launch::async, [&import_one, &t, &p]() { return import_one(t, p); }));
  }
  // Meanwhile the page's poll: each tenant's status call in turn, 20 a second, until every click returned.
  std::atomic<bool> storm_done{false};
  latencies status_lat;
  std::int64_t busy_seen = 0, status_errors = 0;
  std::thread poller([&]() {
    for (std::size_t k = 0; !storm_done; ++k) {
      auto& t = tenants[k % static_cast<std::size_t>(o.tenants)];
      try {
        auto c = s.client_of(t);
        auto a = std::chrono::steady_clock::now();
        auto r = c.get("/api/integrations/shopify/status");
        status_lat.add(static_cast<std::uint32_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - a).count()));
        if (r.status != 200) ++status_errors;
        else if (r.body.find("\"busy\":true") != std::string::npos) ++busy_seen;
      } catch (const std::exception&) {
        ++status_errors;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  std::vector<import_figures> storm;
  for (auto& f : futures) storm.push_back(f.get());
  storm_done = true;
  poller.join();
  double storm_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - storm0).count();

  table t{{"shop", "plan", "products", "restore/s", "synced", "skipped", "calls", "THROTTLED", "cost", "minimum s", "elapsed s",
           "budget use", "variants/s", "error"}};
  boost::json::array shops_json;
  std::vector<double> uses;
  std::int64_t throttled = 0, synced = 0;
  bool ok = true;
  double min_use = 1;
  auto add_row = [&t, &shops_json](const std::string& label, const import_figures& f) {
    t.add({label, f.plan.plan, std::to_string(f.plan.products), fmt(f.before.restore_rate), std::to_string(f.click.synced),
           std::to_string(f.click.skipped), std::to_string(f.after.calls), std::to_string(f.after.throttled),
           std::to_string(f.after.cost_used), fmt(f.minimum_s, 1), fmt(f.click.seconds, 1),
           f.minimum_s > 0 ? fmt(f.budget_use, 3) : "n/a (fits the bucket)",
           fmt(f.click.seconds > 0 ? static_cast<double>(f.click.synced + f.click.skipped) / f.click.seconds : 0), f.click.error});
    shops_json.push_back(boost::json::object{
        {"shop", f.plan.shop}, {"label", label}, {"plan", f.plan.plan}, {"products", f.plan.products},
        {"restore_rate", f.before.restore_rate}, {"bucket_at_click", f.before.available}, {"synced", f.click.synced},
        {"skipped", f.click.skipped}, {"failed", f.click.failed}, {"calls", f.after.calls}, {"throttled", f.after.throttled},
        {"cost_used", f.after.cost_used}, {"minimum_s", f.minimum_s}, {"elapsed_s", f.click.seconds},
        {"budget_use", f.budget_use}, {"error", f.click.error}});
  };
  add_row("solo", solo);
  if (!solo.click.ok()) ok = false;
  for (auto& f : storm) {
    add_row("storm", f);
    if (!f.click.ok()) ok = false;
    throttled += f.after.throttled;
    synced += f.click.synced + f.click.skipped;
    if (f.minimum_s > 0) {
      uses.push_back(f.budget_use);
      min_use = std::min(min_use, f.budget_use);
    }
  }
  double fairness = jain_index(uses);
  out << "sync-storm: " << o.tenants << " tenants click Import Products at once (plus one shop alone first); PostgreSQL: "
      << s.db().describe() << "\n"
      << t.render();
  out << "storm: " << synced << " variants (synced + skipped) in " << fmt(storm_s, 1) << " s = " << fmt(synced / storm_s) << " variants/s\n";
  out << "status polls during the storm: " << status_lat.count() << " (busy " << busy_seen << ", errors " << status_errors << "), p50 "
      << fmt(status_lat.percentile_ms(50), 2) << " ms, p99 " << fmt(status_lat.percentile_ms(99), 2) << " ms, max " << fmt(status_lat.max_ms(), 2)
      << " ms\n";
  if (status_errors) ok = false;
  out << "target: every shop's budget use: min " << fmt(uses.empty() ? 0 : min_use, 3) << " / >= 0.90 ("
      << (uses.empty() ? "n/a" : verdict(min_use >= 0.90)) << ")\n";
  out << "target: single shop's budget use: " << fmt(solo.budget_use, 3) << " / >= 0.95 ("
      << (solo.minimum_s > 0 ? verdict(solo.budget_use >= 0.95) : "n/a") << ")\n";
  out << "target: THROTTLED: " << throttled + solo.after.throttled << " / 0 (" << verdict(throttled + solo.after.throttled == 0) << ")\n";
  out << "target: Jain's fairness over budget use: " << fmt(fairness, 4) << " / >= 0.99 (" << (uses.size() > 1 ? verdict(fairness >= 0.99) : "n/a") << ")\n";

  // 3. Push Inventory: K stock changes in nexsync, then one push; then a second one.
  boost::json::object push_json;
  if (o.push_changes > 0) {
    auto& pt = tenants[0];
    auto& pp = shop_plans[0];
    storage::connection c{s.database_url()};
    auto skus = c.exec("SELECT sku FROM inventory_items WHERE tenant_id = $1 ORDER BY sku LIMIT $2",
                       storage::params{pt.id, static_cast<std::int64_t>(o.push_changes)});
    auto app = s.client_of(pt);
    int changed = 0;
    for (int i = 0; i < skus.rows(); ++i) {
      auto res = app.request("POST", "/api/inventory/" + encode_path(skus.get(i, 0)) + "/adjust", R"({"delta": 1, "note": "bench push"})",
                             {{"Content-Type", "application/json"}, {"X-CSRF-Token", pt.csrf}});
      if (res.status == 200) ++changed;
      else throw std::runtime_error("adjust " + skus.get(i, 0) + " answered " + std::to_string(res.status) + ": " + res.body);
    }
    auto push_once = [&s, &pt, &pp, &o]() {
      reset_shop_stats(s, pp.shop);
      auto click = click_sync(s, pt, "inventory", o.timeout_s);
      auto st = read_shop_stats(s, pp.shop);
      auto items = click.synced + click.skipped + click.failed;
      auto reads = (items + 249) / 250;  // one inventory-levels read per 250 items
      return std::make_tuple(click, st, st.calls - reads);
    };
    auto [first, first_stats, first_mutations] = push_once();
    auto [second, second_stats, second_mutations] = push_once();
    std::int64_t expected = (changed + 249) / 250;
    out << "push: " << changed << " items changed; push 1: synced " << first.synced << ", skipped " << first.skipped << ", calls "
        << first_stats.calls << " (" << first_mutations << " inventorySetQuantities + " << first_stats.calls - first_mutations
        << " level reads), THROTTLED " << first_stats.throttled << "; push 2: synced " << second.synced << ", mutations "
        << second_mutations << "\n";
    out << "target: push calls = ceil(changed/250): " << first_mutations << " / " << expected << " ("
        << verdict(first_mutations == expected && first.synced == changed) << "); second push sends " << second_mutations << " / 0 ("
        << verdict(second_mutations == 0) << ")\n";
    if (!first.ok() || !second.ok()) ok = false;
    push_json = boost::json::object{{"changed", changed}, {"synced", first.synced}, {"skipped", first.skipped},
                                    {"calls", first_stats.calls}, {"mutation_calls", first_mutations}, {"expected_mutation_calls", expected},
                                    {"throttled", first_stats.throttled}, {"second_synced", second.synced},
                                    {"second_mutation_calls", second_mutations}, {"seconds", first.seconds}};
  }
  out << s.statements_report();
  return boost::json::object{{"scenario", "sync-storm"}, {"ok", ok}, {"database", s.db().describe()}, {"tenants", o.tenants},
                             {"shops", shops_json}, {"storm_seconds", storm_s}, {"storm_variants_per_s", synced / storm_s},
                             {"min_budget_use", uses.empty() ? 0.0 : min_use}, {"solo_budget_use", solo.budget_use},
                             {"throttled", throttled + solo.after.throttled}, {"fairness", fairness}, {"push", push_json},
                             {"status_during_storm", status_lat.summary()}, {"status_busy_seen", busy_seen}, {"status_errors", status_errors}};
}

}  // namespace nexsync::bench
