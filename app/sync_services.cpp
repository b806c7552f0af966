#include "app/sync_services.hpp"

#include "actors/shop_connection.hpp"
#include "app/shopify_access.hpp"
#include "app/webhook_ingest.hpp"
#include "log/log.hpp"
#include "storage/webhook_events_repo.hpp"
#include "storage/integrations_repo.hpp"
#include "sync/run.hpp"
#include "sync/schedule.hpp"


#include <caf/all.hpp>

namespace nexsync::app {

namespace {
// An idle shop's connection stops after this long; the registry respawns it on the next click.
constexpr std::chrono::minutes connection_idle{5};
// How often the reconciler looks for due reconciles and sweeps.
constexpr std::chrono::seconds reconciler_tick{60};

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The reconciler's view of the database and the clock: the connected shops, read on the pool.
actors::walk_sources walk_sources_of(std::shared_ptr<storage::pool> db, std::chrono::seconds sweep_interval) {
  auto list = [](storage::connection& c) { return storage::connected_shops(c, "shopify"); };
  actors::walk_sources sources;
  sources.due_now = [db, list, sweep_interval, started = unix_now()](actors::walk_sources::reply reply) {
    db->run(list, [reply, sweep_interval, started](std::exception_ptr e, std::vector<storage::connected_shop> shops) {
      if (e) return reply({}, "could not list the connected shops");
      std::vector<actors::walk_order> walks;
      for (auto& w : sync::due_walks(shops, unix_now(), started, sweep_interval))
        walks.push_back({w.tenant_id, w.shop_domain, w.direction});
      reply(std::move(walks), {});
    });
  };
  sources.reconcile_all = [db, list](actors::walk_sources::reply reply) {
    db->run(list, [reply](std::exception_ptr e, std::vector<storage::connected_shop> shops) {
      if (e) return reply({}, "could not list the connected shops");
      std::vector<actors::walk_order> walks;
      for (auto& shop : shops) walks.push_back({shop.tenant_id, shop.shop_domain, "reconcile"});
      reply(std::move(walks), {});
    });
  };
  return sources;
}
}  // namespace

sync_services::sync_services(context& ctx, boost::asio::any_io_executor executor)
    : runtime(static_cast<std::size_t>(ctx.settings.actor_threads)) {
  ensure_shopify_services(ctx);
  limiter = actors::spawn_rate_limiter(runtime.system());
  env = std::make_shared<sync::job_env>();
  env->db = ctx.db;
  env->shopify = ctx.shopify;
  env->system = &runtime.system();
  env->limiter = limiter;
  env->sweep_interval = std::chrono::minutes(ctx.settings.sweep_interval_minutes);
  env->executor = executor;
  env->token = [&ctx](std::int64_t tenant_id,
                      bool force) -> boost::asio::awaitable<shopify::client_result<sync::shop_token>> {
    auto access = co_await get_shopify_access(ctx, tenant_id, force);
    if (!access) co_return access.error();
    co_return sync::shop_token{access->subdomain, access->token};
  };
  registry = actors::spawn_connection_registry(runtime.system(), sync::make_job_starter(env), connection_idle);
  // Lookups before the migrations are applied fail and are logged; the first tick is a minute away.
  reconciler = actors::spawn_reconciler(runtime.system(), registry, walk_sources_of(ctx.db, env->sweep_interval),
                                        reconciler_tick);
  // A committed batch nudges the connection of each shop with new order events, which applies them
  // behind any running job.
  if (!ctx.webhooks) ctx.webhooks = make_webhook_ingest(ctx.webhook_db ? ctx.webhook_db : ctx.db, ctx.settings.webhook_db_connections);
  ctx.webhooks->set_after_commit([r = registry](const std::vector<webhook_ingest::committed_event>& events) {
    for (auto& n : order_nudges(events))
      caf::anon_send(r, actors::sync_atom_v, n.tenant_id, n.shop_domain, webhook_request(n.latest_event_id));
  });
}

actors::sync_request sync_services::webhook_request(std::int64_t event_id) {
  actors::sync_request request;
  request.direction = "webhook";
  request.trigger = "webhook";
  request.event_id = event_id;
  return request;
}

void sync_services::replay_pending_webhooks(context& ctx) {
  auto find = [](storage::connection& c) { return storage::shops_with_pending_orders(c); };
  ctx.db->run(find, [r = registry](std::exception_ptr e, std::vector<storage::shop_with_pending> shops) {
    if (e) {
      log::warn("webhooks", "could not look for unapplied webhooks at start-up");
      return;
    }
    for (auto& shop : shops) {
      log::info("webhooks", "replaying unapplied webhooks",
                {{"tenant_id", shop.tenant_id}, {"shop", shop.shop_domain}, {"events", shop.pending}});
      auto request = webhook_request(0);
      request.trigger = "startup";
      caf::anon_send(r, actors::sync_atom_v, shop.tenant_id, shop.shop_domain, request);
    }
  });
}

void sync_services::apply_waiting_webhooks(std::int64_t tenant_id, const std::string& shop_domain) {
  caf::anon_send(registry, actors::sync_atom_v, tenant_id, shop_domain, webhook_request(0));
}

sync_services::~sync_services() { stop(); }

void sync_services::ask_jobs_to_stop() {
  env->stopper.ask_to_stop();
  caf::anon_send(limiter, actors::flush_atom_v);
}

void sync_services::stop() {
  caf::anon_send_exit(reconciler, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(limiter, caf::exit_reason::user_shutdown);
}

}  // namespace nexsync::app
