#include "config/settings.hpp"

#include <catch2/catch.hpp>

using namespace nexsync::config;

namespace {

settings ok(std::variant<settings, settings_error> r) {
  if (auto* e = std::get_if<settings_error>(&r)) FAIL(e->key + " " + e->message);
  return std::get<settings>(r);
}

settings_error failed(std::variant<settings, settings_error> r) {
  REQUIRE(std::holds_alternative<settings_error>(r));
  return std::get<settings_error>(r);
}

}  // namespace

TEST_CASE("defaults apply without file or environment") {
  auto s = ok(load_settings(std::nullopt, {}));
  CHECK(s.listen == "127.0.0.1:8080");
  CHECK(s.shopify_shop_url == "https://{shop}.myshopify.com");
  CHECK(s.db_pool_size == 4);
}

TEST_CASE("environment overrides the file") {
  auto s = ok(load_settings(R"({"listen":"0.0.0.0:9000","db_pool_size":8,"cron_secret":"file"})",
                            {{"NEXSYNC_LISTEN", "127.0.0.1:0"}, {"NEXSYNC_DB_POOL_SIZE", "2"}}));
  CHECK(s.listen == "127.0.0.1:0");
  CHECK(s.db_pool_size == 2);
  CHECK(s.cron_secret == "file");
}

TEST_CASE("unknown keys and invalid values name the key") {
  CHECK(failed(load_settings(R"({"listen_port":1})", {})).key == "listen_port");
  CHECK(failed(load_settings(std::nullopt, {{"NEXSYNC_DB_POOL_SIZE", "many"}})).key == "NEXSYNC_DB_POOL_SIZE");
  CHECK(failed(load_settings(std::nullopt, {{"NEXSYNC_DB_POOL_SIZE", "0"}})).key == "NEXSYNC_DB_POOL_SIZE");
  CHECK(failed(load_settings(std::nullopt, {{"NEXSYNC_LISTEN", "nowhere"}})).key == "listen");
  CHECK(failed(load_settings(std::nullopt, {{"NEXSYNC_SHOPIFY_SHOP_URL", "https://x.com"}})).key == "shopify_shop_url");
  CHECK(failed(load_settings("[1,2]", {})).key == "--config");
  CHECK(failed(load_settings(R"({"listen":true})", {})).key == "listen");
}

TEST_CASE("trusted proxies are IP addresses separated by commas") {
  CHECK(parse_address_list("") == std::vector<std::string>{});
  CHECK(parse_address_list("10.0.0.5, ::1") == std::vector<std::string>{"10.0.0.5", "::1"});
  CHECK_FALSE(parse_address_list("10.0.0.5,proxy.internal"));
  CHECK(failed(load_settings(std::nullopt, {{"NEXSYNC_TRUSTED_PROXIES", "10.0.0.0/8"}})).key == "trusted_proxies");
  CHECK(std::get<settings>(load_settings(std::nullopt, {{"NEXSYNC_TRUSTED_PROXIES", "127.0.0.1"}})).trusted_proxies == "127.0.0.1");
}

TEST_CASE("the bulk import threshold: default, file, environment and bounds") {
  CHECK(ok(load_settings(std::nullopt, {})).bulk_import_min_products == 2000);
  CHECK(ok(load_settings(R"({"bulk_import_min_products":500})", {})).bulk_import_min_products == 500);
  CHECK(ok(load_settings(R"({"bulk_import_min_products":500})", {{"NEXSYNC_BULK_IMPORT_MIN_PRODUCTS", "0"}}))
            .bulk_import_min_products == 0);  // 0: always page
  CHECK(failed(load_settings(std::nullopt, {{"NEXSYNC_BULK_IMPORT_MIN_PRODUCTS", "-1"}})).key == "NEXSYNC_BULK_IMPORT_MIN_PRODUCTS");
  CHECK(failed(load_settings(std::nullopt, {{"NEXSYNC_BULK_IMPORT_MIN_PRODUCTS", "lots"}})).key == "NEXSYNC_BULK_IMPORT_MIN_PRODUCTS");
}

TEST_CASE("the kept history: 14 days unless set, at least one day") {
  CHECK(ok(load_settings(std::nullopt, {})).retention_days == 14);
  CHECK(ok(load_settings(std::nullopt, {{"NEXSYNC_RETENTION_DAYS", "90"}})).retention_days == 90);
  CHECK(failed(load_settings(std::nullopt, {{"NEXSYNC_RETENTION_DAYS", "0"}})).key == "NEXSYNC_RETENTION_DAYS");
}

TEST_CASE("serving needs the database, the master key and the app credentials") {
  auto s = ok(load_settings(std::nullopt, {}));
  CHECK(check_for_serving(s)->key == "NEXSYNC_DATABASE_URL");
  s.database_url = "postgresql:///x";
  CHECK(check_for_serving(s)->key == "NEXSYNC_MASTER_KEY");
  s.master_key = std::string(64, 'a');
  s.shopify_api_key = "key";
  s.shopify_api_secret = "secret";
  CHECK(check_for_serving(s)->key == "NEXSYNC_CRON_SECRET");
  s.cron_secret = "0123456789abcdef";
  CHECK_FALSE(check_for_serving(s));
}

TEST_CASE("describe hides secrets") {
  settings s;
  s.master_key = "super-secret-key";
  s.shopify_api_secret = "shh";
  std::string all;
  for (auto& line : describe(s)) all += line + "\n";
  CHECK(all.find("super-secret-key") == std::string::npos);
  CHECK(all.find("shh") == std::string::npos);
  CHECK(all.find("master_key=(set, hidden)") != std::string::npos);
  CHECK(all.find("cron_secret=(unset)") != std::string::npos);
}

TEST_CASE("parse_listen accepts host:port and bracketed IPv6") {
  CHECK(parse_listen("127.0.0.1:8080")->port == 8080);
  CHECK(parse_listen("[::1]:0")->host == "::1");
  CHECK_FALSE(parse_listen("127.0.0.1"));
  CHECK_FALSE(parse_listen("127.0.0.1:99999"));
}
