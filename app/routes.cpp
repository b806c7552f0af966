#include "app/routes.hpp"

#include "app/completeness_handlers.hpp"
#include "app/connect_handlers.hpp"
#include "app/integrations_handlers.hpp"
#include "app/login_handlers.hpp"
#include "app/records_handlers.hpp"
#include "app/sync_handlers.hpp"
#include "app/system_handlers.hpp"
#include "app/webhook_handlers.hpp"

namespace nexsync::app {

void add_routes(http::router& r, context& ctx) {
  add_system_routes(r, ctx);
  add_login_routes(r, ctx);
  add_inventory_routes(r, ctx);
  add_customer_routes(r, ctx);
  add_sales_routes(r, ctx);
  add_connect_routes(r, ctx);
  add_integrations_routes(r, ctx);
  if (ctx.sync) add_sync_routes(r, ctx, *ctx.sync);
  add_webhook_routes(r, ctx);
  add_completeness_routes(r, ctx);
}

}  // namespace nexsync::app
