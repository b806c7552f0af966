#pragma once
// GET /integrations (the Connected section; the Two-Way Sync panel is added by the sync work) and
// disconnecting Shopify: POST /api/integrations/shopify/disconnect (JSON) and
// POST /integrations/shopify/disconnect (form).

#include "app/context.hpp"
#include "http/router.hpp"

namespace nexsync::app {

/// Adds the integrations page and the disconnect routes.
void add_integrations_routes(http::router& r, context& ctx);

}  // namespace nexsync::app
