#pragma once
// Group commit of verified webhooks: handlers hand events in, the batcher writes them with ONE
// storage::insert_events per batch through the pool and completes each waiting handler only after its
// batch committed. A lone event is written at once; while a batch is in flight the next accumulates (up
// to max_batch), and only when parallel_batch_rows events wait does a further batch start beside it (up
// to max_in_flight, on different pool connections). Never blocks the caller's thread.

#include "storage/pool.hpp"
#include "storage/webhook_events_repo.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace nexsync::app {

/// Thrown to a waiting handler when too many events wait already (answer 503, Shopify retries).
struct ingest_overloaded : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The batcher; see the file comment. Create with std::make_shared.
class webhook_ingest : public std::enable_shared_from_this<webhook_ingest> {
 public:
  /// Waiting events that start a batch beside one in flight (fewer wait for it to finish). At 64 a
  /// second batch never started with 32 senders, and a quarter of the machine sat idle while each
  /// commit waited for its WAL flush; at 8, one batch's rows are written during the other's flush.
  static constexpr std::size_t parallel_batch_rows = 8;

  /// A NEW event of a committed batch, still `received` (the views live as long as the hook's call).
  struct committed_event {
    std::int64_t tenant_id = 0;
    std::string_view shop_domain;
    std::string_view topic;
    std::int64_t event_id = 0;
  };
  /// Called on a pool thread after a batch committed, once with the batch's new `received` events (not
  /// called when there are none); must not block (forward messages and return).
  using after_commit_hook = std::function<void(const std::vector<committed_event>& events)>;

  webhook_ingest(std::shared_ptr<storage::pool> db, std::size_t max_batch = 500, std::size_t max_waiting = 10000,
                 std::size_t max_in_flight = 2);

  /// Stores one event; completes with (exception_ptr, inserted_event) on the handler's executor after
  /// the batch holding it committed (an exception when the batch failed: nothing of it was stored).
  template <class Token>
  auto async_store(storage::new_webhook_event event, Token&& token) {
    return boost::asio::async_initiate<Token, void(std::exception_ptr, storage::inserted_event)>(
        [this](auto handler, storage::new_webhook_event ev) {
          auto h = std::make_shared<decltype(handler)>(std::move(handler));
          enqueue(std::move(ev), [h](std::exception_ptr e, storage::inserted_event r) {
            auto ex = boost::asio::get_associated_executor(*h);
            boost::asio::dispatch(ex, [h, e, r = std::move(r)]() mutable { std::move(*h)(e, std::move(r)); });
          });
        },
        token, std::move(event));
  }

  /// For coroutines: the stored row (throws what the batch threw).
  boost::asio::awaitable<storage::inserted_event> store(storage::new_webhook_event event) {
    return async_store(std::move(event), boost::asio::use_awaitable_t<>{});
  }

  /// Sets the hook called after commit (the server forwards new events to the shop's connection).
  void set_after_commit(after_commit_hook hook);

  /// INSERT statements issued so far (one per batch; fewer than events under load).
  std::uint64_t statements() const { return statements_; }
  /// Events handed in so far.
  std::uint64_t submitted() const { return submitted_; }

 private:
  using completion = std::function<void(std::exception_ptr, storage::inserted_event)>;
  struct waiter {
    storage::new_webhook_event event;
    completion done;
  };
  void enqueue(storage::new_webhook_event event, completion done);
  bool may_start_locked() const;
  void start_batch_locked(std::unique_lock<std::mutex>& lock);
  void finish_batch(std::vector<completion> done, const std::vector<storage::new_webhook_event>& rows,
                    std::exception_ptr e, std::vector<storage::inserted_event> results);

  std::shared_ptr<storage::pool> db_;
  std::size_t max_batch_;
  std::size_t max_waiting_;
  std::mutex mutex_;
  std::deque<waiter> waiting_;
  std::size_t max_in_flight_;
  std::size_t in_flight_ = 0;
  after_commit_hook hook_;
  std::atomic<std::uint64_t> statements_{0};
  std::atomic<std::uint64_t> submitted_{0};
};

/// A shop whose connection should apply new order events, and the latest of them.
struct order_nudge {
  std::int64_t tenant_id = 0;
  std::string shop_domain;
  std::int64_t latest_event_id = 0;
};

/// One nudge per shop with new orders/create or orders/paid events in a batch, in first-seen order: the
/// shop's queued webhook run applies every event stored before it starts, so one message per shop and
/// batch is enough (with one per event, CAF's workers were 9.4% of the server's CPU in a webhooks max
/// pass; 7.2% with one per shop, the rest being the applying itself).
std::vector<order_nudge> order_nudges(const std::vector<webhook_ingest::committed_event>& events);

/// The server's batcher on its own connections: one batch in flight per connection.
inline std::shared_ptr<webhook_ingest> make_webhook_ingest(std::shared_ptr<storage::pool> db, std::int64_t connections) {
  auto in_flight = static_cast<std::size_t>(connections > 1 ? connections : 1);
  return std::make_shared<webhook_ingest>(std::move(db), 500, 10000, in_flight);
}

}  // namespace nexsync::app
