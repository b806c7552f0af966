#pragma once
// POST /api/webhooks/shopify: verify, bind to the shop's tenant, store durably (group commit), answer.

#include "app/context.hpp"
#include "http/router.hpp"

namespace nexsync::app {

/// Adds the Shopify webhook route (builds ctx.webhooks if the server did not).
void add_webhook_routes(http::router& r, context& ctx);

}  // namespace nexsync::app
