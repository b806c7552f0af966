#pragma once
// Shopify's signatures as the simulator (the referee) computes them: the OAuth redirect's query HMAC
// and the webhook body HMAC. Implemented here on crypto/ primitives, independent of shopify/.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nexsync::sim::oauth {

/// application/x-www-form-urlencoded encoding of one component, as URLSearchParams writes it
/// (letters, digits and `*-._` kept, space as '+', everything else %XX upper-case).
std::string form_encode(std::string_view s);

/// The signed message of a query: `hmac` and `signature` removed, sorted by key, `k=v` joined by '&'
/// with keys and values form-encoded.
std::string query_message(std::vector<std::pair<std::string, std::string>> params);

/// Lower-case hex HMAC-SHA256 of query_message(params) with the app secret.
std::string sign_query(const std::vector<std::pair<std::string, std::string>>& params, std::string_view secret);

/// Base64 HMAC-SHA256 of a webhook's raw body with the app secret (X-Shopify-Hmac-Sha256).
std::string sign_webhook(std::string_view body, std::string_view secret);

}  // namespace nexsync::sim::oauth
