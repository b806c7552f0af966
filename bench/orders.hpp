#pragma once
// Webhook bodies shaped like Shopify's documented orders/create example (REST-style Order resource:
// money sets, line items, customer, billing and shipping addresses), about 5 KB each.

#include "bench/load.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace nexsync::bench {

/// An orders/create body for order_id of shop (subdomain), with `lines` line items (1: ~4.5 KB, 3: ~8.6 KB).
std::string order_created_body(const std::string& shop, std::uint64_t order_id, std::uint64_t number, int lines = 3);

/// base64(HMAC-SHA256(secret, body)): the X-Shopify-Hmac-Sha256 header.
std::string webhook_signature(const std::string& secret, const std::string& body);

/// A delivery body with its shop and signature.
struct signed_body {
  std::string shop_domain;
  std::string body;
  std::string hmac;
};

/// An order that exists in a simulator shop (so nexsync's apply, which re-reads it, finds it).
struct order_ref {
  std::string shop;          ///< subdomain
  std::uint64_t id = 0;      ///< numeric (legacy) id
  std::uint64_t number = 0;  ///< order number (name without '#')
};

/// n signed orders/create bodies, round-robin over orders.
std::vector<signed_body> signed_ring(const std::vector<order_ref>& orders, int n, const std::string& secret);

/// Request seq: POST /api/webhooks/shopify with ring[seq % size], Shopify's headers and the unique webhook
/// id prefix + seq. The ring must outlive the maker.
make_request webhook_maker(const std::vector<signed_body>& ring, const std::string& prefix, unsigned short port);

}  // namespace nexsync::bench
