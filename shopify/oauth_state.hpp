#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nexsync::shopify {

/// What nexsync binds to one OAuth round trip: the cookie nonce, the tenant and browser session that
/// started it, the shop it is for, and when it stops being acceptable.
struct oauth_state {
  std::string nonce;         ///< Random; must equal the nonce in the browser's state cookie.
  std::int64_t tenant_id{};  ///< Tenant that started the connect.
  std::string session_hash;  ///< Hash of the browser session that started it.
  std::string shop;          ///< Shop subdomain the user asked for.
  std::int64_t expires_at{}; ///< Unix seconds after which the state is refused.

  friend bool operator==(const oauth_state&, const oauth_state&) = default;
};

/// Encodes and signs a state as `base64url(json) "." base64url(HMAC-SHA256)`: compact and URL-safe.
/// Text fields must be valid UTF-8 (hex, base64 and shop names are), or the state will not verify.
std::string sign_state(std::string_view key, const oauth_state& state);

/// Returns the state if the signature is valid (constant-time compare), the text well-formed and
/// `now` before expires_at; nullopt otherwise.
std::optional<oauth_state> verify_state(std::string_view key, std::string_view text, std::int64_t now);

}  // namespace nexsync::shopify
