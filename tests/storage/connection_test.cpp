// storage::connection on a real PostgreSQL: statements are prepared once per connection and run by
// name after that, which must never change what they answer.
#include "storage/pg.hpp"
#include "tests/support/database.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace nexsync;

TEST_CASE("a statement run again answers for its new parameters, text and binary alike") {
  test::database db;
  storage::connection c{db.url};
  for (std::int64_t n = 1; n <= 8; ++n) {
    auto r = c.exec("SELECT $1::bigint * 2, cardinality($2::text[])",
                    storage::params{n, storage::binary_text_array(std::vector<std::string>(static_cast<std::size_t>(n), "x"))});
    CHECK(r.int64(0, 0) == 2 * n);
    CHECK(r.int64(0, 1) == n);
  }
  // The same text with text parameters in place of binary ones is another statement, not a misread one.
  CHECK(c.exec("SELECT cardinality($1::text[])", storage::params{std::string{"{a,b,c}"}}).int64(0, 0) == 3);
  CHECK(c.exec("SELECT cardinality($1::text[])", storage::params{storage::binary_text_array(std::vector<std::string>{"a"})})
            .int64(0, 0) == 1);
}

TEST_CASE("a prepared SELECT of a table whose columns changed fails once, then answers with the new columns") {
  test::database db;
  storage::connection c{db.url};
  c.exec_script("CREATE TABLE shapes (id bigint); INSERT INTO shapes VALUES (1)");
  CHECK(c.exec("SELECT * FROM shapes").columns() == 1);
  c.exec_script("ALTER TABLE shapes ADD COLUMN name text DEFAULT 'ring'");
  CHECK_THROWS_AS(c.exec("SELECT * FROM shapes"), storage::query_error);  // "cached plan must not change result type"
  auto again = c.exec("SELECT * FROM shapes");
  REQUIRE(again.columns() == 2);
  CHECK(again.get(0, 1) == "ring");
}

TEST_CASE("statements past the bound of prepared ones still run, and a failed one leaves the connection usable") {
  test::database db;
  storage::connection c{db.url};
  for (int i = 0; i < 600; ++i) {
    auto text = "SELECT " + std::to_string(i) + "::bigint";
    CHECK(c.exec(text).int64(0, 0) == i);
  }
  CHECK(c.exec("SELECT 5::bigint").int64(0, 0) == 5);  // prepared early on, still there
  CHECK_THROWS_AS(c.exec("SELECT no_such_column FROM pg_class"), storage::query_error);
  {
    storage::transaction tx{c};
    CHECK_THROWS_AS(c.exec("SELECT 1/$1::int", storage::params{std::int64_t{0}}), storage::query_error);
  }  // rolled back
  CHECK(c.exec("SELECT 1/$1::int", storage::params{std::int64_t{1}}).int64(0, 0) == 1);
}

TEST_CASE("a connection plans every execution unless asked to keep PostgreSQL's cached plans") {
  test::database db;
  storage::connection each{db.url};
  CHECK(each.exec("SHOW plan_cache_mode").get(0, 0) == "force_custom_plan");
  storage::connection cached{db.url, storage::planning::cached};
  CHECK(cached.exec("SHOW plan_cache_mode").get(0, 0) == "auto");
}

TEST_CASE("a transaction can keep PostgreSQL's cached plans for its own statements only") {
  test::database db;
  storage::connection c{db.url};
  auto mode = [&c] { return c.exec("SHOW plan_cache_mode").get(0, 0); };
  {
    storage::transaction tx{c, storage::begin_with_cached_plans};
    CHECK(mode() == "auto");
    tx.commit();
  }
  CHECK(mode() == "force_custom_plan");
  {
    storage::transaction tx{c, storage::begin_with_cached_plans};
    CHECK(mode() == "auto");
  }  // rolled back
  CHECK(mode() == "force_custom_plan");
}

TEST_CASE("a lookup may keep its plan while every other statement is still planned at each execution") {
  test::database db;
  storage::connection c{db.url};
  // PostgreSQL's own record of each prepared statement: how often it was planned generically (kept).
  auto plans = [&c](const std::string& text) {
    auto r = c.exec("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1", storage::params{text});
    REQUIRE(r.rows() == 1);
    return std::make_pair(r.int64(0, 0), r.int64(0, 1));
  };
  const std::string kept = "SELECT $1::bigint + 1", planned = "SELECT $1::bigint + 2";
  for (std::int64_t n = 1; n <= 8; ++n) {
    CHECK(c.exec_with_cached_plan(kept, storage::params{n}).int64(0, 0) == n + 1);
    CHECK(c.exec(planned, storage::params{n}).int64(0, 0) == n + 2);
  }
  CHECK(plans(kept).first >= 1);  // PostgreSQL's auto mode: a generic plan after five custom ones
  CHECK(plans(planned) == std::make_pair(std::int64_t{0}, std::int64_t{8}));
  CHECK(c.exec_with_cached_plan("SELECT current_setting('plan_cache_mode')").get(0, 0) == "auto");
  CHECK(c.exec("SHOW plan_cache_mode").get(0, 0) == "force_custom_plan");

  // A failing lookup reports its own error, and the session still plans every execution.
  try {
    c.exec_with_cached_plan("SELECT 1 / $1::int", storage::params{0});
    FAIL("division by zero did not fail");
  } catch (const storage::query_error& e) {
    CHECK(std::string{e.what()}.find("division by zero") != std::string::npos);
  }
  CHECK(c.exec("SHOW plan_cache_mode").get(0, 0) == "force_custom_plan");
  // In a transaction block the lookup is planned as the block's other statements are, and changes nothing.
  {
    storage::transaction tx{c};
    CHECK(c.exec_with_cached_plan("SELECT current_setting('plan_cache_mode')").get(0, 0) == "force_custom_plan");
  }
  {
    storage::transaction tx{c, storage::begin_with_cached_plans};
    CHECK(c.exec_with_cached_plan("SELECT current_setting('plan_cache_mode')").get(0, 0) == "auto");
    CHECK(c.exec("SHOW plan_cache_mode").get(0, 0) == "auto");  // the block's SET LOCAL still holds
    tx.commit();
  }
  CHECK(c.exec("SHOW plan_cache_mode").get(0, 0) == "force_custom_plan");
  CHECK(c.ok());

  // A connection that keeps plans anyway runs the lookup as any other statement.
  storage::connection cached{db.url, storage::planning::cached};
  CHECK(cached.exec_with_cached_plan("SELECT current_setting('plan_cache_mode')").get(0, 0) == "auto");
  CHECK(cached.exec("SHOW plan_cache_mode").get(0, 0) == "auto");
}


namespace {
// The test server may run with synchronous_commit off (scripts/pg's fast mode): these sessions start
// with it on, so that what relaxed_durability changes and restores is visible.
std::string durable_session(const std::string& url) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-c%20synchronous_commit%3Don";
}
}  // namespace

TEST_CASE("relaxed durability holds for the statements in its scope and no longer") {
  test::database db;
  storage::connection c{durable_session(db.url)};
  auto setting = [&c] { return c.exec("SHOW synchronous_commit").get(0, 0); };
  CHECK(setting() == "on");
  {
    storage::relaxed_durability relaxed{c};
    CHECK(setting() == "off");  // sent together with this statement
    CHECK(setting() == "off");
  }
  CHECK(setting() == "on");  // reset together with the first statement after the scope

  // A statement that fails takes the change back with it; the next one carries it again.
  {
    storage::relaxed_durability relaxed{c};
    CHECK_THROWS_AS(c.exec("SELECT 1 / $1::int", storage::params{0}), storage::query_error);
    CHECK(setting() == "off");
  }
  {
    storage::relaxed_durability relaxed{c};  // a scope right after another: nothing to change
    CHECK(setting() == "off");
  }
  // A script (several statements) gets the change on its own, before it runs.
  c.exec_script("BEGIN");
  CHECK(setting() == "on");
  c.exec_script("COMMIT");
  {
    storage::relaxed_durability relaxed{c};
    c.exec_script("CREATE TABLE notes (id int)");
    CHECK(setting() == "off");
  }
  CHECK(c.raw() != nullptr);  // the raw handle (COPY) is handed out with the default restored
  CHECK(c.exec("SELECT current_setting('synchronous_commit')").get(0, 0) == "on");
}

TEST_CASE("a relaxed write commits, and one that fails leaves nothing behind") {
  test::database db;
  storage::connection c{durable_session(db.url)};
  c.exec_script("CREATE TABLE marks (id int PRIMARY KEY)");
  {
    storage::relaxed_durability relaxed{c};
    CHECK(c.exec("INSERT INTO marks VALUES (1)").affected() == 1);
  }
  {
    storage::relaxed_durability relaxed{c};
    CHECK_THROWS_AS(c.exec("INSERT INTO marks VALUES (1)"), storage::query_error);  // unique violation
  }
  storage::connection other{db.url};
  CHECK(other.exec("SELECT count(*) FROM marks").int64(0, 0) == 1);
  CHECK(c.exec("SHOW synchronous_commit").get(0, 0) == "on");
}

TEST_CASE("a statement's first execution prepares it; a failure there loses neither the statement nor the connection") {
  test::database db;
  storage::connection c{durable_session(db.url)};
  // The preparation and the execution travel together: an execution that fails leaves the statement prepared.
  CHECK_THROWS_AS(c.exec("SELECT 10 / $1::int", storage::params{0}), storage::query_error);
  CHECK(c.exec("SELECT 10 / $1::int", storage::params{5}).int64(0, 0) == 2);
  // A text that cannot be prepared is refused, is not remembered, and changes nothing else.
  {
    storage::relaxed_durability relaxed{c};
    CHECK_THROWS_AS(c.exec("SELEC 1"), storage::query_error);
    CHECK_THROWS_AS(c.exec("SELEC 1"), storage::query_error);
    CHECK(c.exec("SHOW synchronous_commit").get(0, 0) == "off");
  }
  CHECK(c.exec("SELECT 10 / $1::int", storage::params{2}).int64(0, 0) == 5);
  CHECK(c.exec("SHOW synchronous_commit").get(0, 0) == "on");
  CHECK(c.ok());
}
