#pragma once
// Connecting a store: GET /website/connect (the cards), POST /website/connect/shopify (start OAuth)
// and GET /api/integrations/shopify/callback (finish it: verify, exchange, register, store).

#include "app/context.hpp"
#include "http/router.hpp"

#include <string_view>

namespace nexsync::app {

/// Adds the connect routes (and builds the Shopify services in ctx).
void add_connect_routes(http::router& r, context& ctx);

/// A sentence for a person explaining an `?error=` code of the connect and integrations pages
/// (a generic one for unknown codes).
std::string_view connect_error_message(std::string_view code);

}  // namespace nexsync::app
