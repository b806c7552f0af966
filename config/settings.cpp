#include "config/settings.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <arpa/inet.h>
#include <charconv>
#include <functional>

extern char** environ;

namespace nexsync::config {

namespace {

enum class kind { text, integer };

struct field {
  const char* key;
  kind type;
  bool secret;
  std::function<void(settings&, const std::string&)> set_text;
  std::function<void(settings&, std::int64_t)> set_int;
  std::function<std::string(const settings&)> get;
  std::int64_t min = 0, max = 0;
};

#define TEXT(name, secret) \
  field{#name, kind::text, secret, [](settings& s, const std::string& v) { s.name = v; }, {}, \
        [](const settings& s) { return s.name; }}
#define INT(name, lo, hi) \
  field{#name, kind::integer, false, {}, [](settings& s, std::int64_t v) { s.name = v; }, \
        [](const settings& s) { return std::to_string(s.name); }, lo, hi}

const std::vector<field>& fields() {
  static const std::vector<field> all = {
      TEXT(listen, false), TEXT(public_url, false), TEXT(database_url, true), TEXT(master_key, true),
      TEXT(master_key_id, false), TEXT(previous_master_keys, true), TEXT(cron_secret, true), TEXT(metrics_token, true),
      TEXT(shopify_api_key, false), TEXT(shopify_api_secret, true), TEXT(shopify_previous_api_secret, true),
      TEXT(shopify_shop_url, false), TEXT(shopify_api_version, false), TEXT(shopify_ca_file, false),
      TEXT(log_level, false), TEXT(trusted_proxies, false), INT(db_pool_size, 1, 64), INT(webhook_db_connections, 1, 16), INT(http_threads, 1, 64), INT(actor_threads, 1, 64),
      INT(session_idle_minutes, 1, 60 * 24 * 30), INT(session_absolute_hours, 1, 24 * 365),
      INT(sweep_interval_minutes, 0, 24 * 60), INT(bulk_import_min_products, 0, 100'000'000), INT(retention_days, 1, 3650),
  };
  return all;
}

#undef TEXT
#undef INT

std::string env_name(const char* key) {
  std::string out = "NEXSYNC_";
  for (const char* p = key; *p; ++p) out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(*p))));
  return out;
}

std::optional<settings_error> apply_text(settings& s, const field& f, const std::string& where, const std::string& v) {
  if (f.type == kind::text) {
    f.set_text(s, v);
    return std::nullopt;
  }
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || end != v.data() + v.size() || n < f.min || n > f.max)
    return settings_error{where, "must be a whole number from " + std::to_string(f.min) + " to " + std::to_string(f.max)};
  f.set_int(s, n);
  return std::nullopt;
}

std::optional<settings_error> validate(const settings& s) {
  if (!parse_listen(s.listen)) return settings_error{"listen", "must look like HOST:PORT, e.g. 127.0.0.1:8080"};
  if (!s.public_url.starts_with("http://") && !s.public_url.starts_with("https://"))
    return settings_error{"public_url", "must start with http:// or https://"};
  if (s.shopify_shop_url.find("{shop}") == std::string::npos)
    return settings_error{"shopify_shop_url", "must contain {shop}, e.g. https://{shop}.myshopify.com"};
  if (s.log_level != "debug" && s.log_level != "info" && s.log_level != "warn" && s.log_level != "error")
    return settings_error{"log_level", "must be one of debug, info, warn, error"};
  if (!parse_address_list(s.trusted_proxies))
    return settings_error{"trusted_proxies", "must be IP addresses separated by commas, e.g. 10.0.0.5,::1"};
  return std::nullopt;
}

}  // namespace

std::variant<settings, settings_error> load_settings(const std::optional<std::string>& json_text,
                                                     const std::map<std::string, std::string>& env) {
  settings s;
  if (json_text) {
    boost::system::error_code ec;
    auto doc = boost::json::parse(*json_text, ec);
    if (ec || !doc.is_object()) return settings_error{"--config", "is not a JSON object: " + ec.message()};
    for (auto& [key, value] : doc.as_object()) {
      auto it = std::find_if(fields().begin(), fields().end(), [&](const field& f) { return key == f.key; });
      if (it == fields().end()) return settings_error{std::string{key}, "is not a known setting"};
      std::string text;
      if (value.is_string()) text = std::string{value.as_string()};
      else if (value.is_int64()) text = std::to_string(value.as_int64());
      else return settings_error{std::string{key}, "must be a string or a number"};
      if (auto err = apply_text(s, *it, std::string{key}, text)) return *err;
    }
  }
  for (auto& f : fields()) {
    auto name = env_name(f.key);
    auto it = env.find(name);
    if (it == env.end()) continue;
    if (auto err = apply_text(s, f, name, it->second)) return *err;
  }
  if (auto err = validate(s)) return *err;
  return s;
}

std::map<std::string, std::string> nexsync_environment() {
  std::map<std::string, std::string> out;
  for (char** e = environ; *e; ++e) {
    std::string_view kv{*e};
    if (!kv.starts_with("NEXSYNC_")) continue;
    auto eq = kv.find('=');
    if (eq != std::string_view::npos) out.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return out;
}

std::optional<settings_error> check_for_serving(const settings& s) {
  if (s.database_url.empty()) return settings_error{"NEXSYNC_DATABASE_URL", "is required"};
  if (s.master_key.empty()) return settings_error{"NEXSYNC_MASTER_KEY", "is required (64 hex digits or base64 of 32 bytes)"};
  if (s.shopify_api_key.empty()) return settings_error{"NEXSYNC_SHOPIFY_API_KEY", "is required"};
  if (s.shopify_api_secret.empty()) return settings_error{"NEXSYNC_SHOPIFY_API_SECRET", "is required"};
  if (s.cron_secret.size() < 16) return settings_error{"NEXSYNC_CRON_SECRET", "is required (at least 16 characters)"};
  return std::nullopt;
}

std::optional<std::vector<std::string>> parse_address_list(const std::string& text) {
  std::vector<std::string> out;
  std::string_view rest{text};
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto entry = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    while (!entry.empty() && entry.front() == ' ') entry.remove_prefix(1);
    while (!entry.empty() && entry.back() == ' ') entry.remove_suffix(1);
    if (entry.empty()) continue;
    std::string address{entry};
    unsigned char bytes[16];
    if (inet_pton(AF_INET, address.c_str(), bytes) != 1 && inet_pton(AF_INET6, address.c_str(), bytes) != 1) return std::nullopt;
    out.push_back(std::move(address));
  }
  return out;
}

std::optional<listen_address> parse_listen(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  listen_address out;
  out.host = text.substr(0, colon);
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']')
    out.host = out.host.substr(1, out.host.size() - 2);
  auto port = std::string_view{text}.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc{} || end != port.data() + port.size() || value > 65535) return std::nullopt;
  out.port = static_cast<unsigned short>(value);
  return out;
}

std::vector<std::string> describe(const settings& s) {
  std::vector<std::string> out;
  for (auto& f : fields()) {
    auto value = f.get(s);
    if (f.secret) value = value.empty() ? "(unset)" : "(set, hidden)";
    out.push_back(std::string{f.key} + "=" + value);
  }
  return out;
}

}  // namespace nexsync::config
