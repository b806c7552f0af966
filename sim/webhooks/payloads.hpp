#pragma once
// Webhook bodies shaped like Shopify's documented REST-style examples.

#include "sim/store/model.hpp"

#include <boost/json/value.hpp>

#include <optional>

namespace nexsync::sim::webhooks {

/// orders/create, orders/paid, orders/updated: the Order resource.
boost::json::value order_payload(const store::shop& s, std::size_t order_index);
/// app/uninstalled, shop/update: the Shop resource.
boost::json::value shop_payload(const store::shop& s);
/// bulk_operations/finish.
boost::json::value bulk_finish_payload(const store::shop& s, const store::bulk_operation& op);
/// customers/data_request, customers/redact, shop/redact for a customer (or the whole shop for shop/redact).
boost::json::value compliance_payload(const store::shop& s, const std::string& topic, std::optional<std::size_t> customer,
                                      std::uint64_t request_id);

}  // namespace nexsync::sim::webhooks
