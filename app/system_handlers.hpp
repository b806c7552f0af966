#pragma once
// /healthz, /readyz, /metrics, /static/*, and the start page.

#include "app/context.hpp"
#include "http/router.hpp"

namespace nexsync::app {

/// Adds the health, metrics, static-asset and start-page routes.
void add_system_routes(http::router& r, context& ctx);

}  // namespace nexsync::app
