// nexsync-bench: the load harness. `nexsync-bench <scenario> [options]`; see bench/README.md.

#include "bench/scenarios.hpp"

#include "log/log.hpp"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

using namespace nexsync::bench;

namespace {

std::string own_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string{"."} : exe.parent_path().string();
}

std::string today() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", std::gmtime(&t));
  return buf;
}

// SIGINT/SIGTERM end the bench through exit(), so destructors of the stack do not run, but the children
// die with us (PR_SET_PDEATHSIG); the scratch folder stays behind in /tmp.
void on_signal(int) { _exit(130); }

// The 1-minute load average: the machine is shared, so every figure carries it.
std::string loadavg() {
  std::ifstream f{"/proc/loadavg"};
  std::string one;
  f >> one;
  return one;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nexsync-bench: load scenarios against nexsync, the Shopify simulator and PostgreSQL"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the scenario name
  stack_options so;
  so.bin_dir = std::getenv("NEXSYNC_BIN_DIR") && *std::getenv("NEXSYNC_BIN_DIR") ? std::getenv("NEXSYNC_BIN_DIR") : own_dir();
  std::string json_path;
  app.add_option("--bin-dir", so.bin_dir, "Folder with nexsync and shopify-sim (default: $NEXSYNC_BIN_DIR, else the bench's own)");
  app.add_option("--database-url", so.database_url, "Use this PostgreSQL server (a fresh database is created and dropped) instead of starting one");
  app.add_flag("--pg-fast", so.pg_fast, "Own PostgreSQL with fsync/synchronous_commit off (not durable; for smoke runs)");
  app.add_flag("--pg-statements", so.pg_statements, "Own PostgreSQL with pg_stat_statements; print the top statements (profiling)");
  app.add_option("--server-url", so.server_url, "A running nexsync (http://127.0.0.1:PORT) instead of starting one; needs --sim-url and --database-url (its database)");
  app.add_option("--sim-url", so.sim_url, "A running shopify-sim (http://127.0.0.1:PORT) instead of starting one");
  app.add_option("--sim-admin-token", so.sim_admin, "The given simulator's control API token");
  app.add_option("--app-secret", so.app_secret, "The app secret the given server and simulator share (signs webhooks)");
  app.add_option("--server-pid", so.server_pid, "The given server's pid, for its CPU and memory figures");
  app.add_flag("--keep", so.keep, "Keep the scratch folder (logs of PostgreSQL, simulator, server)");
  app.add_option("--json", json_path, "Write the figures as JSON to this file");
  std::vector<std::string> server_env;
  app.add_option("--server-env", server_env, "Extra NEXSYNC_KEY=VALUE for the server (repeatable)");

  ceiling_options co;
  auto* ceiling = app.add_subcommand("ceiling", "Raw PostgreSQL insert rate of webhook-shaped rows (unbatched, batched, COPY)");
  ceiling->add_option("--rows", co.rows, "Rows per batched mode and COPY");
  ceiling->add_option("--single-rows", co.single_rows, "Rows for one row per commit");
  ceiling->add_option("--seconds", co.seconds, "Time bound per mode");

  webhooks_options wo;
  auto* webhooks = app.add_subcommand("webhooks", "Signed orders/create deliveries at concurrency C; verified in the database");
  webhooks->add_option("--shops", wo.shops, "Shops (tenants) connected through OAuth");
  webhooks->add_option("-c,--connections", wo.connections, "Keep-alive connections");
  webhooks->add_option("--seconds", wo.seconds, "Duration of each pass");
  webhooks->add_option("--rate", wo.rate, "Fixed total rate (requests/s); default: as fast as acknowledged, then half that");
  webhooks->add_option("--max-requests", wo.max_requests, "Count bound per pass");
  webhooks->add_option("--warmup", wo.warmup_seconds, "Warm-up seconds (not in the figures, still verified)");
  bool no_half = false;
  webhooks->add_flag("--no-half", no_half, "Skip the half-rate pass");

  storm_options sto;
  auto* storm = app.add_subcommand("sync-storm", "T tenants of mixed plans click Import Products at once, then Push Inventory");
  storm->add_option("--tenants", sto.tenants, "Tenants (shops)");
  storm->add_option("--scale", sto.scale, "Multiplies catalog sizes");
  storm->add_option("--restore-scale", sto.restore_scale, "Multiplies restore rates and buckets");
  storm->add_option("--push-changes", sto.push_changes, "Inventory rows changed before Push Inventory (0: skip push)");
  storm->add_option("--timeout", sto.timeout_s, "Seconds before giving up on a run");

  import_options io;
  auto* import = app.add_subcommand("unthrottled-import", "One shop without a budget limit: variants/s into PostgreSQL vs COPY");
  import->add_option("--products", io.products, "Products");
  import->add_option("--variants-per-product", io.variants_per_product, "Variants per product");
  import->add_option("--timeout", io.timeout_s, "Seconds before giving up");

  bulk_options bo;
  auto* bulk = app.add_subcommand("bulk-vs-paged", "Import Products of one catalog through a bulk operation, then page by page");
  bulk->add_option("--products", bo.products, "Products of the bulk run's catalog");
  bulk->add_option("--variants-per-product", bo.variants_per_product, "Variants per product");
  bulk->add_option("--paged-products", bo.paged_products, "Products of the paged run (projected to --products; 0: the same)");
  bulk->add_option("--plan", bo.plan, "The shops' plan: standard, advanced, plus, enterprise");
  bulk->add_option("--bulk-ms", bo.bulk_ms, "The simulator's bulk_duration_ms (its export's own delay)");
  bulk->add_option("--timeout", bo.timeout_s, "Seconds before giving up on a run");

  drift_options dro;
  auto* drift = app.add_subcommand("drift", "Every webhook lost: time from a paid order to its sale, and the sweep's budget share");
  drift->add_option("--minutes", dro.minutes, "How long paid orders keep coming");
  drift->add_option("--order-every", dro.order_every_s, "Seconds between paid orders");
  drift->add_option("--sweep-minutes", dro.sweep_minutes, "The server's sweep interval (NEXSYNC_SWEEP_INTERVAL_MINUTES)");
  drift->add_flag("--cron", dro.cron, "Call the cron reconciliation once after the orders instead of waiting for sweeps");
  drift->add_option("--settle", dro.settle_s, "Seconds to wait for the last orders once creation stops");

  idle_options ido;
  auto* idle = app.add_subcommand("idle-tenants", "Many connected shops: server memory and a cold shop's first click");
  idle->add_option("--tenants", ido.tenants, "Connected shops");
  idle->add_option("--clicks", ido.clicks, "Cold first clicks measured");
  idle->add_option("--connect-threads", ido.connect_threads, "Parallel OAuth flows while setting up");

  mixed_options mo;
  auto* mixed = app.add_subcommand("mixed", "One tenant imports while webhooks flood; another tenant's page/status latency");
  mixed->add_option("--products", mo.products, "Products of the importing shop");
  mixed->add_option("--variants-per-product", mo.variants_per_product, "Variants per product");
  mixed->add_option("--webhook-rate", mo.webhook_rate, "Webhooks/s during the import");
  mixed->add_option("--seconds", mo.seconds, "Upper bound of the measured window (it ends with the import)");

  auto* smoke = app.add_subcommand("smoke", "Every scenario, tiny, in seconds (uses $NEXSYNC_TEST_DATABASE_URL's server if set)");

  CLI11_PARSE(app, argc, argv);
  wo.half = !no_half;
  for (auto& kv : server_env) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) {
      std::cerr << "--server-env wants KEY=VALUE, got " << kv << "\n";
      return 2;
    }
    so.server_env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  nexsync::log::set_level("warn");

  std::ostringstream command;
  for (int i = 0; i < argc; ++i) command << (i ? " " : "") << argv[i];
  boost::json::object report{{"command", command.str()}, {"date", today()}, {"cpus", static_cast<std::int64_t>(sysconf(_SC_NPROCESSORS_ONLN))}};
  report["loadavg_start"] = loadavg();
  std::cout << "nexsync-bench " << command.str() << " (" << today() << ", load average " << loadavg() << ")\n";
  bool ok = true;
  try {
    if (*ceiling) report["result"] = run_ceiling(so, co, std::cout);
    if (*webhooks) report["result"] = run_webhooks(so, wo, std::cout);
    if (*storm) report["result"] = run_sync_storm(so, sto, std::cout);
    if (*import) report["result"] = run_unthrottled_import(so, io, std::cout);
    if (*bulk) report["result"] = run_bulk_vs_paged(so, bo, std::cout);
    if (*drift) report["result"] = run_drift(so, dro, std::cout);
    if (*idle) report["result"] = run_idle_tenants(so, ido, std::cout);
    if (*mixed) report["result"] = run_mixed(so, mo, std::cout);
    if (*smoke) {
      if (so.database_url.empty() && std::getenv("NEXSYNC_TEST_DATABASE_URL") && *std::getenv("NEXSYNC_TEST_DATABASE_URL"))
        so.database_url = std::getenv("NEXSYNC_TEST_DATABASE_URL");
      if (so.database_url.empty()) so.pg_fast = true;
      boost::json::array all;
      auto step = [&all, &ok](const char* name, auto&& run) {
        std::cout << "\n== smoke: " << name << "\n";
        try {
          auto r = run();
          if (!r["ok"].as_bool()) {
            ok = false;
            std::cout << "smoke " << name << ": NOT OK\n";
          }
          all.push_back(std::move(r));
        } catch (const std::exception& e) {
          ok = false;
          std::cout << "smoke " << name << ": FAILED: " << e.what() << "\n";
          all.push_back(boost::json::object{{"scenario", name}, {"ok", false}, {"error", e.what()}});
        }
      };
      step("ceiling", [&] { return run_ceiling(so, ceiling_options{300, 50, 5}, std::cout); });
      step("webhooks", [&] {
        webhooks_options w;
        w.shops = 2;
        w.connections = 4;
        w.seconds = 1;
        w.warmup_seconds = 0;
        w.max_requests = 300;
        return run_webhooks(so, w, std::cout);
      });
      step("sync-storm", [&] {
        storm_options st;
        st.tenants = 3;
        st.scale = 0.02;
        st.restore_scale = 1;
        st.push_changes = 260;
        st.timeout_s = 120;
        return run_sync_storm(so, st, std::cout);
      });
      step("unthrottled-import", [&] { return run_unthrottled_import(so, import_options{200, 3, 120}, std::cout); });
      step("bulk-vs-paged", [&] {
        bulk_options b;
        b.products = 60;
        b.paged_products = 0;  // the same catalog both ways: the counts must agree
        b.bulk_ms = 300;       // a few status polls
        b.timeout_s = 120;
        return run_bulk_vs_paged(so, b, std::cout);
      });
      step("drift", [&] {
        drift_options d;
        d.minutes = 0.05;      // three orders, 1 s apart
        d.order_every_s = 1;
        d.cron = true;         // sweeps come every minute at the soonest: the smoke asks the cron endpoint
        d.settle_s = 60;
        return run_drift(so, d, std::cout);
      });
      step("idle-tenants", [&] { return run_idle_tenants(so, idle_options{20, 5, 2}, std::cout); });
      step("mixed", [&] {
        mixed_options m;
        m.products = 300;
        m.webhook_rate = 100;
        m.connections = 4;
        m.seconds = 5;
        return run_mixed(so, m, std::cout);
      });
      report["result"] = boost::json::object{{"scenario", "smoke"}, {"ok", ok}, {"scenarios", all}};
    } else {
      ok = report["result"].as_object()["ok"].as_bool();
    }
  } catch (const std::exception& e) {
    std::cerr << "nexsync-bench: " << e.what() << "\n";
    report["error"] = e.what();
    ok = false;
  }
  report["loadavg_end"] = loadavg();
  std::cout << "load average at the end: " << loadavg() << "\n";
  if (!json_path.empty()) {
    std::ofstream f{json_path};
    f << boost::json::serialize(report) << "\n";
  }
  std::cout << (ok ? "\nnexsync-bench: ok\n" : "\nnexsync-bench: FAILED\n");
  return ok ? 0 : 1;
}
