#pragma once
// A fixed set of PostgreSQL connections, each owned by its own thread, fed from one queue.
// Callers never block: run() is an Asio asynchronous operation (coroutines co_await it, actors pass
// a callback that sends a message), and the blocking libpq call happens on a pool thread.

#include "storage/pg.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/dispatch.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <type_traits>
#include <variant>

namespace nexsync::storage {

/// Counters for /metrics and /readyz.
struct pool_stats {
  std::size_t size = 0;
  std::size_t busy = 0;
  std::size_t queued = 0;
  std::uint64_t completed = 0;
  std::uint64_t failed_connects = 0;
};

/// The connection pool; see the file comment.
class pool {
 public:
  pool(std::string url, std::size_t size, planning plans = planning::each_execution);
  ~pool();
  pool(const pool&) = delete;
  pool& operator=(const pool&) = delete;

  /// Runs f(connection&) on a pool thread and completes with (exception_ptr, result) on the
  /// handler's associated executor (inline on the pool thread if it has none).
  /// A void f completes with std::monostate.
  template <class F, class Token>
  auto run(F f, Token&& token) {
    using raw = std::invoke_result_t<F&, connection&>;
    using value = std::conditional_t<std::is_void_v<raw>, std::monostate, raw>;
    return boost::asio::async_initiate<Token, void(std::exception_ptr, value)>(
        [this](auto handler, F fn) {
          auto h = std::make_shared<decltype(handler)>(std::move(handler));
          enqueue([h, fn = std::move(fn)](connection* c, std::exception_ptr connect_error) mutable {
            std::exception_ptr e = connect_error;
            value v{};
            if (!e) {
              try {
                if constexpr (std::is_void_v<raw>) fn(*c);
                else v = fn(*c);
              } catch (...) {
                e = std::current_exception();
              }
            }
            auto ex = boost::asio::get_associated_executor(*h);
            boost::asio::dispatch(ex, [h, e, v = std::move(v)]() mutable { std::move (*h)(e, std::move(v)); });
            return e;
          });
        },
        token, std::move(f));
  }

  /// For coroutines: co_await db.query(job) runs job(connection&) on a pool thread.
  /// job must be a named object: g++ 12 destroys a capturing lambda temporary inside a co_await
  /// expression twice, so this overload only accepts lvalues.
  template <class F>
  auto query(F& job) {
    return run<F>(F{job}, boost::asio::use_awaitable_t<>{});
  }
  template <class F>
  void query(F&& job) = delete;  // see above: name the lambda first

  /// Finishes every queued job and joins the threads; later jobs fail at once with "pool closed".
  /// Servers call it while their executors still run, so every completion is delivered.
  void close();

  /// Current counters.
  pool_stats stats() const;

 private:
  using job = std::function<std::exception_ptr(connection*, std::exception_ptr)>;
  void enqueue(job j);
  void work();

  std::string url_;
  planning plans_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<job> queue_;
  bool stopping_ = false;
  std::atomic<std::size_t> busy_{0};
  std::atomic<std::uint64_t> completed_{0};
  std::atomic<std::uint64_t> failed_connects_{0};
  std::vector<std::thread> threads_;
};

}  // namespace nexsync::storage
