#pragma once
// Webhook bodies shaped like Shopify's documented orders/create example (REST-style Order resource:
// money sets, line items, customer, billing and shipping addresses), about 5 KB each.

#include <cstdint>
#include <string>

namespace nexsync::bench {

/// An orders/create body for order_id of shop (subdomain), with `lines` line items.
std::string order_created_body(const std::string& shop, std::uint64_t order_id, std::uint64_t number, int lines = 3);

/// base64(HMAC-SHA256(secret, body)): the X-Shopify-Hmac-Sha256 header.
std::string webhook_signature(const std::string& secret, const std::string& body);

}  // namespace nexsync::bench
