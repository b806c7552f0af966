#pragma once
// nexsync running in-process on 127.0.0.1:0 against a fresh test database, with a demo tenant.

#include "app/instance.hpp"
#include "auth/password.hpp"
#include "storage/accounts_repo.hpp"
#include "tests/support/database.hpp"
#include "tests/support/http_client.hpp"

#include <thread>

namespace nexsync::test {

/// Settings for a test server: port 0, the given database, fixed test secrets.
inline config::settings test_settings(const std::string& database_url) {
  config::settings s;
  s.listen = "127.0.0.1:0";
  s.public_url = "http://127.0.0.1:0";
  s.database_url = database_url;
  s.master_key = std::string(64, '7');
  s.cron_secret = "test-cron-secret-0123456789";
  s.shopify_api_key = "test-api-key";
  s.shopify_api_secret = "test-api-secret";
  // Never the real Shopify: a closed local port fails at once (tests with a simulator set its URL).
  s.shopify_shop_url = "http://127.0.0.1:1/shops/{shop}";
  s.db_pool_size = 2;
  s.http_threads = 2;
  s.log_level = "warn";
  return s;
}

/// A tenant with one user of each role; passwords are all `password`.
struct seeded_tenant {
  std::int64_t id = 0;
  std::string owner, manager, staff;
  static constexpr const char* password = "test-password-1";
};

/// A fresh database, a running server and helpers to make tenants and clients.
class app_server {
 public:
  explicit app_server(std::function<void(config::settings&)> adjust = {}) : settings(test_settings(db.url)) {
    if (adjust) adjust(settings);
    start();
  }

  /// Stops the server and starts a new one on the same database and settings (a restart).
  void restart() {
    server.reset();
    start();
  }

  /// Creates a tenant named name with owner/manager/staff users at name-derived emails.
  seeded_tenant add_tenant(const std::string& name) {
    storage::connection c{db.url};
    seeded_tenant t;
    t.id = storage::create_tenant(c, name);
    std::string slug;
    for (char ch : name) slug.push_back(std::isalnum(static_cast<unsigned char>(ch)) ? static_cast<char>(std::tolower(ch)) : '-');
    static const std::string hash = auth::hash_password(seeded_tenant::password);
    t.owner = "owner@" + slug + ".test";
    t.manager = "manager@" + slug + ".test";
    t.staff = "staff@" + slug + ".test";
    storage::add_user(c, t.id, t.owner, "owner", hash);
    storage::add_user(c, t.id, t.manager, "integration_manager", hash);
    storage::add_user(c, t.id, t.staff, "staff", hash);
    return t;
  }

  /// A new client (empty cookie jar) for this server.
  http_client client() const { return http_client{"127.0.0.1", server->endpoint().port()}; }

  /// A client already signed in as email.
  http_client signed_in(const std::string& email) const {
    auto c = client();
    auto res = c.login(email, seeded_tenant::password);
    REQUIRE(res.status == 303);
    return c;
  }

  database db;
  config::settings settings;
  std::unique_ptr<app::instance> server;

 private:
  void start() {
    server = std::make_unique<app::instance>(settings);
    for (int i = 0; i < 200 && !server->services().migrations_applied; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
};

}  // namespace nexsync::test
