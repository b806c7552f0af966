#include "storage/accounts_repo.hpp"
#include "tests/support/database.hpp"

#include <catch2/catch.hpp>

using namespace nexsync;

TEST_CASE("users are found by email case-insensitively and emails are unique") {
  test::database db;
  storage::connection c{db.url};
  auto t = storage::create_tenant(c, "Acme Jewellers");
  auto u = storage::add_user(c, t, "Owner@Acme.test", "owner", "$argon2id$x");
  auto found = storage::find_user_by_email(c, "owner@acme.TEST");
  REQUIRE(found);
  CHECK(found->id == u);
  CHECK(found->tenant_name == "Acme Jewellers");
  CHECK_THROWS_MATCHES(storage::add_user(c, t, "OWNER@acme.test", "staff", "x"), storage::query_error,
                       Catch::Predicate<storage::query_error>([](auto& e) { return e.unique_violation(); }));
  CHECK_THROWS_AS(storage::add_user(c, t, "x@acme.test", "superuser", "x"), storage::query_error);
}

TEST_CASE("sessions live until deleted or expired") {
  test::database db;
  storage::connection c{db.url};
  auto t = storage::create_tenant(c, "Acme");
  auto u = storage::add_user(c, t, "a@acme.test", "staff", "x");
  storage::create_session(c, std::string(32, 'h'), u, t, "csrf1", 3600);
  auto s = storage::find_session(c, std::string(32, 'h'), 600);
  REQUIRE(s);
  CHECK(s->tenant_id == t);
  CHECK(s->role == "staff");
  CHECK(s->csrf_token == "csrf1");
  CHECK_FALSE(storage::find_session(c, std::string(32, 'x'), 600));

  c.exec("UPDATE sessions SET last_seen_at = now() - interval '20 minutes'");
  CHECK_FALSE(storage::find_session(c, std::string(32, 'h'), 600));  // idle too long
  CHECK(c.exec("SELECT count(*) FROM sessions").int64(0, 0) == 0);    // and cleaned up

  storage::create_session(c, std::string(32, 'k'), u, t, "csrf2", 0);
  CHECK_FALSE(storage::find_session(c, std::string(32, 'k'), 600));  // past its absolute expiry

  storage::create_session(c, std::string(32, 'm'), u, t, "csrf3", 3600);
  storage::delete_session(c, std::string(32, 'm'));
  CHECK_FALSE(storage::find_session(c, std::string(32, 'm'), 600));
}

TEST_CASE("a session seen over a minute ago is touched, and the connection stays durable afterwards") {
  test::database db;
  {
    // The test server may run with synchronous_commit off; this database's sessions start with it on.
    storage::connection admin{db.url};
    auto name = admin.exec("SELECT current_database()").get(0, 0);
    admin.exec_script("ALTER DATABASE \"" + name + "\" SET synchronous_commit = on");
  }
  storage::connection c{db.url};
  REQUIRE(c.exec("SHOW synchronous_commit").get(0, 0) == "on");
  auto t = storage::create_tenant(c, "Acme");
  auto u = storage::add_user(c, t, "a@acme.test", "staff", "x");
  storage::create_session(c, std::string(32, 'h'), u, t, "csrf1", 3600);
  c.exec("UPDATE sessions SET last_seen_at = now() - interval '2 minutes'");
  REQUIRE(storage::find_session(c, std::string(32, 'h'), 600));
  CHECK(c.exec("SELECT last_seen_at > now() - interval '10 seconds' FROM sessions").boolean(0, 0));
  // The touch does not wait for the WAL flush; what runs after it on the connection does again.
  CHECK(c.exec("SHOW synchronous_commit").get(0, 0) == "on");
}
