#pragma once
// The Two-Way Sync API: start a sync and wait for it, status, run history and skipped rows, and the
// reconciliation cron endpoint.

#include "app/context.hpp"
#include "http/router.hpp"

namespace nexsync::app {

struct sync_services;

/// Adds the sync routes.
void add_sync_routes(http::router& r, context& ctx, sync_services& services);

}  // namespace nexsync::app
