#pragma once

#include <span>
#include <string>
#include <string_view>

namespace nexsync::shopify {

/// Returns the value Shopify puts in X-Shopify-Hmac-Sha256: base64(HMAC-SHA256(secret, raw body)).
std::string webhook_hmac(std::string_view secret, std::string_view raw_body);

/// Returns true if `header_value` is the webhook HMAC of the raw body under any of the (non-empty)
/// secrets — several during a secret rotation; every secret is tried, each compare constant-time.
bool verify_webhook(std::span<const std::string> secrets, std::string_view raw_body, std::string_view header_value);

}  // namespace nexsync::shopify
