#include "sync/run.hpp"

#include "actors/shop_connection.hpp"
#include "log/log.hpp"
#include "storage/integrations_repo.hpp"

#include <boost/asio/co_spawn.hpp>
#include <caf/send.hpp>

namespace nexsync::sync {

run::run(job_env& e, std::int64_t tenant, std::string s, actors::sync_request req, actors::shop_connection_actor c)
    : env(e), tenant_id(tenant), shop(std::move(s)), request(std::move(req)), connection_(std::move(c)) {}

actors::call_priority run::priority() const {
  if (request.trigger == "manual") return actors::call_priority::interactive;
  if (request.trigger == "webhook") return actors::call_priority::webhook;
  return actors::call_priority::cron;
}

boost::asio::awaitable<shopify::graphql_reply> run::call(const shopify::graphql_document& doc, int first,
                                                         boost::json::object variables,
                                                         std::optional<int> requested_cost) {
  call_spec spec{tenant_id, shop, &doc, first, std::move(variables), priority(), requested_cost};
  auto result = co_await call_shopify(env, std::move(spec));
  if (!result) throw job_failure(result.error().message);
  if (!result->errors.empty()) throw job_failure("Shopify reported an error: " + result->errors.front().message);
  co_return std::move(*result);
}

page_tally tally_of(const std::vector<storage::row_outcome>& outcomes, const std::vector<std::string>& keys) {
  page_tally t;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (outcomes[i].status == storage::row_status::skipped) {
      ++t.skipped;
      t.skips.push_back({i < keys.size() ? keys[i] : std::string{}, outcomes[i].reason});
    } else {
      ++t.synced;
    }
  }
  return t;
}

void write_tally(storage::connection& c, std::int64_t tenant_id, std::int64_t run_id, const page_tally& tally) {
  if (tally.synced == 0 && tally.skipped == 0) return;
  storage::add_to_run(c, tenant_id, run_id, tally.synced, tally.skipped, 0, tally.skips);
}

boost::asio::awaitable<void> run::record(const std::vector<storage::row_outcome>& outcomes,
                                         const std::vector<std::string>& keys) {
  if (outcomes.empty()) co_return;  // nothing to add (a push with nothing unchanged; an empty page)
  auto tally = tally_of(outcomes, keys);
  auto tenant = tenant_id;
  auto id = run_id;
  // One commit for the counts and the skips. Not on cached plans: sync_runs grows by a row a run, and a
  // plan cached while it was small would keep scanning it whole (see begin_with_cached_plans).
  auto write = [tenant, id, tally](storage::connection& c) {
    storage::transaction tx{c};
    write_tally(c, tenant, id, tally);
    tx.commit();
  };
  co_await env.db->query(write);
  counted(tally);
}

void run::counted(const page_tally& tally) {
  if (tally.synced == 0 && tally.skipped == 0) return;
  synced += tally.synced;
  skipped += tally.skipped;
  report_progress();
}

boost::asio::awaitable<shop_counts> run::counts() {
  shop_counts out;
  try {
    boost::json::object vars;
    vars["ordersQuery"] = "financial_status:paid";
    auto reply = co_await call(shopify::record_counts, 0, vars);
    auto count = [&reply](std::string_view path) -> std::int64_t {
      auto* v = at_path(reply.body, path);
      return v && v->is_int64() ? v->as_int64() : 0;
    };
    out.products = count("data.productsCount.count");
    out.customers = count("data.customersCount.count");
    out.paid_orders = count("data.ordersCount.count");
  } catch (const job_failure& e) {
    log::warn("sync", "record counts unavailable", {{"tenant_id", tenant_id}, {"error", e.what()}});
  }
  co_return out;
}

void run::total_recorded(std::int64_t n) {
  total = n;
  report_progress();
}

boost::asio::awaitable<void> run::set_total(std::int64_t n) {
  total = n;
  auto tenant = tenant_id;
  auto id = run_id;
  auto write = [tenant, id, n](storage::connection& c) { storage::set_run_total(c, tenant, id, n); };
  co_await env.db->query(write);
  report_progress();
}

void run::report_progress() {
  actors::job_progress p{run_id, request.direction, request.trigger, synced + skipped + failed, total, 0};
  caf::anon_send(connection_, actors::progress_atom_v, p);
}

void run::stop_point() const {
  if (env.stopper.stopping()) throw job_failure(storage::interrupted_run_error);
}

std::string text_of(const boost::json::value* v) {
  return v && v->is_string() ? std::string{v->as_string()} : std::string{};
}

const boost::json::value* at_path(const boost::json::value& root, std::string_view dotted_path) {
  const boost::json::value* cur = &root;
  while (!dotted_path.empty()) {
    auto dot = dotted_path.find('.');
    auto key = dotted_path.substr(0, dot);
    dotted_path = dot == std::string_view::npos ? std::string_view{} : dotted_path.substr(dot + 1);
    if (!cur->is_object()) return nullptr;
    cur = cur->as_object().if_contains(key);
    if (!cur) return nullptr;
  }
  return cur;
}

namespace {

boost::asio::awaitable<void> dispatch(run& r) {
  auto& d = r.request.direction;
  if (d == "products") co_await import_products(r);
  else if (d == "customers") co_await import_customers(r);
  else if (d == "orders") co_await import_orders(r);
  else if (d == "reconcile" || d == "sweep") co_await reconcile_orders(r);
  else if (d == "inventory") co_await push_inventory(r);
  else if (d == "webhook") co_await apply_webhooks(r);
  else throw job_failure("unknown sync direction \"" + d + "\"");
}

}  // namespace

boost::asio::awaitable<void> run_job(std::shared_ptr<job_env> env, actors::shop_connection_actor connection,
                                     std::int64_t tenant_id, std::string shop, actors::sync_request request) {
  run r{*env, tenant_id, shop, request, connection};
  actors::sync_result result;
  result.direction = request.direction;
  result.trigger = request.trigger;
  result.started_ms = actors::unix_millis();
  std::string error;
  if (env->stopper.stopping()) {  // queued behind a run the stop ended: not started, nothing recorded
    result.error = storage::interrupted_run_error;
    result.stopped = true;
    result.finished_ms = result.started_ms;
    caf::anon_send(connection, actors::finished_atom_v, result);
    co_return;
  }
  try {
    auto direction = request.direction;
    auto trigger = request.trigger;
    // The run's bookkeeping does not wait for the WAL flush (a click's own cost, ~4 ms a commit on
    // this disk): the first durable write of the run flushes its start too, and a crash that loses
    // its end leaves it as a server crash mid-run would.
    auto start = [tenant_id, direction, trigger](storage::connection& c) {
      storage::relaxed_durability relaxed{c};
      return storage::start_run(c, tenant_id, direction, trigger);
    };
    r.run_id = co_await env->db->query(start);
    r.report_progress();
    co_await dispatch(r);
  } catch (const job_failure& e) {
    error = e.what();
  } catch (const storage::unavailable&) {
    error = "The database is not reachable right now; nothing more was changed. Try again in a moment.";
  } catch (const std::exception& e) {
    log::error("sync", "job crashed", {{"tenant_id", tenant_id}, {"direction", request.direction}, {"error", e.what()}});
    error = std::string{"Unexpected error: "} + e.what();
  }
  if (error == storage::interrupted_run_error)
    log::info("sync", "run stopped with the server", {{"tenant_id", tenant_id}, {"run_id", r.run_id}, {"direction", request.direction}});
  if (r.run_id != 0) {
    try {
      auto id = r.run_id;
      bool synced = error.empty() && request.trigger == "manual";
      auto finish = [tenant_id, id, error, synced](storage::connection& c) {
        storage::relaxed_durability relaxed{c};
        storage::finish_run(c, tenant_id, id, error);
        if (synced) storage::mark_synced(c, tenant_id, "shopify");  // "Last synced" on the page
      };
      co_await env->db->query(finish);
    } catch (const std::exception& e) {
      log::warn("sync", "could not record the end of a run", {{"run_id", r.run_id}, {"error", e.what()}});
    }
  }
  result.run_id = r.run_id;
  result.synced = r.synced;
  result.skipped = r.skipped;
  result.failed = r.failed;
  result.error = error;
  result.stopped = error == storage::interrupted_run_error;
  result.finished_ms = actors::unix_millis();
  caf::anon_send(connection, actors::finished_atom_v, result);
}

actors::job_starter make_job_starter(std::shared_ptr<job_env> env) {
  return [env](actors::shop_connection_actor connection, std::int64_t tenant_id, const std::string& shop,
               const actors::sync_request& request) {
    env->stopper.started();  // before the spawn: a stop waiting for jobs must see this one
    boost::asio::co_spawn(env->executor, run_job(env, connection, tenant_id, shop, request),
                          [env, connection, request](std::exception_ptr e) {
                            if (e) {
                              // run_job catches everything; this is the last line of defence.
                              actors::sync_result r;
                              r.direction = request.direction;
                              r.trigger = request.trigger;
                              r.error = "the job stopped unexpectedly";
                              caf::anon_send(connection, actors::finished_atom_v, r);
                            }
                            env->stopper.ended();
                          });
  };
}

}  // namespace nexsync::sync
