#pragma once
// A tenant's Shopify integration stored as the OAuth callback would leave it (connected), for tests that
// need a shop to belong to a tenant without running the OAuth round trip. The sealed config is a
// placeholder: nothing in such a test calls Shopify with it.

#include "storage/integrations_repo.hpp"

#include <cstdint>
#include <string>

namespace nexsync::test {

inline void save_shopify_connection(storage::connection& c, std::int64_t tenant_id, const std::string& shop) {
  storage::new_connection n;
  n.tenant_id = tenant_id;
  n.provider = "shopify";
  n.shop_domain = shop;
  n.sealed_config = "sealed-placeholder";
  n.key_id = "k1";
  n.granted_scopes = "read_orders";
  storage::save_connection(c, n);
}

}  // namespace nexsync::test
