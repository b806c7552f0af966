// sync::together: two awaitables at once (a page written while the next is fetched), and when one
// fails, that failure rather than Asio's "multiple exceptions" (which hid the first error of a run).
#include "sync/import_products.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <chrono>

namespace {

using boost::asio::awaitable;

awaitable<int> after(std::chrono::milliseconds delay, int value) {
  boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor, delay};
  co_await timer.async_wait(boost::asio::use_awaitable);  // throws operation_aborted when cancelled
  co_return value;
}

awaitable<std::string> failing(std::string why) {
  boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor, std::chrono::milliseconds(5)};
  co_await timer.async_wait(boost::asio::use_awaitable);
  throw nexsync::sync::job_failure(why);
}

template <class T>
T run(boost::asio::io_context& io, awaitable<T> work) {
  auto done = boost::asio::co_spawn(io, std::move(work), boost::asio::use_future);
  io.run();
  return done.get();
}

}  // namespace

TEST_CASE("together answers both results") {
  boost::asio::io_context io;
  auto [a, b] = run(io, nexsync::sync::together(after(std::chrono::milliseconds(5), 1), after(std::chrono::milliseconds(1), 2)));
  CHECK(a == 1);
  CHECK(b == 2);
}

TEST_CASE("together throws the failure itself when the other is cancelled because of it") {
  boost::asio::io_context io;
  auto work = nexsync::sync::together(after(std::chrono::seconds(30), 1), failing("Shopify's answer had no products list."));
  CHECK_THROWS_WITH(run(io, std::move(work)), "Shopify's answer had no products list.");
}
