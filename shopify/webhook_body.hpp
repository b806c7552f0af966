#pragma once
// What the webhook endpoint needs from a delivery's body, read in one streaming pass (no JSON tree):
// whether it is a JSON object, the shop it names, the order an orders/* body names, and the customer a
// customers/redact names.
// A tree of a 7.5 KB orders/create body was 12% of the server's CPU per webhook (perf, bench webhooks).

#include <string>
#include <string_view>

namespace nexsync::shopify {

struct webhook_body_facts {
  bool is_object = false;
  std::string problem;         ///< why the body is unusable (when is_object is false)
  std::string named_shop;      ///< the myshopify.com domain the body names (lower case), if any
  std::string customer_id;     ///< the top-level customer's id (customers/redact), as text
  std::string customer_email;  ///< the top-level customer's email
  /// The order's GraphQL id: admin_graphql_api_id when it is an Order gid, else one made of a positive
  /// numeric top-level id; empty when neither (an Order resource always has both).
  std::string order_gid;
};

/// The topics whose body is an Order, which nexsync records as sales.
bool is_order_topic(std::string_view topic);

/// What the webhook inbox keeps of an order topic's body that names its order: {"admin_graphql_api_id":
/// gid}, which read_webhook_body reads back to the same order_gid. Empty for any other body, which is
/// kept as it came.
std::string inbox_order_body(std::string_view topic, const webhook_body_facts& facts);

/// The shop a body names: its top-level shop_domain (compliance topics), myshopify_domain
/// (app/uninstalled's Shop resource) or the host of order_status_url (orders), the first present in
/// that order. Only the body is signed, so this is what ties a delivery to its shop.
webhook_body_facts read_webhook_body(std::string_view body);

}  // namespace nexsync::shopify
