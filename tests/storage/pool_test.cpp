#include "storage/pool.hpp"
#include "tests/support/database.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <future>

using namespace nexsync;

namespace {

// What the pool hands back for one SELECT 1 (null: it ran).
std::exception_ptr error_of_select(storage::pool& pool) {
  std::promise<std::exception_ptr> done;
  pool.run([](storage::connection& c) { return c.exec("SELECT 1").int64(0, 0); },
           [&](std::exception_ptr e, std::int64_t) { done.set_value(e); });
  return done.get_future().get();
}

}  // namespace

TEST_CASE("pool runs work on its threads and resumes coroutines") {
  test::database db;
  storage::pool pool{db.url, 2};
  boost::asio::io_context io;
  auto task = [&]() -> boost::asio::awaitable<std::int64_t> {
    std::string sql = "SELECT 40 + 2";  // a non-trivial capture, as real callers have
    auto job = [sql](storage::connection& c) { return c.exec(sql).int64(0, 0); };
    auto a = co_await pool.query(job);
    co_return a;
  };
  auto f = boost::asio::co_spawn(io, task(), boost::asio::use_future);
  io.run();
  CHECK(f.get() == 42);
}

TEST_CASE("pool delivers query errors as exceptions to the caller") {
  test::database db;
  storage::pool pool{db.url, 1};
  std::promise<std::exception_ptr> done;
  pool.run([](storage::connection& c) { c.exec("SELECT * FROM no_such_table"); },
           [&](std::exception_ptr e, std::monostate) { done.set_value(e); });
  auto e = done.get_future().get();
  REQUIRE(e);
  CHECK_THROWS_AS(std::rethrow_exception(e), storage::query_error);
}

TEST_CASE("pool reports an unreachable database as unavailable") {
  storage::pool pool{"postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", 1};
  auto e = error_of_select(pool);
  REQUIRE(e);
  CHECK_THROWS_AS(std::rethrow_exception(e), storage::unavailable);
  CHECK(pool.stats().failed_connects == 1);
}

TEST_CASE("a closed pool answers new work as unavailable (a 503, not a crash)") {
  test::database db;
  storage::pool pool{db.url, 1};
  CHECK_FALSE(error_of_select(pool));
  pool.close();
  auto e = error_of_select(pool);
  REQUIRE(e);
  CHECK_THROWS_AS(std::rethrow_exception(e), storage::unavailable);
}
