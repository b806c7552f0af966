#include "app/sync_services.hpp"

#include "actors/shop_connection.hpp"
#include "app/shopify_access.hpp"
#include "app/webhook_ingest.hpp"
#include "log/log.hpp"
#include "storage/webhook_events_repo.hpp"
#include "storage/integrations_repo.hpp"
#include "sync/run.hpp"
#include "sync/schedule.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <caf/all.hpp>

namespace nexsync::app {

namespace {
// An idle shop's connection stops after this long; the registry respawns it on the next click.
constexpr std::chrono::minutes connection_idle{5};
// How often the scheduler looks for due reconciles and sweeps.
constexpr std::chrono::seconds scheduler_tick{60};

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The reconciler: every tick, queues each shop's due daily reconcile or sweep on its connection (the
// connection runs it behind any click and merges it with one already queued).
boost::asio::awaitable<void> schedule_walks(std::shared_ptr<storage::pool> db, actors::connection_registry_actor registry,
                                            std::chrono::seconds sweep_interval) {
  const auto started = unix_now();
  boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor};
  for (;;) {
    timer.expires_after(scheduler_tick);
    auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (ec) co_return;
    try {
      auto list = [](storage::connection& c) { return storage::connected_shops(c, "shopify"); };
      auto shops = co_await db->query(list);
      auto due = sync::due_walks(shops, unix_now(), started, sweep_interval);
      for (auto& walk : due) {
        actors::sync_request request;
        request.direction = walk.direction;
        request.trigger = "cron";
        caf::anon_send(registry, actors::sync_atom_v, walk.tenant_id, walk.shop_domain, request);
      }
      if (!due.empty()) log::debug("sync", "walks scheduled", {{"count", static_cast<std::int64_t>(due.size())}});
    } catch (const std::exception& e) {
      log::warn("sync", "could not schedule reconciliation", {{"error", e.what()}});
    }
  }
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
  // A stored order webhook nudges its shop's connection, which applies it behind any running job.
  if (!ctx.webhooks) ctx.webhooks = make_webhook_ingest(ctx.webhook_db ? ctx.webhook_db : ctx.db, ctx.settings.webhook_db_connections);
  ctx.webhooks->set_after_commit([r = registry](std::int64_t tenant_id, const std::string& shop, const std::string& topic,
                                                std::int64_t event_id) {
    if (topic != "orders/create" && topic != "orders/paid") return;
    caf::anon_send(r, actors::sync_atom_v, tenant_id, shop, webhook_request(event_id));
  });
}

actors::sync_request sync_services::webhook_request(std::int64_t event_id) {
  actors::sync_request request;
  request.direction = "webhook";
  request.trigger = "webhook";
  request.event_id = event_id;
  return request;
}

void sync_services::start_scheduler() {
  boost::asio::co_spawn(env->executor, schedule_walks(env->db, registry, env->sweep_interval), boost::asio::detached);
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

sync_services::~sync_services() { stop(); }

void sync_services::stop() {
  caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(limiter, caf::exit_reason::user_shutdown);
}

}  // namespace nexsync::app
