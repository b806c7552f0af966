#pragma once
// What a sync job needs from the outside: the database, Shopify, the rate limiter and a token.
// Built once by the server; jobs run as Asio coroutines on `executor`.

#include "actors/rate_limiter.hpp"
#include "shopify/admin_client.hpp"
#include "storage/pool.hpp"
#include "sync/job_stopper.hpp"

#include <caf/actor_system.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <random>
#include <string>

namespace nexsync::sync {

/// A usable access token for one shop.
struct shop_token {
  std::string subdomain;
  std::string token;
};

/// Gets the tenant's token (refreshing it first when force_refresh or about to expire).
using token_source =
    std::function<boost::asio::awaitable<shopify::client_result<shop_token>>(std::int64_t tenant_id, bool force_refresh)>;

/// Limits on retrying one Shopify call.
struct retry_policy {
  int max_attempts = 6;                                    ///< per call, including the first
  std::chrono::milliseconds base_backoff{200};             ///< 5xx/timeouts: base × 2^n, with jitter
  std::chrono::milliseconds max_backoff{10000};
};

/// The services of every job.
struct job_env {
  std::shared_ptr<storage::pool> db;
  std::shared_ptr<shopify::admin_client> shopify;
  caf::actor_system* system = nullptr;
  actors::rate_limiter_actor limiter;
  token_source token;
  boost::asio::any_io_executor executor;
  retry_policy retries;
  /// The incremental sweep: how often it runs per shop and the share of the shop's budget it may use.
  std::chrono::seconds sweep_interval{300};
  double sweep_budget_share = 0.02;
  /// Import Products goes through a bulk operation from this many products on (0: always paged).
  std::int64_t bulk_import_min_products = 2000;
  /// Jobs in flight, and the server's request that they stop (at its shutdown).
  job_stopper stopper;
};

}  // namespace nexsync::sync
