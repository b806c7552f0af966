#pragma once
// Session and CSRF tokens: 256-bit random values; only their SHA-256 is stored.

#include <string>
#include <string_view>

namespace nexsync::auth {

/// A new random token (base64url of 32 bytes) for a cookie or a CSRF field.
std::string new_token();

/// The value stored for a session token: SHA-256 as raw bytes.
std::string token_hash(std::string_view token);

/// Whether a submitted CSRF token matches the session's, in constant time (empty never matches).
bool csrf_matches(std::string_view expected, std::string_view submitted);

/// The Set-Cookie value for the session cookie (HttpOnly, SameSite=Lax, Path=/, Secure when asked).
std::string session_cookie(std::string_view name, std::string_view token, long max_age_seconds, bool secure);

/// A Set-Cookie value that deletes the cookie.
std::string expired_cookie(std::string_view name, bool secure);

}  // namespace nexsync::auth
