// unthrottled-import: one shop whose budget does not limit (restore rate and bucket lifted through the
// simulator's faults), P products × V variants; Import Products' variants/s into PostgreSQL next to a
// COPY of the very rows it stored (inventory_items and stock_movements into identical tables), measured
// in the same run on the same database.

#include "bench/flows.hpp"
#include "bench/report.hpp"
#include "bench/scenarios.hpp"

#include "storage/pg.hpp"

#include <boost/json.hpp>
#include <libpq-fe.h>

#include <chrono>
#include <thread>

namespace nexsync::bench {

namespace {

// COPY (query) TO STDOUT into memory.
std::string copy_out(storage::connection& c, const std::string& query) {
  PGconn* pg = c.raw();
  PGresult* r = PQexec(pg, ("COPY (" + query + ") TO STDOUT").c_str());
  bool started = PQresultStatus(r) == PGRES_COPY_OUT;
  PQclear(r);
  if (!started) throw std::runtime_error(std::string{"COPY TO did not start: "} + PQerrorMessage(pg));
  std::string data;
  for (;;) {
    char* buf = nullptr;
    int n = PQgetCopyData(pg, &buf, 0);
    if (n > 0) {
      data.append(buf, static_cast<std::size_t>(n));
      PQfreemem(buf);
    } else {
      if (buf) PQfreemem(buf);
      break;
    }
  }
  while (PGresult* res = PQgetResult(pg)) PQclear(res);
  return data;
}

void copy_in(storage::connection& c, const std::string& table, const std::string& data) {
  PGconn* pg = c.raw();
  PGresult* r = PQexec(pg, ("COPY " + table + " FROM STDIN").c_str());
  bool started = PQresultStatus(r) == PGRES_COPY_IN;
  PQclear(r);
  if (!started) throw std::runtime_error(std::string{"COPY FROM did not start: "} + PQerrorMessage(pg));
  for (std::size_t at = 0; at < data.size(); at += 1 << 20) {
    auto n = std::min<std::size_t>(1 << 20, data.size() - at);
    if (PQputCopyData(pg, data.data() + at, static_cast<int>(n)) != 1) throw std::runtime_error("PQputCopyData failed");
  }
  if (PQputCopyEnd(pg, nullptr) != 1) throw std::runtime_error("PQputCopyEnd failed");
  std::string error;
  while (PGresult* res = PQgetResult(pg)) {
    if (PQresultStatus(res) != PGRES_COMMAND_OK) error = PQresultErrorMessage(res);
    PQclear(res);
  }
  if (!error.empty()) throw std::runtime_error("COPY failed: " + error);
}

}  // namespace

namespace {

// Where a click's time went, from the database's clocks: the run's start, the first page's transaction
// (its new items' created_at) and the run's end. Zeros when the run created no item (a repeat only updates).
struct phases {
  double before_s = 0, writing_s = 0;
};

phases import_phases(storage::connection& c, std::int64_t tenant, std::int64_t run_id) {
  auto r = c.exec(
      "SELECT extract(epoch FROM min(i.created_at) - r.started_at)::float8, extract(epoch FROM r.finished_at - min(i.created_at))::float8"
      " FROM sync_runs r JOIN inventory_items i ON i.tenant_id = r.tenant_id AND i.last_import_run = r.id::text AND i.created_at >= r.started_at"
      " WHERE r.tenant_id = $1 AND r.id = $2 GROUP BY r.id",
      storage::params{tenant, run_id});
  if (r.rows() == 0 || r.is_null(0, 0) || r.is_null(0, 1)) return {};
  return {std::stod(r.get(0, 0)), std::stod(r.get(0, 1))};
}

}  // namespace

/// Shared with `mixed`: the COPY ceiling of a tenant's imported rows, in rows/s of inventory_items.
double copy_ceiling_of_import(storage::connection& c, std::int64_t tenant, std::int64_t& items, double& seconds) {
  auto t = std::to_string(tenant);
  auto item_rows = copy_out(c, "SELECT * FROM inventory_items WHERE tenant_id = " + t);
  auto movement_rows = copy_out(c, "SELECT * FROM stock_movements WHERE tenant_id = " + t);
  c.exec_script("DROP TABLE IF EXISTS bench_copy_items; DROP TABLE IF EXISTS bench_copy_movements;"
                "CREATE TABLE bench_copy_items (LIKE inventory_items INCLUDING ALL);"
                "CREATE TABLE bench_copy_movements (LIKE stock_movements INCLUDING ALL); CHECKPOINT;");
  items = c.exec("SELECT count(*) FROM inventory_items WHERE tenant_id = $1", storage::params{tenant}).int64(0, 0);
  auto t0 = std::chrono::steady_clock::now();
  {
    storage::transaction tx{c};
    copy_in(c, "bench_copy_items", item_rows);
    copy_in(c, "bench_copy_movements", movement_rows);
    tx.commit();
  }
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  c.exec_script("DROP TABLE bench_copy_items; DROP TABLE bench_copy_movements;");
  return seconds > 0 ? static_cast<double>(items) / seconds : 0;
}

boost::json::object run_unthrottled_import(const stack_options& so, const import_options& o, std::ostream& out) {
  stack s{so};
  s.start_database();
  s.start_sim();
  s.start_server();
  auto tenants = s.add_tenants("import", 1);
  auto& t = tenants[0];
  const std::string shop = s.shop_name("bench-unthrottled");
  s.create_shop(boost::json::object{{"name", shop}, {"plan", "enterprise"}, {"products", o.products},
                                    {"variants_per_product", o.variants_per_product}, {"customers", 5}, {"orders", 0}, {"locations", 1}});
  s.sim_control("PUT", "/_sim/shops/" + shop + "/faults",
                boost::json::serialize(boost::json::object{{"restore_rate", 1000000}, {"bucket_size", 10000000}}));
  s.connect(t, shop);
  reset_shop_stats(s, shop);
  auto server0 = s.server_cpu();
  auto sim0 = s.sim_cpu();
  auto pg0 = s.db().cpu_seconds();
  auto click = click_sync(s, t, "products", o.timeout_s);
  auto server_cpu = s.server_cpu() - server0;
  auto sim_cpu = s.sim_cpu() - sim0;
  auto pg_cpu = s.db().cpu_seconds() - pg0;
  auto st = read_shop_stats(s, shop);
  storage::connection c{s.database_url()};
  std::int64_t items = 0;
  double copy_s = 0;
  double copy_rate = copy_ceiling_of_import(c, t.id, items, copy_s);
  double variants = static_cast<double>(click.synced + click.skipped);
  double import_rate = click.seconds > 0 ? static_cast<double>(click.synced) / click.seconds : 0;
  auto phases = import_phases(c, t.id, click.run_id);
  double write_rate = phases.writing_s > 0 ? static_cast<double>(click.synced) / phases.writing_s : 0;
  auto share_text = [copy_rate](double rate) { return fmt(copy_rate > 0 ? 100 * rate / copy_rate : 0, 1) + "%"; };
  table tb{{"what", "rows", "seconds", "rows/s", "share of COPY"}};
  tb.add({"Import Products (variants stored), click to answer", std::to_string(click.synced), fmt(click.seconds, 2),
          fmt(import_rate), share_text(import_rate)});
  tb.add({"  of which before the first page (bulk: export, download, check)", "", fmt(phases.before_s, 2), "", ""});
  tb.add({"  of which writing pages (first page to the run's end)", std::to_string(click.synced), fmt(phases.writing_s, 2),
          fmt(write_rate), share_text(write_rate)});
  tb.add({"COPY of the same rows (items + movements)", std::to_string(items), fmt(copy_s, 2), fmt(copy_rate), "100%"});
  out << "unthrottled-import: " << o.products << " products x " << o.variants_per_product << " variants; PostgreSQL: " << s.db().describe()
      << "\n"
      << tb.render() << "import: synced " << click.synced << ", skipped " << click.skipped << ", failed " << click.failed << ", "
      << st.calls << " Shopify calls, THROTTLED " << st.throttled << "; CPU s: server " << fmt(server_cpu, 1) << ", simulator "
      << fmt(sim_cpu, 1) << ", PostgreSQL " << fmt(pg_cpu, 1) << (click.error.empty() ? "" : "; error: " + click.error) << "\n";
  double share = copy_rate > 0 ? import_rate / copy_rate : 0;
  out << "target: import (click to answer) / COPY ceiling: " << fmt(100 * share, 1) << "% / >= 50% (" << verdict(share >= 0.5) << ")\n";
  bool ok = click.ok() && click.synced > 0;
  out << s.statements_report();
  return boost::json::object{{"scenario", "unthrottled-import"}, {"ok", ok}, {"database", s.db().describe()},
                             {"products", o.products}, {"variants", variants}, {"synced", click.synced}, {"skipped", click.skipped},
                             {"failed", click.failed}, {"import_seconds", click.seconds}, {"import_variants_per_s", import_rate},
                             {"before_first_page_seconds", phases.before_s}, {"writing_seconds", phases.writing_s},
                             {"writing_variants_per_s", write_rate}, {"copy_rows", items}, {"copy_seconds", copy_s}, {"copy_rows_per_s", copy_rate}, {"share_of_copy", share},
                             {"calls", st.calls}, {"throttled", st.throttled}, {"server_cpu_s", server_cpu}, {"sim_cpu_s", sim_cpu},
                             {"postgres_cpu_s", pg_cpu}, {"error", click.error}};
}

}  // namespace nexsync::bench
