#pragma once
// What the tenant can check about order completeness: the latest reconcile and sweep reports
// ("Shopify has N paid orders in this window, nexsync has N") and the states of recent webhooks.

#include "app/context.hpp"
#include "http/router.hpp"
#include "storage/reconcile_repo.hpp"
#include "storage/webhook_events_repo.hpp"

#include <boost/json/object.hpp>

namespace nexsync::app {

/// GET /api/integrations/shopify/completeness and GET /api/integrations/shopify/webhooks.
void add_completeness_routes(http::router& r, context& ctx);

/// A report as JSON (also rendered on /integrations).
boost::json::object report_json(const storage::reconcile_report& report);
/// A stored webhook as JSON, without its payload.
boost::json::object event_json(const storage::webhook_event_row& event);

}  // namespace nexsync::app
