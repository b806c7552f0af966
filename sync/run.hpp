#pragma once
// One run of a sync job: its identity, counters, progress reports to the shop's connection, and the
// sync_runs row that records it. Each direction is a coroutine taking a run.

#include "actors/shop_connection.hpp"
#include "storage/records.hpp"
#include "storage/sales_repo.hpp"
#include "storage/sync_runs_repo.hpp"
#include "sync/shopify_call.hpp"

#include <stdexcept>

namespace nexsync::sync {

/// A job failed in a way a person should read (the run is recorded as failed with this message).
struct job_failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Record counts of a shop.
struct shop_counts {
  std::int64_t products = 0, customers = 0, paid_orders = 0;
};

/// What one page adds to its run: counts, and the skipped rows with why.
struct page_tally {
  std::int64_t synced = 0, skipped = 0;
  std::vector<storage::skip_row> skips;
};

/// The tally of a page's outcomes; keys[i] names row i in the skipped list.
page_tally tally_of(const std::vector<storage::row_outcome>& outcomes, const std::vector<std::string>& keys);

/// Adds a tally to the run's row, inside the caller's transaction (so a page's counts commit with it).
void write_tally(storage::connection& c, std::int64_t tenant_id, std::int64_t run_id, const page_tally& tally);

/// The state of one running job.
class run {
 public:
  run(job_env& env, std::int64_t tenant_id, std::string shop, actors::sync_request request,
      actors::shop_connection_actor connection);

  job_env& env;
  const std::int64_t tenant_id;
  const std::string shop;  ///< shop domain
  const actors::sync_request request;
  std::int64_t run_id = 0;
  std::int64_t synced = 0, skipped = 0, failed = 0, total = 0;

  /// The limiter priority of this job's calls (a click before webhook work before cron).
  actors::call_priority priority() const;
  /// A call of this run (document, page size, variables), failing the job when Shopify cannot answer.
  /// `requested_cost`: when the document's cost(first) does not apply.
  boost::asio::awaitable<shopify::graphql_reply> call(const shopify::graphql_document& doc, int first,
                                                      boost::json::object variables,
                                                      std::optional<int> requested_cost = std::nullopt);
  /// Counts a page's outcomes (keys[i] names row i for the skipped list) and records them in the run.
  boost::asio::awaitable<void> record(const std::vector<storage::row_outcome>& outcomes,
                                      const std::vector<std::string>& keys);
  /// Adds a tally the page's own transaction already wrote (write_tally) to the counters. Not from two
  /// coroutines at once: call it after the writes running together have finished.
  void counted(const page_tally& tally);
  /// How many products, customers and paid orders the shop has (for progress totals); zeros when
  /// Shopify cannot say (a count is never worth failing a run for).
  boost::asio::awaitable<shop_counts> counts();
  /// Records the expected number of rows, when known.
  boost::asio::awaitable<void> set_total(std::int64_t n);
  /// The same, for a total the job wrote itself (storage::set_run_total in one of its own pool trips).
  void total_recorded(std::int64_t n);
  /// Tells the connection (and so the page) how far the run is.
  void report_progress();
  /// Ends the job as interrupted when the server is stopping. Called where stopping loses nothing:
  /// after a page and its counts have committed (every Shopify call checks the same before it goes).
  void stop_point() const;

 private:
  actors::shop_connection_actor connection_;
};

/// Runs one job to completion and sends finished_atom to the connection (never throws).
boost::asio::awaitable<void> run_job(std::shared_ptr<job_env> env, actors::shop_connection_actor connection,
                                     std::int64_t tenant_id, std::string shop, actors::sync_request request);

/// The job starter the connection registry uses: co_spawns run_job on env->executor.
actors::job_starter make_job_starter(std::shared_ptr<job_env> env);

// The directions (sync/<direction>.cpp).
boost::asio::awaitable<void> import_products(run& r);
boost::asio::awaitable<void> import_customers(run& r);
/// Every readable paid order becomes a sale (the Import Orders button).
boost::asio::awaitable<void> import_orders(run& r);
/// Reconciliation (direction reconcile: daily or cron, uncapped) or the incremental sweep (direction
/// sweep: capped to a share of the shop's budget): paid orders updated since the last complete walk of
/// that kind minus an overlap become sales, then a completeness report is stored and the mark moves.
boost::asio::awaitable<void> reconcile_orders(run& r);
boost::asio::awaitable<void> push_inventory(run& r);
/// Applies this shop's stored orders/create and orders/paid webhooks, oldest first, until none wait.
boost::asio::awaitable<void> apply_webhooks(run& r);

// Shared by the order directions (sync/import_orders.cpp).
/// What a walk over paid orders saw.
struct order_walk {
  std::vector<std::string> ids;    ///< Shopify order gids, in the order read
  std::vector<std::string> names;  ///< their names ("#1001"), for people
  double cost = 0;                 ///< query cost points spent (actual where Shopify said)
  double restore_rate = 0;         ///< the shop's restore rate (points/s) from the last answer
  bool complete = false;           ///< false: stopped at max_cost before the last page
  std::string next_cursor;         ///< when not complete: where the walk would continue
};
/// Walks paid orders updated since `since` (ISO 8601; empty: all), oldest update first, from `cursor`
/// (empty: the start), recording each page as sales of `source`; stops early once max_cost points are
/// spent (0: no limit).
boost::asio::awaitable<order_walk> walk_paid_orders(run& r, std::string since, std::string source, int page_size,
                                                    double max_cost, std::string cursor);
/// An order as Shopify's Order node reads (first page of line items).
storage::order_row order_of(const boost::json::value& order_node);
/// Reads the order's line items after `cursor` into order.
boost::asio::awaitable<void> more_lines(run& r, storage::order_row& order, std::string cursor);

/// Reads a string field (empty when missing or not a string).
std::string text_of(const boost::json::value* v);
/// The value at a dotted path of keys ("data.products.nodes"), or nullptr.
/// (A dotted string, not an initializer list: g++ 12 rejects initializer lists in coroutines.)
const boost::json::value* at_path(const boost::json::value& root, std::string_view dotted_path);

}  // namespace nexsync::sync
