#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nexsync::shopify {

/// Decoded query parameters in arrival order (key, value).
using query_params = std::vector<std::pair<std::string, std::string>>;

/// application/x-www-form-urlencoded as URLSearchParams and Ruby's URI.encode_www_form write it:
/// ASCII letters, digits and `*-._` kept, space as `+`, every other byte `%XX` (upper case).
std::string form_encode(std::string_view text);

/// Builds the message Shopify signs for a callback query: drops `hmac` and `signature`, sorts by key
/// (then value) and joins the form-encoded pairs as `k=v&...`. This is what Shopify's own libraries
/// verify (@shopify/shopify-api: URLSearchParams; shopify_api for Ruby: URI.encode_www_form); the
/// older documented form that escaped only `%`, `&` and `=` differs once a value holds `=`, `/` or
/// `+`, as the base64 `host` parameter does.
std::string query_hmac_message(query_params params);

/// Returns the lower-case hex HMAC-SHA256 of query_hmac_message(params) under the app secret.
std::string sign_query(std::string_view secret, query_params params);

/// Checks the query's single `hmac` parameter against sign_query() in constant time; false if it is
/// missing, repeated, or the secret is empty.
bool verify_query(std::string_view secret, const query_params& params);

/// Returns true if `ts` (Unix seconds) is within `window` seconds of `now`, either side.
bool timestamp_fresh(std::int64_t ts, std::int64_t now, std::int64_t window = 90);

/// Percent-encodes everything but RFC 3986 unreserved characters (so a space becomes %20).
std::string percent_encode(std::string_view text);

/// Returns `{shop_base_url}/admin/oauth/authorize?client_id=…&scope=a,b&redirect_uri=…&state=…&grant_options[]=`
/// (an offline-token request); shop_base_url is e.g. `https://acme.myshopify.com`, without a trailing path.
std::string authorize_url(std::string_view shop_base_url, std::string_view client_id,
                          std::span<const std::string> scopes, std::string_view redirect_uri,
                          std::string_view state);

/// Returns the access scopes nexsync asks for and needs.
const std::vector<std::string>& required_scopes();

/// Returns the required scopes (in their order) not covered by the granted comma-separated list;
/// a granted `write_X` covers `read_X`, as Shopify implies.
std::vector<std::string> missing_scopes(std::string_view granted_csv, std::span<const std::string> required);

}  // namespace nexsync::shopify
