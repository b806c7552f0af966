#include "auth/password.hpp"

#include "crypto/random.hpp"

#include <argon2.h>

#include <stdexcept>
#include <vector>

namespace nexsync::auth {

namespace {
constexpr std::uint32_t time_cost = 2;
constexpr std::uint32_t memory_kib = 19456;
constexpr std::uint32_t parallelism = 1;
constexpr std::size_t salt_bytes = 16;
constexpr std::size_t hash_bytes = 32;
}  // namespace

std::string hash_password(std::string_view password) {
  auto salt = crypto::random_bytes(salt_bytes);
  auto length = argon2_encodedlen(time_cost, memory_kib, parallelism, salt_bytes, hash_bytes, Argon2_id);
  std::vector<char> encoded(length);
  int rc = argon2id_hash_encoded(time_cost, memory_kib, parallelism, password.data(), password.size(), salt.data(),
                                 salt.size(), hash_bytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) throw std::runtime_error(std::string{"argon2: "} + argon2_error_message(rc));
  return std::string{encoded.data()};
}

bool verify_password(std::string_view encoded, std::string_view password) {
  std::string e{encoded};
  if (!e.starts_with("$argon2id$")) return false;
  return argon2id_verify(e.c_str(), password.data(), password.size()) == ARGON2_OK;
}

std::string password_problem(std::string_view password) {
  if (password.size() < 10) return "Passwords need at least 10 characters.";
  if (password.size() > 200) return "Passwords may have at most 200 characters.";
  return {};
}

}  // namespace nexsync::auth
