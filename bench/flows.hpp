#pragma once
// Flows several scenarios share: a Sync click waited for, the simulator's per-shop counters.

#include "bench/orders.hpp"
#include "bench/stack.hpp"

#include <boost/json/object.hpp>

#include <string>

namespace nexsync::bench {

/// The answer to one Sync click (POST /api/integrations/shopify/sync), which returns when the run ends.
struct click_result {
  unsigned status = 0;
  double seconds = 0;
  std::int64_t run_id = 0, synced = 0, skipped = 0, failed = 0;
  std::string error;                 ///< the run's error, or the HTTP problem
  boost::json::object body;
  bool ok() const { return status == 200 && error.empty(); }
};

/// Clicks Sync for direction (products | customers | orders | inventory) as t and waits for the run.
click_result click_sync(const stack& s, const tenant& t, const std::string& direction, double timeout_s);

/// The simulator's counters of a shop: calls, throttled, cost_used, bucket.
struct shop_stats {
  std::int64_t calls = 0, throttled = 0, cost_used = 0;
  double maximum = 0, available = 0, restore_rate = 0;
};
shop_stats read_shop_stats(stack& s, const std::string& shop);
/// The orders of a simulator shop (GET /_sim/shops/{shop}/orders).
std::vector<order_ref> sim_orders(stack& s, const std::string& shop);

/// Resets a shop's counters.
void reset_shop_stats(stack& s, const std::string& shop);

}  // namespace nexsync::bench
