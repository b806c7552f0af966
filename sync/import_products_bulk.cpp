// Import Products through a Shopify bulk operation (large catalogs): start the export, wait for it
// (status polls go through the rate limiter like every call), stream its JSONL file into a temporary
// file, check every line, then write the variants in pages of 250 through the same page write (one
// transaction each) and with the same skip reasons as the paged import.
#include "sync/import_products.hpp"

#include "log/log.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <unordered_set>
#include <unistd.h>

namespace nexsync::sync {

namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

// Variants per transaction. A page's fixed costs (round trips, a WAL flush, the run's counts) are paid
// per page; 500 rather than 250 took the write phase of 100k variants from 5.27 to 4.55 s (mean of six
// alternating runs each). A page then holds its items' locks ~45 ms (4.55 s / 100 pairs).
constexpr std::size_t page_rows = 500;
constexpr std::size_t max_file_bytes = std::size_t{1} << 30;  // 1 GiB: ~3 million variants at ~300 bytes a line
constexpr auto max_wait = std::chrono::hours(2);
constexpr int download_attempts = 3;
constexpr int lines_per_slice = 2000;  // the checking pass lets other work on the thread run this often
const std::string nothing_imported = " Nothing was imported; click Import Products again.";

// A count Shopify writes as UnsignedInt64 (a string in its JSON; a number from some servers).
std::int64_t count_of(const boost::json::value* v) {
  if (!v) return 0;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
  if (v->is_string()) {
    std::int64_t n = 0;
    auto s = v->as_string();
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    return ec == std::errc{} && end == s.data() + s.size() ? n : 0;
  }
  return 0;
}

// The export on disk: an anonymous temporary file (gone when closed), written by the download and
// read line by line twice, so a large catalog never has to fit in memory.
class export_file {
 public:
  export_file() : f_(std::tmpfile()) {}
  ~export_file() {
    std::free(line_);
    if (f_) std::fclose(f_);
  }
  export_file(const export_file&) = delete;
  export_file& operator=(const export_file&) = delete;

  bool usable() const { return f_ != nullptr; }
  /// Empties the file (before a download attempt).
  bool clear() { return std::fflush(f_) == 0 && ftruncate(fileno(f_), 0) == 0 && std::fseek(f_, 0, SEEK_SET) == 0; }
  bool write(std::string_view piece) { return std::fwrite(piece.data(), 1, piece.size(), f_) == piece.size(); }
  /// Back to the first line (before each pass).
  bool rewind() { return std::fflush(f_) == 0 && std::fseek(f_, 0, SEEK_SET) == 0; }
  /// The next line without its line break (valid until the next call); nullopt at the end.
  std::optional<std::string_view> next_line() {
    auto n = getline(&line_, &capacity_, f_);
    if (n < 0) return std::nullopt;
    std::string_view line{line_, static_cast<std::size_t>(n)};
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    return line;
  }
  bool read_failed() const { return std::ferror(f_) != 0; }

 private:
  std::FILE* f_;
  char* line_ = nullptr;
  std::size_t capacity_ = 0;
};

// Starts the export: the operation's id, or empty when Shopify is running as many as it allows for
// this app and shop (OPERATION_IN_PROGRESS; LIMIT_REACHED, "try again later", is the same for a click).
boost::asio::awaitable<std::string> start_export(run& r) {
  boost::json::object vars;
  vars["query"] = shopify::bulk_products_query("");
  auto reply = co_await r.call(shopify::bulk_operation_run_query, 0, vars);
  auto* errors = at_path(reply.body, "data.bulkOperationRunQuery.userErrors");
  if (errors && errors->is_array() && !errors->as_array().empty()) {
    const auto& first = errors->as_array().front();
    auto code = text_of(at_path(first, "code"));
    if (code == "OPERATION_IN_PROGRESS" || code == "LIMIT_REACHED") co_return std::string{};
    throw job_failure("Shopify refused to export the catalog: " + text_of(at_path(first, "message")) + "." + nothing_imported);
  }
  auto id = text_of(at_path(reply.body, "data.bulkOperationRunQuery.bulkOperation.id"));
  if (id.empty()) throw job_failure("Shopify did not start the catalog export (its answer named no bulk operation)." + nothing_imported);
  co_return id;
}

// Polls the operation until it ends; its final state when COMPLETED, job_failure otherwise.
boost::asio::awaitable<bulk_state> wait_for_export(run& r, std::string id) {
  const auto started = std::chrono::steady_clock::now();
  bulk_state state;
  for (;;) {
    auto waited = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
    if (waited > max_wait)
      throw job_failure("Shopify's catalog export has not finished after two hours." + nothing_imported);
    co_await pause(r.env, bulk_poll_delay(waited));
    r.stop_point();
    boost::json::object vars;
    vars["id"] = id;
    auto reply = co_await r.call(shopify::bulk_operation_status, 0, vars);
    auto read = read_bulk_state(reply.body);
    if (!read) throw job_failure("Shopify no longer knows the catalog export nexsync started." + nothing_imported);
    state = std::move(*read);
    if (!bulk_running(state)) break;
  }
  auto message = bulk_failure_message(state);
  if (!message.empty()) throw job_failure(message);
  co_return state;
}

// Streams the export into file; transport errors and 5xx are retried, a refused or expired URL is not.
boost::asio::awaitable<std::uint64_t> download_export(run& r, std::string url, export_file& file) {
  std::uint64_t bytes = 0;
  for (int attempt = 1;; ++attempt) {
    if (!file.clear()) throw job_failure("nexsync could not empty its temporary file for Shopify's catalog export." + nothing_imported);
    bool write_failed = false;
    // Runs on the transport's thread while this coroutine waits for the download to end.
    shopify::body_sink sink = [&file, &write_failed](std::string_view piece) {
      if (file.write(piece)) return true;
      write_failed = true;
      return false;
    };
    auto got = co_await r.env.shopify->download(url, max_file_bytes, std::move(sink));
    if (got) {
      bytes = *got;
      break;
    }
    if (write_failed)
      throw job_failure("nexsync could not store Shopify's catalog export in a temporary file (is the disk full?)." + nothing_imported);
    auto kind = got.error().kind;
    bool again = (kind == shopify::client_error_kind::transport || kind == shopify::client_error_kind::server) &&
                 attempt < download_attempts;
    log::info("sync", "bulk export download failed",
              {{"shop", r.shop}, {"attempt", attempt}, {"error", got.error().message}, {"retrying", again}});
    if (!again)
      throw job_failure("nexsync could not download Shopify's catalog export (" + got.error().message + ")." + nothing_imported);
    co_await pause(r.env, std::chrono::seconds(attempt));
    r.stop_point();
  }
  co_return bytes;
}

// The first pass: every line must be a product or a variant, and every product's title is learnt.
boost::asio::awaitable<void> check_export(export_file& file, bulk_catalog& catalog) {
  if (!file.rewind()) throw job_failure("nexsync could not read back Shopify's catalog export." + nothing_imported);
  auto ex = co_await boost::asio::this_coro::executor;
  std::int64_t line_number = 0;
  for (;;) {
    auto line = file.next_line();
    if (!line) break;
    ++line_number;
    if (!catalog.learn(*line))
      throw job_failure("Shopify's catalog export could not be read (line " + std::to_string(line_number) +
                        " is not a product or a variant)." + nothing_imported);
    if (line_number % lines_per_slice == 0) co_await boost::asio::post(ex, boost::asio::use_awaitable);
  }
  if (file.read_failed()) throw job_failure("nexsync could not read back Shopify's catalog export." + nothing_imported);
}

// The next page of variants from the export (fewer at its end; none once it is read).
struct bulk_page {
  std::vector<storage::shopify_item_row> rows;
  std::vector<std::string> keys;  // what names each row in the run's skipped list
};

bulk_page read_page(export_file& file, const bulk_catalog& catalog) {
  bulk_page page;
  while (page.rows.size() < page_rows) {
    auto line = file.next_line();
    if (!line) break;
    auto row = catalog.row_of(*line);
    if (!row) continue;
    page.keys.push_back(skip_key(*row));
    page.rows.push_back(std::move(*row));
  }
  return page;
}

bool share_a_sku(const bulk_page& a, const bulk_page& b) {
  std::unordered_set<std::string> skus;
  for (auto& row : a.rows) skus.insert(storage::sku_key(row.sku));
  for (auto& row : b.rows) {
    auto sku = storage::sku_key(row.sku);
    if (!sku.empty() && skus.contains(sku)) return true;
  }
  return false;
}

// Two consecutive pages of the file (the second empty at its end).
struct page_pair {
  bulk_page first, second;
};

page_pair read_pair(export_file& file, const bulk_catalog& catalog) {
  page_pair p;
  p.first = read_page(file, catalog);
  if (!p.first.rows.empty()) p.second = read_page(file, catalog);
  return p;
}

// read_pair as a coroutine, to run beside the previous pair's write. It touches only the file and
// the catalog, which nothing else uses meanwhile.
boost::asio::awaitable<page_pair> read_pair_async(export_file& file, const bulk_catalog& catalog) {
  co_return read_pair(file, catalog);
}

// Writes a pair of pages with their counts. Two pages that share no SKU are written at once, on two
// connections: a page's write is one PostgreSQL backend's work. Pages that share a SKU are written in
// order, so the same variant wins either way.
boost::asio::awaitable<bool> write_pair(run& r, page_pair pair) {
  auto& [first, second] = pair;
  if (!second.rows.empty() && !share_a_sku(first, second)) {
    auto tallies = co_await together(write_page(r, std::move(first.rows), std::move(first.keys)),
                                     write_page(r, std::move(second.rows), std::move(second.keys)));
    r.counted(std::get<0>(tallies));
    r.counted(std::get<1>(tallies));
    co_return true;
  }
  for (auto* page : {&first, &second}) {
    if (page->rows.empty()) continue;
    r.counted(co_await write_page(r, std::move(page->rows), std::move(page->keys)));
  }
  co_return true;
}

}  // namespace

std::optional<bulk_state> read_bulk_state(const boost::json::value& reply_body) {
  auto* op = at_path(reply_body, "data.bulkOperation");
  if (!op || !op->is_object()) return std::nullopt;
  bulk_state s;
  s.id = text_of(at_path(*op, "id"));
  s.status = text_of(at_path(*op, "status"));
  s.error_code = text_of(at_path(*op, "errorCode"));
  s.url = text_of(at_path(*op, "url"));
  s.object_count = count_of(at_path(*op, "objectCount"));
  s.root_object_count = count_of(at_path(*op, "rootObjectCount"));
  return s;
}

bool bulk_running(const bulk_state& s) { return s.status == "CREATED" || s.status == "RUNNING"; }

std::string bulk_failure_message(const bulk_state& s) {
  if (s.status == "COMPLETED") return {};
  if (s.status == "FAILED") {
    std::string why = s.error_code == "TIMEOUT"                 ? "it took longer than Shopify allows"
                      : s.error_code == "ACCESS_DENIED"         ? "nexsync lacks the access it needs; reconnect the store"
                      : s.error_code == "INTERNAL_SERVER_ERROR" ? "an error inside Shopify"
                      : s.error_code.empty()                    ? "Shopify gave no reason"
                                                                : "Shopify's code " + s.error_code;
    return "Shopify could not export the catalog (" + why + ")." + nothing_imported;
  }
  if (s.status == "CANCELED" || s.status == "CANCELING")
    return "The catalog export was canceled in Shopify before it finished." + nothing_imported;
  if (s.status == "EXPIRED") return "Shopify's catalog export expired before nexsync could download it." + nothing_imported;
  return "Shopify's catalog export ended in a state nexsync does not know (" + (s.status.empty() ? "none" : s.status) + ")." +
         nothing_imported;
}

milliseconds bulk_poll_delay(milliseconds waited) {
  // A small export is done within a second or two: look again after a quarter of what it has waited,
  // from 100 ms to 1 s (at 0.1, 0.2, 0.3, 0.4, 0.5, 0.63, 0.78 s..., each costing a point), so the click
  // idles at most a quarter past the export's end. Doubling instead (0.1, 0.2, 0.4, 0.8 s) saw a 100k-variant
  // export that takes the simulator ~0.5 s only at 0.8-0.9 s: 0.3-0.4 s of a 4.6 s click.
  if (waited < 60s) return std::clamp<milliseconds>(waited / 4, 100ms, 1s);
  return std::min<milliseconds>(10s, 1s + (waited - 60s) / 10);
}

bool bulk_catalog::learn(std::string_view line) {
  if (line.empty()) return true;
  boost::system::error_code ec;
  auto v = boost::json::parse(line, ec);
  if (ec || !v.is_object()) return false;
  auto id = text_of(at_path(v, "id"));
  if (id.empty()) return false;
  if (v.as_object().contains("__parentId")) {
    ++variants_;
    return true;
  }
  titles_[id] = text_of(at_path(v, "title"));
  return true;
}

std::optional<storage::shopify_item_row> bulk_catalog::row_of(std::string_view line) const {
  if (line.empty()) return std::nullopt;
  boost::system::error_code ec;
  auto v = boost::json::parse(line, ec);
  if (ec || !v.is_object()) return std::nullopt;  // learn() refused such a file before any row was written
  auto parent = text_of(at_path(v, "__parentId"));
  if (parent.empty()) return std::nullopt;
  auto it = titles_.find(parent);
  // A variant of a product missing from the file gets no title, which the page write skips ("invalid_title").
  std::string_view title = it == titles_.end() ? std::string_view{} : std::string_view{it->second};
  return item_row(parent, title, v);
}

boost::asio::awaitable<bool> import_products_bulk(run& r) {
  const auto t0 = std::chrono::steady_clock::now();
  auto seconds_since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
  auto id = co_await start_export(r);
  if (id.empty()) co_return false;
  auto state = co_await wait_for_export(r, id);
  const double waited_s = seconds_since(t0);
  export_file file;
  if (!file.usable()) throw job_failure("nexsync could not create a temporary file for Shopify's catalog export." + nothing_imported);
  std::uint64_t bytes = 0;
  if (!state.url.empty()) {  // no url: the export matched nothing
    auto url = state.url;
    bytes = co_await download_export(r, url, file);
  }
  const double downloaded_s = seconds_since(t0);
  bulk_catalog catalog;
  co_await check_export(file, catalog);
  co_await r.set_total(catalog.variants());
  const double checked_s = seconds_since(t0);

  // The second pass: pages of page_rows variants, in the file's order (a duplicate SKU: the first wins),
  // two at a time. While a pair is written, the next pair is read from the file: reading is the
  // server's work and writing PostgreSQL's (read one after the other, the reading took 0.34 s of a
  // 5.9 s write phase in an unthrottled import of 100k variants, with PostgreSQL waiting).
  if (!file.rewind()) throw job_failure("nexsync could not read back Shopify's catalog export." + nothing_imported);
  statistics_schedule statistics;
  auto pair = read_pair(file, catalog);
  while (!pair.first.rows.empty()) {
    auto [written, next] = co_await together(write_pair(r, std::move(pair)), read_pair_async(file, catalog));
    pair = std::move(next);
    co_await refresh_statistics_if_due(r, statistics);
    r.stop_point();  // between pairs: every page so far is committed with its counts
  }
  if (file.read_failed()) throw job_failure("nexsync could not read back Shopify's catalog export; the import stopped part way. Click Import Products again.");
  log::info("sync", "products imported through a bulk operation",
            {{"tenant_id", r.tenant_id}, {"shop", r.shop}, {"bulk_operation", id}, {"bytes", bytes},
             {"products", catalog.products()}, {"variants", catalog.variants()}, {"export_s", waited_s},
             {"download_s", downloaded_s - waited_s}, {"check_s", checked_s - downloaded_s},
             {"write_s", seconds_since(t0) - checked_s}});
  co_return true;
}

}  // namespace nexsync::sync
