#pragma once
// Verifying the HMAC of an OAuth callback as Shopify's own libraries do. shopify/oauth.hpp's
// query_hmac_message() follows Shopify's older documentation (only `%`, `&` and `=` in keys escaped);
// @shopify/shopify-api (URLSearchParams) and shopify_api for Ruby (URI.encode_www_form) sign the sorted
// parameters form-encoded, which differs as soon as a value holds `=`, `/` or `+` — as the base64
// `host` parameter usually does. A callback is accepted if it verifies under either form.

#include "shopify/oauth.hpp"

#include <string>
#include <string_view>

namespace nexsync::shopify {

/// application/x-www-form-urlencoded as URLSearchParams writes it: unreserved `*-._` and
/// alphanumerics kept, space as `+`, everything else `%XX` (upper case).
std::string form_encode(std::string_view text);

/// Drops `hmac` and `signature`, sorts by key (then value) and joins form-encoded `k=v` with `&`.
std::string form_hmac_message(query_params params);

/// True if the single `hmac` parameter is the lower-case hex HMAC-SHA256 (secret) of the callback's
/// other parameters under form_hmac_message() or query_hmac_message(); constant-time compares.
bool verify_callback_hmac(std::string_view secret, const query_params& params);

}  // namespace nexsync::shopify
