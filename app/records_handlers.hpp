#pragma once
// The back-office records: /inventory (with Adjust Stock), /customers, /sales and their JSON API.

#include "app/context.hpp"
#include "http/router.hpp"

namespace nexsync::app {

/// /inventory, /inventory/{sku}, GET/POST /api/inventory, GET /api/inventory/{sku}, POST /api/inventory/{sku}/adjust.
void add_inventory_routes(http::router& r, context& ctx);

/// /customers and GET /api/customers.
void add_customer_routes(http::router& r, context& ctx);

/// /sales, /sales/{id}, GET /api/sales and GET /api/sales/{id}.
void add_sales_routes(http::router& r, context& ctx);

}  // namespace nexsync::app
