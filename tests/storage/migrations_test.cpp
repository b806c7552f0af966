#include "storage/migrations.hpp"
#include "tests/support/database.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace nexsync;

TEST_CASE("migrations apply once, in order, and report currency") {
  test::database db{false};
  storage::connection c{db.url};
  CHECK_FALSE(storage::migrations_current(c));
  auto first = storage::migrate(c);
  REQUIRE(first.size() == storage::all_migrations().size());
  CHECK(first.front().starts_with("001_"));
  CHECK(storage::migrations_current(c));
  CHECK(storage::migrate(c).empty());
  CHECK(c.exec("SELECT count(*) FROM schema_migrations").int64(0, 0) ==
        static_cast<std::int64_t>(storage::all_migrations().size()));
}

TEST_CASE("concurrent migrators apply each migration exactly once") {
  test::database db{false};
  storage::connection a{db.url}, b{db.url};
  std::vector<std::string> from_b;
  std::thread t([&] { from_b = storage::migrate(b); });
  auto from_a = storage::migrate(a);
  t.join();
  CHECK(from_a.size() + from_b.size() == storage::all_migrations().size());
}
