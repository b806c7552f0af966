// ceiling: PostgreSQL alone (no HTTP), webhook rows into webhook_events as the server stores them:
// one row per commit, the server's own batch statement (storage::insert_events) at 50 and 500 rows
// per commit, and COPY. Every other figure can then be stated as a share of what the machine does.

#include "bench/orders.hpp"
#include "bench/report.hpp"
#include "bench/scenarios.hpp"

#include "shopify/webhook_body.hpp"
#include "storage/accounts_repo.hpp"
#include "storage/pg.hpp"
#include "storage/webhook_events_repo.hpp"

#include <libpq-fe.h>

#include <chrono>
#include <functional>

namespace nexsync::bench {

namespace {

using clock = std::chrono::steady_clock;

struct corpus {
  std::vector<std::string> bodies;  // as stored
  std::size_t delivered_bytes = 0;  // the deliveries' bodies, all of them
  std::int64_t tenant = 0;
  std::string shop = "ceiling-shop";
};

storage::new_webhook_event event_of(const corpus& c, const std::string& run, std::int64_t i) {
  storage::new_webhook_event e;
  e.tenant_id = c.tenant;
  e.shop_domain = c.shop + ".myshopify.com";
  e.topic = "orders/create";
  e.webhook_id = run + "-" + std::to_string(i);
  e.event_id = "ev-" + run + "-" + std::to_string(i);
  e.api_version = "2026-10";
  e.triggered_at = "2026-11-28T10:15:30.000Z";
  e.payload = c.bodies[static_cast<std::size_t>(i) % c.bodies.size()];
  return e;
}

void copy_escape(std::string& out, std::string_view s) {
  for (char ch : s) {
    switch (ch) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out.push_back(ch);
    }
  }
}

// COPY rows [from, to) in one statement (autocommit: one transaction).
void copy_rows(storage::connection& c, const corpus& k, const std::string& run, std::int64_t from, std::int64_t to) {
  PGconn* pg = c.raw();
  PGresult* r = PQexec(pg, "COPY webhook_events (tenant_id, shop_domain, topic, webhook_id, event_id, api_version, triggered_at, payload, status) FROM STDIN");
  bool started = PQresultStatus(r) == PGRES_COPY_IN;
  PQclear(r);
  if (!started) throw std::runtime_error(std::string{"COPY did not start: "} + PQerrorMessage(pg));
  std::string buf;
  for (std::int64_t i = from; i < to; ++i) {
    auto e = event_of(k, run, i);
    buf += std::to_string(e.tenant_id) + "\t";
    copy_escape(buf, e.shop_domain);
    buf += "\t";
    copy_escape(buf, e.topic);
    buf += "\t";
    copy_escape(buf, e.webhook_id);
    buf += "\t";
    copy_escape(buf, e.event_id);
    buf += "\t";
    copy_escape(buf, e.api_version);
    buf += "\t";
    copy_escape(buf, e.triggered_at);
    buf += "\t";
    copy_escape(buf, e.payload);
    buf += "\treceived\n";
    if (buf.size() > (1 << 20)) {
      if (PQputCopyData(pg, buf.data(), static_cast<int>(buf.size())) != 1) throw std::runtime_error("PQputCopyData failed");
      buf.clear();
    }
  }
  if (!buf.empty() && PQputCopyData(pg, buf.data(), static_cast<int>(buf.size())) != 1) throw std::runtime_error("PQputCopyData failed");
  if (PQputCopyEnd(pg, nullptr) != 1) throw std::runtime_error("PQputCopyEnd failed");
  bool ok = true;
  std::string error;
  while (PGresult* res = PQgetResult(pg)) {
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
      ok = false;
      error = PQresultErrorMessage(res);
    }
    PQclear(res);
  }
  if (!ok) throw std::runtime_error("COPY failed: " + error);
}

struct mode_result {
  std::string name;
  std::int64_t rows = 0;
  double seconds = 0;
  double rows_per_s() const { return seconds > 0 ? static_cast<double>(rows) / seconds : 0; }
};

// Runs step(from, to) in chunks of `chunk` rows until `rows` or the time bound.
mode_result measure(const std::string& name, std::int64_t rows, std::int64_t chunk, double bound_s,
                    const std::function<void(std::int64_t, std::int64_t)>& step) {
  mode_result m;
  m.name = name;
  auto t0 = clock::now();
  for (std::int64_t i = 0; i < rows; i += chunk) {
    auto to = std::min(rows, i + chunk);
    step(i, to);
    m.rows = to;
    if (std::chrono::duration<double>(clock::now() - t0).count() > bound_s) break;
  }
  m.seconds = std::chrono::duration<double>(clock::now() - t0).count();
  return m;
}

}  // namespace

boost::json::object run_ceiling(const stack_options& given, const ceiling_options& o, std::ostream& out) {
  // Never the given server's own database (this truncates webhook_events): a fresh one on its server.
  auto so = given;
  so.server_url.clear();
  so.sim_url.clear();
  stack s{so};
  s.start_database();
  storage::connection c{s.database_url(), storage::planning::cached};  // as the server's webhook connections
  corpus k;
  k.tenant = storage::create_tenant(c, "ceiling");
  // The rows the server stores for these deliveries: an orders/create body is kept as the order it names.
  for (int i = 0; i < 1024; ++i) {
    auto body = order_created_body(k.shop, 5000000000ULL + static_cast<std::uint64_t>(i), 1001 + static_cast<std::uint64_t>(i), 1 + i % 3);
    k.delivered_bytes += body.size();
    k.bodies.push_back(shopify::inbox_order_body("orders/create", shopify::read_webhook_body(body)));
  }
  std::size_t body_bytes = 0;
  for (auto& b : k.bodies) body_bytes += b.size();
  auto cpu0 = s.db().cpu_seconds();

  std::vector<mode_result> results;
  auto reset = [&c]() { c.exec("TRUNCATE webhook_events"); c.exec("CHECKPOINT"); };
  auto batch = [&c, &k](const std::string& run) {
    return [&c, &k, run](std::int64_t from, std::int64_t to) {
      std::vector<storage::new_webhook_event> rows;
      for (auto i = from; i < to; ++i) rows.push_back(event_of(k, run, i));
      auto stored = storage::insert_events(c, rows);
      if (stored.size() != rows.size()) throw std::runtime_error("insert_events answered for a different number of rows");
    };
  };
  reset();
  results.push_back(measure("1 row per commit (server statement)", o.single_rows, 1, o.seconds, batch("single")));
  reset();
  results.push_back(measure("50 rows per commit (server statement)", o.rows, 50, o.seconds, batch("b50")));
  reset();
  results.push_back(measure("500 rows per commit (server statement)", o.rows, 500, o.seconds, batch("b500")));
  reset();
  results.push_back(measure("COPY, 5000 rows per commit", o.rows, 5000, o.seconds,
                            [&c, &k](std::int64_t from, std::int64_t to) { copy_rows(c, k, "copy", from, to); }));
  auto stored = c.exec("SELECT count(*) FROM webhook_events").int64(0, 0);
  auto cpu = s.db().cpu_seconds() - cpu0;

  double copy_rate = results.back().rows_per_s();
  table t{{"mode", "rows", "seconds", "rows/s", "share of COPY"}};
  boost::json::array modes;
  for (auto& m : results) {
    t.add({m.name, std::to_string(m.rows), fmt(m.seconds, 2), fmt(m.rows_per_s()), fmt(100 * m.rows_per_s() / copy_rate, 0) + "%"});
    modes.push_back(boost::json::object{{"mode", m.name}, {"rows", m.rows}, {"seconds", m.seconds}, {"rows_per_s", m.rows_per_s()}});
  }
  out << "ceiling: webhook_events rows as the server stores ~" << k.delivered_bytes / k.bodies.size() << " B orders/create deliveries (payload ~"
      << body_bytes / k.bodies.size() << " B), PostgreSQL: " << s.db().describe() << "\n"
      << t.render() << "PostgreSQL CPU over all modes: " << fmt(cpu, 1) << " s\n";
  // One row per commit is bound by the WAL flush: it measures the flushes per second of this disk. A
  // client connection waits for its answer, so c connections can be acknowledged durably at most
  // c x flushes/s even if everything else were free.
  double flushes = results.front().rows_per_s();
  out << "commit rate: " << fmt(flushes) << " commits/s (one row each) => durable acknowledgements at concurrency 32 are bounded by about 32 x "
      << fmt(flushes) << " = " << fmt(32 * flushes) << "/s\n";
  bool ok = stored == results.back().rows;
  boost::json::object j{{"scenario", "ceiling"}, {"ok", ok}, {"database", s.db().describe()},
                        {"body_bytes", body_bytes / k.bodies.size()}, {"delivered_body_bytes", k.delivered_bytes / k.bodies.size()}, {"modes", modes}, {"copy_rows_per_s", copy_rate},
                        {"postgres_cpu_s", cpu}, {"commits_per_s", flushes}, {"durable_ack_bound_c32", 32 * flushes}};
  return j;
}

}  // namespace nexsync::bench
