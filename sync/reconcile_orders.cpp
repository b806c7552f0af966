// Reconciliation and the incremental sweep: walk paid orders updated since the last complete walk
// (minus an overlap), record each one that has no sale, then store the completeness report and move
// the mark to when this walk started, only when the walk completed.
#include "log/log.hpp"
#include "storage/reconcile_repo.hpp"
#include "storage/records.hpp"
#include "sync/run.hpp"

#include <chrono>
#include <ctime>

namespace nexsync::sync {

namespace {

// Walks start this far before the last mark, so an order updated while the previous walk was
// reading (or with a clock a little behind ours) is not missed.
constexpr std::int64_t reconcile_overlap_seconds = 3600;
constexpr std::int64_t sweep_overlap_seconds = 120;
// A first sweep without any mark looks back one day (the daily reconcile covers the rest).
constexpr std::int64_t first_sweep_seconds = 86400;
// Sweeps read small pages: a quiet shop's window holds few orders, and a small page keeps one call
// far below the sweep's share of the budget.
constexpr int sweep_page_size = 10;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

boost::asio::awaitable<void> reconcile_orders(run& r) {
  const std::string kind = r.request.direction;  // reconcile | sweep
  const bool sweep = kind == "sweep";
  const auto started_at = unix_now();
  auto tenant = r.tenant_id;

  std::optional<std::int64_t> from;
  std::string cursor;  // a sweep resuming where the cap stopped the last one
  if (!r.request.since.empty()) {
    // An explicit window (the cron endpoint may name one); the mark still moves on success.
    std::tm tm{};
    if (!strptime(r.request.since.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) throw job_failure("since is not an ISO 8601 time");
    from = timegm(&tm);
  } else {
    auto marks = [tenant, kind](storage::connection& c) {
      auto own = storage::walk_mark(c, tenant, kind);
      if (!own && kind == "sweep") own = storage::walk_mark(c, tenant, "reconcile");
      auto resume = kind == "sweep" ? storage::find_sweep_resume(c, tenant) : std::nullopt;
      return std::make_pair(own, resume);
    };
    auto [mark, resume] = co_await r.env.db->query(marks);
    if (resume) {
      from = resume->window_from;  // the same query, so the stored cursor is valid for it
      cursor = resume->cursor;
    } else if (mark) {
      from = *mark - (sweep ? sweep_overlap_seconds : reconcile_overlap_seconds);
    } else if (sweep) {
      from = started_at - first_sweep_seconds;
    }
  }

  // The sweep's cap in points: its share of what the shop restores between two sweeps, at the lowest
  // plan's restore rate (so it holds on every plan).
  double cap = 0;
  if (sweep) cap = r.env.sweep_budget_share * 100.0 * static_cast<double>(r.env.sweep_interval.count());
  // Named arguments: g++ 12 destroys std::string temporaries inside a co_await expression twice.
  std::string since = from ? storage::iso_utc_time(*from) : std::string{};
  std::string source = "reconciliation";
  int page_size = sweep ? sweep_page_size : shopify::orders_page.page_size;
  auto walk = co_await walk_paid_orders(r, since, source, page_size, cap, cursor);

  storage::reconcile_report report;
  report.tenant_id = tenant;
  report.shop_domain = r.shop;
  report.run_id = r.run_id;
  report.kind = kind;
  report.window_from = from;
  report.window_to = started_at;
  report.shopify_paid = static_cast<std::int64_t>(walk.ids.size());
  report.cost_points = static_cast<std::int64_t>(walk.cost + 0.5);
  report.cost_cap = static_cast<std::int64_t>(cap + 0.5);
  report.complete = walk.complete;
  auto ids = walk.ids;
  auto names = walk.names;
  // A capped sweep stores where it stopped; the next continues there with the same window. Pages come
  // oldest update first, so an order updated meanwhile moves behind the cursor and is still read.
  std::optional<storage::sweep_resume> resume;
  if (sweep && !walk.complete && !walk.next_cursor.empty()) resume = storage::sweep_resume{from.value_or(0), walk.next_cursor};
  auto finish = [report, ids, names, started_at, resume, sweep](storage::connection& c) mutable {
    auto missing = storage::orders_without_sale(c, report.tenant_id, ids);
    for (auto& id : missing) {
      for (std::size_t i = 0; i < ids.size(); ++i)
        if (ids[i] == id) {
          report.missing.push_back(names[i]);
          break;
        }
    }
    report.recorded = report.shopify_paid - static_cast<std::int64_t>(missing.size());
    storage::transaction tx{c};
    storage::save_report(c, report);
    if (report.complete) storage::set_walk_mark(c, report.tenant_id, report.kind, started_at);
    if (sweep) storage::set_sweep_resume(c, report.tenant_id, resume);
    tx.commit();
    return report;
  };
  auto saved = co_await r.env.db->query(finish);
  log::info("sync", sweep ? "sweep finished" : "reconciliation finished",
            {{"tenant_id", tenant}, {"shopify_paid", saved.shopify_paid}, {"recorded", saved.recorded},
             {"missing", static_cast<std::int64_t>(saved.missing.size())}, {"cost_points", saved.cost_points},
             {"complete", saved.complete}});
  if (!saved.missing.empty())
    throw job_failure(std::to_string(saved.missing.size()) + " paid order(s) could not be recorded; see the skipped rows");
}

}  // namespace nexsync::sync
