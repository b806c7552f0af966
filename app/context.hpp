#pragma once
// The services every handler may use, built once by `nexsync serve`.

#include "auth/login_limiter.hpp"
#include "config/settings.hpp"
#include "storage/pool.hpp"

#include <atomic>
#include <memory>

namespace nexsync::crypto {
class keyring;
}
namespace nexsync::shopify {
class http_transport;
class admin_client;
}

namespace nexsync::app {

class metrics;
struct sync_services;
class webhook_ingest;
class shop_tenant_cache;

/// Shared, thread-safe services of the running server.
struct context {
  config::settings settings;
  std::shared_ptr<storage::pool> db;
  /// Connections only the webhook batcher uses: storing a webhook never waits behind sync work.
  std::shared_ptr<storage::pool> webhook_db;
  std::shared_ptr<metrics> stats;
  auth::login_limiter login_by_email{5, std::chrono::minutes(15)};
  auth::login_limiter login_by_ip{30, std::chrono::minutes(15)};
  std::atomic<bool> migrations_applied{false};
  /// Master keys sealing integration credentials (built from the settings with the routes).
  std::shared_ptr<crypto::keyring> keys;
  /// The HTTP(S) transport to Shopify (declared before the client, which refers to it).
  std::shared_ptr<shopify::http_transport> shopify_transport;
  /// Shopify operations for the configured app.
  std::shared_ptr<shopify::admin_client> shopify;
  /// Group commit of verified webhooks (built with the webhook route; set its after-commit hook).
  std::shared_ptr<webhook_ingest> webhooks;
  /// Shop -> tenant for webhook deliveries (built with the webhook route).
  std::shared_ptr<shop_tenant_cache> webhook_shops;

  /// The actor runtime, rate limiter, shop connections and sync jobs (started by the instance).
  std::shared_ptr<sync_services> sync;

  /// Whether cookies need the Secure attribute (the public URL is https).
  bool secure_cookies() const { return settings.public_url.starts_with("https://"); }
};

}  // namespace nexsync::app
