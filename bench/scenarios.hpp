#pragma once
// The scenarios of nexsync-bench. Each runs end to end, prints its table to out and returns its figures
// as JSON, with "ok": false when something was wrong (not when a target was missed: that is a figure).

#include "bench/stack.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <ostream>
#include <string>

namespace nexsync::bench {

struct ceiling_options {
  std::int64_t rows = 20000;          ///< rows per batched mode and for COPY
  std::int64_t single_rows = 3000;    ///< rows for one-row-per-commit
  double seconds = 20;                ///< time bound per mode
};
boost::json::object run_ceiling(const stack_options& so, const ceiling_options& o, std::ostream& out);

struct webhooks_options {
  int shops = 8;
  int connections = 32;
  double seconds = 10;
  double rate = 0;                    ///< 0: as fast as acknowledged, then also at half that rate
  bool half = true;                   ///< run the half-rate pass
  std::uint64_t max_requests = 0;     ///< count bound per pass (0: none)
  double warmup_seconds = 2;
};
boost::json::object run_webhooks(const stack_options& so, const webhooks_options& o, std::ostream& out);

struct storm_options {
  int tenants = 6;
  double scale = 1;                   ///< multiplies catalog sizes
  double restore_scale = 1;           ///< multiplies every shop's restore rate and bucket (smaller: slower runs)
  int push_changes = 600;             ///< inventory rows changed before Push Inventory (0: skip)
  double timeout_s = 600;
};
boost::json::object run_sync_storm(const stack_options& so, const storm_options& o, std::ostream& out);

struct import_options {
  int products = 33334;
  int variants_per_product = 3;
  double timeout_s = 1200;
};
boost::json::object run_unthrottled_import(const stack_options& so, const import_options& o, std::ostream& out);

struct bulk_options {
  int products = 33334;
  int variants_per_product = 3;
  int paged_products = 3334;          ///< the paged run's catalog (its time is projected to `products`); 0: the same
  std::string plan = "standard";
  double bulk_ms = 0;                 ///< the simulator's bulk_duration_ms for the bulk shop
  double timeout_s = 3600;
};
boost::json::object run_bulk_vs_paged(const stack_options& so, const bulk_options& o, std::ostream& out);

struct drift_options {
  double minutes = 4;                 ///< how long paid orders keep coming
  double order_every_s = 15;          ///< one paid order this often
  int sweep_minutes = 1;              ///< the server's NEXSYNC_SWEEP_INTERVAL_MINUTES
  bool cron = false;                  ///< call the cron endpoint once after the orders instead of waiting for sweeps
  double settle_s = 300;              ///< how long to wait for the last orders once creation stops
};
boost::json::object run_drift(const stack_options& so, const drift_options& o, std::ostream& out);

struct idle_options {
  int tenants = 10000;
  int clicks = 500;                   ///< cold first clicks measured
  int connect_threads = 4;
};
boost::json::object run_idle_tenants(const stack_options& so, const idle_options& o, std::ostream& out);

struct mixed_options {
  int products = 33334;
  int variants_per_product = 3;
  double webhook_rate = 800;          // about half of what the durable webhooks pass acknowledges here
  int connections = 16;
  double seconds = 30;                // upper bound of the window, which ends with the import
};
boost::json::object run_mixed(const stack_options& so, const mixed_options& o, std::ostream& out);

}  // namespace nexsync::bench
