#pragma once
// POST /api/webhooks/shopify: verify, bind to the shop's tenant, store durably (group commit), answer.

#include "app/context.hpp"
#include "http/router.hpp"

#include <cstddef>
#include <string_view>

namespace nexsync::app {

/// Where Shopify delivers webhooks (the address connect subscribes).
inline constexpr std::string_view webhook_path = "/api/webhooks/shopify";
/// Their body limit: Shopify sends an order whole, and one with hundreds of line items passes the
/// server's 1 MB (its support: "upwards of a megabyte"); a 413 would be retried and then dropped.
inline constexpr std::size_t webhook_body_limit = 16 * 1024 * 1024;

/// Adds the Shopify webhook route (builds ctx.webhooks if the server did not).
void add_webhook_routes(http::router& r, context& ctx);

}  // namespace nexsync::app
