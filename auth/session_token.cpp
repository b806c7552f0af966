#include "auth/session_token.hpp"

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"
#include "crypto/random.hpp"

namespace nexsync::auth {

std::string new_token() { return crypto::base64url_encode(crypto::random_bytes(32)); }

std::string token_hash(std::string_view token) { return crypto::sha256(token); }

bool csrf_matches(std::string_view expected, std::string_view submitted) {
  return !expected.empty() && crypto::constant_time_equal(expected, submitted);
}

std::string session_cookie(std::string_view name, std::string_view token, long max_age_seconds, bool secure) {
  std::string c{name};
  c += "=";
  c += token;
  c += "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age_seconds);
  if (secure) c += "; Secure";
  return c;
}

std::string expired_cookie(std::string_view name, bool secure) {
  std::string c{name};
  c += "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0";
  if (secure) c += "; Secure";
  return c;
}

}  // namespace nexsync::auth
