#include "shopify/webhook_signature.hpp"

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"

namespace nexsync::shopify {

std::string webhook_hmac(std::string_view secret, std::string_view raw_body) {
  return crypto::base64_encode(crypto::hmac_sha256(secret, raw_body));
}

bool verify_webhook(std::span<const std::string> secrets, std::string_view raw_body, std::string_view header_value) {
  bool match = false;
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;  // an empty key is public: never let it authenticate anything
    // No early exit: the time taken does not reveal which secret matched.
    match |= crypto::constant_time_equal(webhook_hmac(secret, raw_body), header_value);
  }
  return match;
}

}  // namespace nexsync::shopify
