#pragma once
// Every route of the server, in one place.

#include "app/context.hpp"
#include "http/router.hpp"

namespace nexsync::app {

/// Adds all routes to r.
void add_routes(http::router& r, context& ctx);

}  // namespace nexsync::app
