#pragma once
// The server's settings: a JSON file (--config) overridden by NEXSYNC_* environment variables.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace nexsync::config {

/// Everything the server reads at start-up. Secrets are marked in the field table (settings.cpp)
/// and never printed.
struct settings {
  std::string listen = "127.0.0.1:8080";          ///< host:port to bind
  std::string public_url = "http://127.0.0.1:8080";  ///< the URL browsers and Shopify use to reach us
  std::string database_url;                        ///< libpq connection string or URI
  std::string master_key;                          ///< 32-byte key (hex or base64) sealing tokens at rest
  std::string master_key_id = "k1";                ///< id stored beside sealed values, for rotation
  std::string previous_master_keys;                ///< "id:key,id:key" still accepted for unsealing
  std::string cron_secret;                         ///< bearer secret of /api/cron/*
  std::string metrics_token;                       ///< bearer token of /metrics (empty: loopback clients only)
  std::string shopify_api_key;                     ///< the app's client id
  std::string shopify_api_secret;                  ///< the app's client secret (signs OAuth and webhooks)
  std::string shopify_previous_api_secret;         ///< accepted for webhooks during a secret rotation
  std::string shopify_shop_url = "https://{shop}.myshopify.com";  ///< template of a shop's base URL
  std::string shopify_api_version = "2026-10";     ///< Admin API version
  std::string shopify_ca_file;                     ///< extra CA bundle to trust (a simulator's certificate)
  std::string log_level = "info";                  ///< debug | info | warn | error
  std::string trusted_proxies;                     ///< "10.0.0.5,::1": proxies whose X-Forwarded-For names the client
  std::int64_t db_pool_size = 4;                   ///< PostgreSQL connections
  std::int64_t webhook_db_connections = 2;         ///< connections of their own for storing webhooks
  std::int64_t http_threads = 2;                   ///< Asio threads
  std::int64_t actor_threads = 2;                  ///< CAF scheduler threads
  std::int64_t session_idle_minutes = 120;         ///< a session ends after this much inactivity
  std::int64_t session_absolute_hours = 24 * 7;    ///< and at the latest after this long
  std::int64_t sweep_interval_minutes = 5;         ///< incremental order sweep per shop (0 = off)
  std::int64_t retention_days = 14;                ///< settled webhooks, background runs and reports kept this long
  std::int64_t bulk_import_min_products = 2000;    ///< Import Products uses a bulk operation from this many products (0 = never)
};

/// A start-up problem, naming the key at fault.
struct settings_error {
  std::string key;
  std::string message;
};

/// Builds settings from an optional JSON document and the environment (env wins).
/// Unknown keys in the file and invalid values fail with the key's name.
std::variant<settings, settings_error> load_settings(const std::optional<std::string>& json_text,
                                                     const std::map<std::string, std::string>& env);

/// The process environment as a map (only NEXSYNC_* variables).
std::map<std::string, std::string> nexsync_environment();

/// Checks what `serve` needs beyond parsing (database URL, master key, app credentials).
std::optional<settings_error> check_for_serving(const settings& s);

/// The addresses of trusted_proxies ("a, b" → {"a", "b"}); nullopt when one is not an IP address.
std::optional<std::vector<std::string>> parse_address_list(const std::string& text);

/// host and port of `listen`.
struct listen_address {
  std::string host;
  unsigned short port = 0;
};
std::optional<listen_address> parse_listen(const std::string& text);

/// Settings as "key=value" lines with secrets masked, for start-up logs.
std::vector<std::string> describe(const settings& s);

}  // namespace nexsync::config
