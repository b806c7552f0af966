#pragma once
// Password hashing with Argon2id (libargon2), parameters per OWASP's recommendation.

#include <string>
#include <string_view>

namespace nexsync::auth {

/// An encoded Argon2id hash ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash") with a random salt.
std::string hash_password(std::string_view password);

/// Whether password matches the encoded hash (false for malformed hashes).
bool verify_password(std::string_view encoded, std::string_view password);

/// A reason the password is not acceptable for a new account, or empty if it is.
std::string password_problem(std::string_view password);

}  // namespace nexsync::auth
