#pragma once
// What Import Products' two ways share: paged (sync/import_products.cpp, which also chooses the way)
// and through a bulk operation (sync/import_products_bulk.cpp). Both turn variants into the same rows,
// write them in pages of one transaction each and record the same skip reasons.

#include "storage/inventory_repo.hpp"
#include "sync/run.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>

namespace nexsync::sync {

/// A variant node as the row the import writes; the product's id and title come from its product.
storage::shopify_item_row item_row(std::string_view product_id, std::string_view product_title,
                                   const boost::json::value& variant);

/// What names a row in the run's skipped list: its SKU, else the variant id.
std::string skip_key(const storage::shopify_item_row& row);

/// Writes one page of rows and its counts in one transaction, under the run's id (duplicates across
/// pages of one run are recognised by it); keys[i] names row i in the skipped list. Returns the tally
/// for run::counted, which the caller adds once the writes running together are done.
boost::asio::awaitable<page_tally> write_page(const run& r, std::vector<storage::shopify_item_row> rows,
                                              std::vector<std::string> keys);

/// Runs both at once. When one fails the other is cancelled, and the failure that came first is thrown:
/// not Asio's `&&`, which throws the first in argument order (often the other one's "Operation
/// canceled") wrapped as "multiple exceptions", hiding what went wrong from the run's record.
template <class A, class B>
boost::asio::awaitable<std::tuple<A, B>> together(boost::asio::awaitable<A> a, boost::asio::awaitable<B> b) {
  namespace asio = boost::asio;
  auto ex = co_await asio::this_coro::executor;
  auto group = asio::experimental::make_parallel_group(asio::co_spawn(ex, std::move(a), asio::deferred),
                                                       asio::co_spawn(ex, std::move(b), asio::deferred));
  auto done = co_await group.async_wait(asio::experimental::wait_for_one_error(), asio::use_awaitable);
  const auto& order = std::get<0>(done);  // indexes in the order they completed
  std::exception_ptr errors[2] = {std::get<1>(done), std::get<3>(done)};
  for (auto i : order)
    if (errors[i]) std::rethrow_exception(errors[i]);
  co_return std::tuple<A, B>{std::move(std::get<2>(done)), std::move(std::get<4>(done))};
}

/// What the products pages so far said about the budget (extensions.cost) and the catalog.
struct page_budget {
  double available = -1;           ///< Shopify's currently available points after it (-1: not said)
  double actual_per_product = 0;   ///< its actual cost per product returned (0: not known)
  int largest_product = 0;         ///< most variants of one product seen so far (0: none seen yet)
};

/// Variants the next page asks for per product: as many as the largest product seen so far has (20
/// until one is seen, and at most 20). Shopify prices a call by every variant it asks for, whether or
/// not a product has it, and must hold that price in the bucket before running the call; jewellers'
/// products often have a handful, so asking for 20 each priced a page at 862 points while it spent
/// ~180. A product larger than any before gets the rest of its variants by product_variants_page.
int variants_per_product(const page_budget& budget);

/// How many products the next page asks for, `seen` of `total` (productsCount; 0: unknown) being in.
/// With full pages the bucket never drains below a page's requested cost, so the import would end
/// with that much unused. So once the bucket already holds what the rest will cost, each page asks for
/// only as many products as the bucket holds now, draining it instead of waiting.
int next_products_page(std::int64_t total, std::int64_t seen, const page_budget& budget);

/// When an import refreshes the planner's statistics (storage::refresh_inventory_statistics): once
/// 1,000 rows are written, then each time the count has grown fourfold (a few ANALYZEs per import).
class statistics_schedule {
 public:
  bool due(std::int64_t written) {
    if (written < next_) return false;
    while (next_ <= written) next_ *= 4;
    return true;
  }

 private:
  std::int64_t next_ = 1000;
};

/// Refreshes the statistics when `schedule` says the rows written so far (r.synced) call for it.
boost::asio::awaitable<void> refresh_statistics_if_due(run& r, statistics_schedule& schedule);

/// Whether a catalog of `products` products is imported through a bulk operation (threshold 0: never;
/// an unknown count, 0, never either).
bool use_bulk_import(std::int64_t products, std::int64_t min_products);

/// Imports every variant through a bulk operation: start it, wait for it, download its JSONL file and
/// write it in pages. False (nothing done) when Shopify will not start one now because others are
/// running (OPERATION_IN_PROGRESS or LIMIT_REACHED): the caller then pages instead. Throws job_failure otherwise.
boost::asio::awaitable<bool> import_products_bulk(run& r);

// ---- Pure parts of the bulk way (unit-tested) ----

/// A bulk operation as bulkOperation(id:) reports it.
struct bulk_state {
  std::string id;
  std::string status;       ///< CREATED, RUNNING, COMPLETED, FAILED, CANCELING, CANCELED, EXPIRED
  std::string error_code;   ///< when FAILED: ACCESS_DENIED, INTERNAL_SERVER_ERROR, TIMEOUT
  std::string url;          ///< the JSONL file when COMPLETED (empty: nothing matched)
  std::int64_t object_count = 0, root_object_count = 0;
};

/// Reads `data.bulkOperation` of a status reply; nullopt when it is missing (unknown id).
std::optional<bulk_state> read_bulk_state(const boost::json::value& reply_body);

/// True while the operation may still complete (CREATED, RUNNING).
bool bulk_running(const bulk_state& s);

/// The sentence for a person when the operation ended without a file to import; empty when COMPLETED.
std::string bulk_failure_message(const bulk_state& s);

/// How long to wait before the next status poll, after `waited` so far: a quarter of it, from 100 ms
/// to a second, every second for the first minute, then backing off to every 10 s.
std::chrono::milliseconds bulk_poll_delay(std::chrono::milliseconds waited);

/// Shopify's JSONL export of products with their variants, read in two passes over the same lines:
/// the first learns every product's title and checks every line, the second turns variant lines into
/// rows. (Children come after their parent but not necessarily right after it, so titles are known
/// for every variant only once the whole file has been seen.)
class bulk_catalog {
 public:
  /// First pass, one line: false when it is not a JSON object with an id (the file is unusable).
  bool learn(std::string_view line);
  /// Second pass, one line: the row of a variant line; nullopt for a product (or empty) line.
  std::optional<storage::shopify_item_row> row_of(std::string_view line) const;
  /// Variant lines seen by the first pass.
  std::int64_t variants() const { return variants_; }
  /// Product lines seen by the first pass.
  std::int64_t products() const { return static_cast<std::int64_t>(titles_.size()); }

 private:
  std::unordered_map<std::string, std::string> titles_;  // product gid -> title
  std::int64_t variants_ = 0;
};

}  // namespace nexsync::sync
