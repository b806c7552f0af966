#pragma once
// A fresh PostgreSQL database per test fixture, created on the server scripts/test started
// (NEXSYNC_TEST_DATABASE_URL) and dropped afterwards, with migrations applied.

#include "storage/migrations.hpp"
#include "storage/pg.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <random>
#include <string>
#include <unistd.h>

namespace nexsync::test {

/// The server URL for tests; fails the test with a hint when scripts/test did not set it.
inline std::string server_url() {
  const char* url = std::getenv("NEXSYNC_TEST_DATABASE_URL");
  if (!url || !*url) FAIL("NEXSYNC_TEST_DATABASE_URL is not set: run the tests through scripts/test");
  return url;
}

/// url with its database name replaced.
inline std::string with_database(const std::string& url, const std::string& name) {
  auto query = url.find('?');
  auto slash = url.rfind('/', query);
  return url.substr(0, slash + 1) + name + (query == std::string::npos ? "" : url.substr(query));
}

/// Creates a database named after a random id; drops it on destruction.
class database {
 public:
  explicit database(bool apply_migrations = true) {
    static std::atomic<int> counter{0};
    std::random_device rd;
    name_ = "nexsync_t" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" + std::to_string(rd() % 100000);
    admin_url_ = server_url();
    storage::connection admin{admin_url_};
    admin.exec_script("CREATE DATABASE " + name_);
    url = with_database(admin_url_, name_);
    if (apply_migrations) {
      storage::connection c{url};
      storage::migrate(c);
    }
  }
  ~database() {
    try {
      storage::connection admin{admin_url_};
      admin.exec_script("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (...) {
    }
  }
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  std::string url;

 private:
  std::string name_;
  std::string admin_url_;
};

}  // namespace nexsync::test
