#include "shopify/oauth.hpp"

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"

#include <algorithm>

namespace nexsync::shopify {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string form_encode(std::string_view text) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    bool kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '*' ||
                c == '-' || c == '.' || c == '_';
    if (kept) {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      auto b = static_cast<unsigned char>(c);
      out += '%';
      out += digits[b >> 4];
      out += digits[b & 15];
    }
  }
  return out;
}

std::string query_hmac_message(query_params params) {
  std::erase_if(params, [](const auto& p) { return p.first == "hmac" || p.first == "signature"; });
  // Stable, and by value for equal keys, so the message does not depend on arrival order.
  std::sort(params.begin(), params.end());
  std::string message;
  for (const auto& [key, value] : params) {
    if (!message.empty()) message += '&';
    message += form_encode(key);
    message += '=';
    message += form_encode(value);
  }
  return message;
}

std::string sign_query(std::string_view secret, query_params params) {
  return crypto::to_hex(crypto::hmac_sha256(secret, query_hmac_message(std::move(params))));
}

bool verify_query(std::string_view secret, const query_params& params) {
  if (secret.empty()) return false;  // an empty key would let anyone sign
  const std::string* given = nullptr;
  for (const auto& [key, value] : params) {
    if (key != "hmac") continue;
    if (given != nullptr) return false;  // two hmac parameters: ambiguous, refuse
    given = &value;
  }
  if (given == nullptr) return false;
  return crypto::constant_time_equal(sign_query(secret, params), *given);
}

bool timestamp_fresh(std::int64_t ts, std::int64_t now, std::int64_t window) {
  if (window < 0) return false;
  // Unsigned difference: exact for any pair of int64 values, no overflow.
  std::uint64_t diff = ts >= now ? static_cast<std::uint64_t>(ts) - static_cast<std::uint64_t>(now)
                                 : static_cast<std::uint64_t>(now) - static_cast<std::uint64_t>(ts);
  return diff <= static_cast<std::uint64_t>(window);
}

std::string percent_encode(std::string_view text) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += c;
    } else {
      auto b = static_cast<unsigned char>(c);
      out += '%';
      out += digits[b >> 4];
      out += digits[b & 15];
    }
  }
  return out;
}

std::string authorize_url(std::string_view shop_base_url, std::string_view client_id,
                          std::span<const std::string> scopes, std::string_view redirect_uri,
                          std::string_view state) {
  while (shop_base_url.ends_with('/')) shop_base_url.remove_suffix(1);
  std::string url(shop_base_url);
  url += "/admin/oauth/authorize?client_id=";
  url += percent_encode(client_id);
  url += "&scope=";
  for (std::size_t i = 0; i < scopes.size(); ++i) {
    if (i > 0) url += ',';
    url += percent_encode(scopes[i]);
  }
  url += "&redirect_uri=";
  url += percent_encode(redirect_uri);
  url += "&state=";
  url += percent_encode(state);
  url += "&grant_options[]=";  // empty: an offline token
  return url;
}

const std::vector<std::string>& required_scopes() {
  static const std::vector<std::string> scopes = {"read_products",  "write_products", "read_inventory",
                                                  "write_inventory", "read_orders",   "read_customers"};
  return scopes;
}

std::vector<std::string> missing_scopes(std::string_view granted_csv, std::span<const std::string> required) {
  std::vector<std::string_view> granted;
  while (!granted_csv.empty()) {
    auto comma = granted_csv.find(',');
    auto item = trim(granted_csv.substr(0, comma));
    if (!item.empty()) granted.push_back(item);
    if (comma == std::string_view::npos) break;
    granted_csv.remove_prefix(comma + 1);
  }
  auto has = [&](std::string_view scope) { return std::find(granted.begin(), granted.end(), scope) != granted.end(); };

  std::vector<std::string> missing;
  for (const auto& scope : required) {
    bool covered = has(scope);
    if (!covered && scope.starts_with("read_")) covered = has("write_" + scope.substr(5));
    if (!covered) missing.push_back(scope);
  }
  return missing;
}

}  // namespace nexsync::shopify
