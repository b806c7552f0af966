// bulk-vs-paged: Import Products of one catalog on a shop of the given plan (Standard: 100 points/s),
// once through a bulk operation and once page by page, each on a fresh stack (database, simulator,
// server) whose NEXSYNC_BULK_IMPORT_MIN_PRODUCTS forces the way. Wall time from the click to the run's
// end. The paged import is bound by the shop's restore rate, so it may run on a smaller catalog
// (--paged-products) and is then projected to the full one (cost scaled linearly, the same share of the
// budget used); the budget's own minimum for the full catalog is printed beside it. The simulator's own share of the bulk run (running the export and
// serving its file) is measured separately on the same shop, by starting an identical export with a
// token of the bench's own and polling it every 10 ms.

#include "bench/flows.hpp"
#include "bench/report.hpp"
#include "bench/scenarios.hpp"

#include "shopify/documents.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <thread>

namespace nexsync::bench {

namespace {

struct way_figures {
  std::string shop;
  int products = 0;
  click_result click;
  shop_stats before, after;
  double server_cpu = 0, sim_cpu = 0, pg_cpu = 0;
};

// Connects a tenant to a new shop of o's plan with `products` products and clicks Import Products.
way_figures import_once(const stack_options& base, const bulk_options& o, bool bulk, int products, std::ostream& out) {
  stack_options so = base;
  so.server_env["NEXSYNC_BULK_IMPORT_MIN_PRODUCTS"] = bulk ? "1" : "0";
  stack s{so};
  s.start_database();
  s.start_sim();
  s.start_server();
  auto tenants = s.add_tenants(bulk ? "bulk" : "paged", 1);
  way_figures f;
  f.shop = s.shop_name(bulk ? "bench-bulk" : "bench-paged");
  f.products = products;
  s.create_shop(boost::json::object{{"name", f.shop}, {"plan", o.plan}, {"products", products},
                                    {"variants_per_product", o.variants_per_product}, {"no_sku_share", 0.02},
                                    {"duplicate_sku_share", 0.01}, {"customers", 0}, {"orders", 0}, {"locations", 1}});
  if (bulk && o.bulk_ms > 0)
    s.sim_control("PUT", "/_sim/shops/" + f.shop + "/faults", boost::json::serialize(boost::json::object{{"bulk_duration_ms", o.bulk_ms}}));
  s.connect(tenants[0], f.shop);
  // A freshly connected shop's bucket is full again before the click (connect spent a few points).
  std::this_thread::sleep_for(std::chrono::seconds(1));
  reset_shop_stats(s, f.shop);
  f.before = read_shop_stats(s, f.shop);
  auto server0 = s.server_cpu();
  auto sim0 = s.sim_cpu();
  auto pg0 = s.db().cpu_seconds();
  f.click = click_sync(s, tenants[0], "products", o.timeout_s);
  f.server_cpu = s.server_cpu() - server0;
  f.sim_cpu = s.sim_cpu() - sim0;
  f.pg_cpu = s.db().cpu_seconds() - pg0;
  f.after = read_shop_stats(s, f.shop);
  if (bulk) {
    // The simulator's own share: the same export started directly, polled every 10 ms, its file fetched.
    auto token_reply = parse_json(s.sim_control("POST", "/_sim/shops/" + f.shop + "/tokens", "{}").body);
    std::string token{token_reply.at("access_token").as_string()};
    auto sim = s.sim_client();
    auto graphql = [&](const std::string& query, const boost::json::object& vars) {
      auto body = boost::json::serialize(boost::json::object{{"query", query}, {"variables", vars}});
      auto r = sim.request("POST", "/shops/" + f.shop + "/admin/api/2026-10/graphql.json", body,
                           {{"Content-Type", "application/json"}, {"X-Shopify-Access-Token", token}});
      return parse_json(r.body);
    };
    auto t0 = std::chrono::steady_clock::now();
    auto started = graphql(std::string{shopify::bulk_operation_run_query.text},
                           boost::json::object{{"query", shopify::bulk_products_query("")}});
    std::string id{started.at_pointer("/data/bulkOperationRunQuery/bulkOperation/id").as_string()};
    std::string url;
    for (;;) {
      auto st = graphql(std::string{shopify::bulk_operation_status.text}, boost::json::object{{"id", id}});
      auto status = st.at_pointer("/data/bulkOperation/status").as_string();
      if (status == "COMPLETED") {
        url = std::string{st.at_pointer("/data/bulkOperation/url").as_string()};
        break;
      }
      if (status != "CREATED" && status != "RUNNING") throw std::runtime_error("the bench's own export ended " + std::string{status});
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    auto exported = std::chrono::steady_clock::now();
    auto sim_base = "http://127.0.0.1:" + std::to_string(s.sim_port());
    auto file = sim.request("GET", url.substr(sim_base.size()), {}, {}, std::chrono::seconds(600));
    auto fetched = std::chrono::steady_clock::now();
    if (file.status != 200) throw std::runtime_error("the bench's own export download answered " + std::to_string(file.status));
    double export_s = std::chrono::duration<double>(exported - t0).count();
    double fetch_s = std::chrono::duration<double>(fetched - exported).count();
    out << "simulator's own bulk time (same export, polled every 10 ms): export " << fmt(export_s, 2) << " s, file of "
        << fmt(static_cast<double>(file.body.size()) / 1e6, 1) << " MB served in " << fmt(fetch_s, 2) << " s\n";
    f.click.body["sim_export_s"] = export_s;
    f.click.body["sim_fetch_s"] = fetch_s;
    f.click.body["file_bytes"] = static_cast<std::int64_t>(file.body.size());
  }
  return f;
}

double number_of(const boost::json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_number() ? v->to_number<double>() : 0;
}

}  // namespace

boost::json::object run_bulk_vs_paged(const stack_options& so, const bulk_options& o, std::ostream& out) {
  const int paged_products = o.paged_products > 0 ? o.paged_products : o.products;
  out << "bulk-vs-paged: " << o.products << " products x " << o.variants_per_product << " variants, plan " << o.plan
      << "; paged run on " << paged_products << " products\n";
  auto bulk = import_once(so, o, true, o.products, out);
  auto paged = import_once(so, o, false, paged_products, out);

  const double scale = static_cast<double>(o.products) / paged_products;
  // The budget's floor of a catalog: its cost beyond the bucket at the click, at the restore rate. The
  // paged run's share of it (budget use) carries over to the full catalog, whose cost scales linearly
  // (a page per 20 products); a plain linear projection of the time would also scale the bucket's burst.
  auto floor_of = [&paged](double cost) {
    return paged.before.restore_rate > 0 ? std::max(0.0, cost - paged.before.available) / paged.before.restore_rate : 0;
  };
  const double measured_floor_s = floor_of(static_cast<double>(paged.after.cost_used));
  const double budget_use = measured_floor_s > 0 && paged.click.seconds > 0 ? measured_floor_s / paged.click.seconds : 0;
  const double floor_s = floor_of(static_cast<double>(paged.after.cost_used) * scale);
  // A paged run the bucket paid for entirely has no budget use to carry over: then only the floor is known.
  const double projected_s = budget_use > 0 ? floor_s / budget_use : floor_s;
  const double sim_own_s = number_of(bulk.click.body, "sim_export_s") + number_of(bulk.click.body, "sim_fetch_s");

  table tb{{"way", "products", "variants (synced + skipped)", "seconds", "variants/s", "Shopify calls", "cost points", "THROTTLED",
            "CPU s server / sim / pg"}};
  auto row = [&tb](const char* way, const way_figures& f) {
    auto variants = f.click.synced + f.click.skipped;
    tb.add({way, std::to_string(f.products), std::to_string(f.click.synced) + " + " + std::to_string(f.click.skipped),
            fmt(f.click.seconds, 1), fmt(f.click.seconds > 0 ? variants / f.click.seconds : 0), std::to_string(f.after.calls),
            std::to_string(f.after.cost_used), std::to_string(f.after.throttled),
            fmt(f.server_cpu, 1) + " / " + fmt(f.sim_cpu, 1) + " / " + fmt(f.pg_cpu, 1)});
  };
  row("bulk operation", bulk);
  row("paged", paged);
  out << tb.render();
  out << "paged: budget use " << fmt(budget_use, 3) << " (the budget's floor " << fmt(measured_floor_s, 1) << " s of "
      << fmt(paged.click.seconds, 1) << " s)\n";
  if (paged_products != o.products && budget_use > 0)
    out << "paged, projected to " << o.products << " products (cost x" << fmt(scale, 2) << ", same budget use): "
        << fmt(projected_s, 0) << " s = " << fmt(projected_s / 60, 1) << " min; the budget's floor for that catalog: "
        << fmt(floor_s, 0) << " s\n";
  else if (paged_products != o.products)
    out << "paged, " << o.products << " products: at least the budget's floor, " << fmt(floor_s, 0) << " s = "
        << fmt(floor_s / 60, 1) << " min (the paged run fit in the bucket, so no budget use to project with)\n";
  out << "bulk: " << fmt(bulk.click.seconds, 1) << " s from click to run end, of which the simulator's own export and file: "
      << fmt(sim_own_s, 1) << " s; nexsync's part " << fmt(bulk.click.seconds - sim_own_s, 1) << " s / < 60 s ("
      << verdict(bulk.click.seconds - sim_own_s < 60) << ")\n";
  if (!bulk.click.error.empty()) out << "bulk error: " << bulk.click.error << "\n";
  if (!paged.click.error.empty()) out << "paged error: " << paged.click.error << "\n";

  bool ok = bulk.click.ok() && paged.click.ok() && bulk.click.synced > 0 && bulk.after.throttled == 0 && paged.after.throttled == 0;
  if (paged_products == o.products) {
    // The same catalog both ways: the same counts.
    bool same = bulk.click.synced == paged.click.synced && bulk.click.skipped == paged.click.skipped;
    out << "same counts both ways: " << (same ? "yes" : "NO") << "\n";
    ok = ok && same;
  }
  return boost::json::object{{"scenario", "bulk-vs-paged"}, {"ok", ok}, {"plan", o.plan}, {"products", o.products},
                             {"variants_per_product", o.variants_per_product}, {"paged_products", paged_products},
                             {"bulk_seconds", bulk.click.seconds}, {"bulk_synced", bulk.click.synced}, {"bulk_skipped", bulk.click.skipped},
                             {"bulk_calls", bulk.after.calls}, {"bulk_server_cpu_s", bulk.server_cpu}, {"bulk_sim_cpu_s", bulk.sim_cpu},
                             {"bulk_postgres_cpu_s", bulk.pg_cpu}, {"sim_export_s", number_of(bulk.click.body, "sim_export_s")},
                             {"sim_fetch_s", number_of(bulk.click.body, "sim_fetch_s")},
                             {"file_bytes", number_of(bulk.click.body, "file_bytes")}, {"bulk_error", bulk.click.error},
                             {"paged_seconds", paged.click.seconds}, {"paged_synced", paged.click.synced},
                             {"paged_skipped", paged.click.skipped}, {"paged_calls", paged.after.calls},
                             {"paged_cost_used", paged.after.cost_used}, {"paged_throttled", paged.after.throttled},
                             {"paged_restore_rate", paged.before.restore_rate}, {"paged_budget_use", budget_use},
                             {"paged_projected_seconds", projected_s},
                             {"paged_floor_seconds", floor_s}, {"paged_error", paged.click.error}};
}

}  // namespace nexsync::bench
