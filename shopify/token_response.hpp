#pragma once

#include "shopify/parse_error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nexsync::shopify {

/// Refresh half of an expiring offline token (present when the request asked for `expiring: "1"`).
struct token_refresh {
  std::int64_t expires_in{};                ///< Seconds the access token lives (typically 3600).
  std::string refresh_token;                ///< Exchanged for a new pair at the same endpoint.
  std::int64_t refresh_token_expires_in{};  ///< Seconds the refresh token lives.
};

/// The token endpoint's answer to a code exchange or a refresh.
struct token_response {
  std::string access_token;             ///< Offline token for X-Shopify-Access-Token.
  std::string scope;                    ///< Granted scopes, comma-separated; may differ from the request.
  std::optional<token_refresh> refresh; ///< Absent for a non-expiring token.
};

/// Parses `{access_token, scope, expires_in, refresh_token, refresh_token_expires_in}`; the last three
/// come all together or not at all. The error names the missing or mistyped field.
parse_result<token_response> parse_token_response(std::string_view body);

}  // namespace nexsync::shopify
