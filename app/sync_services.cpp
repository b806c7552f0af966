#include "app/sync_services.hpp"

#include "actors/shop_connection.hpp"
#include "app/shopify_access.hpp"
#include "sync/run.hpp"

#include <caf/all.hpp>

namespace nexsync::app {

namespace {
// An idle shop's connection stops after this long; the registry respawns it on the next click.
constexpr std::chrono::minutes connection_idle{5};
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
  env->executor = executor;
  env->token = [&ctx](std::int64_t tenant_id,
                      bool force) -> boost::asio::awaitable<shopify::client_result<sync::shop_token>> {
    auto access = co_await get_shopify_access(ctx, tenant_id, force);
    if (!access) co_return access.error();
    co_return sync::shop_token{access->subdomain, access->token};
  };
  registry = actors::spawn_connection_registry(runtime.system(), sync::make_job_starter(env), connection_idle);
}

sync_services::~sync_services() { stop(); }

void sync_services::stop() {
  caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(limiter, caf::exit_reason::user_shutdown);
}

}  // namespace nexsync::app
