#pragma once
// GET/POST /login and POST /logout.

#include "app/context.hpp"
#include "http/router.hpp"

namespace nexsync::app {

/// Adds the login and logout routes.
void add_login_routes(http::router& r, context& ctx);

}  // namespace nexsync::app
