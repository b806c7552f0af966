#pragma once
// Tenants, users and sessions. Blocking calls: run them through storage::pool.

#include "storage/pg.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace nexsync::storage {

/// A user as the login needs it.
struct user_row {
  std::int64_t id = 0;
  std::int64_t tenant_id = 0;
  std::string tenant_name;
  std::string email;
  std::string role;
  std::string password_hash;
};

/// A live session with its user.
struct session_row {
  std::int64_t user_id = 0;
  std::int64_t tenant_id = 0;
  std::string tenant_name;
  std::string email;
  std::string role;
  std::string csrf_token;
};

/// Creates a tenant; returns its id.
std::int64_t create_tenant(connection& c, const std::string& name);

/// Adds a user to a tenant; throws query_error (unique_violation) if the email is taken.
std::int64_t add_user(connection& c, std::int64_t tenant_id, const std::string& email, const std::string& role,
                      const std::string& password_hash);

/// The user with this email (case-insensitive).
std::optional<user_row> find_user_by_email(connection& c, const std::string& email);

/// The tenant id of the tenant with this name, if exactly one has it.
std::optional<std::int64_t> find_tenant_by_name(connection& c, const std::string& name);

/// Stores a new session.
void create_session(connection& c, const std::string& token_hash, std::int64_t user_id, std::int64_t tenant_id,
                    const std::string& csrf_token, std::int64_t absolute_lifetime_seconds);

/// The session for this token hash if neither idle- nor absolutely expired; refreshes last_seen_at
/// (at most once a minute). Expired sessions are deleted.
std::optional<session_row> find_session(connection& c, const std::string& token_hash, std::int64_t idle_seconds);

/// Ends a session.
void delete_session(connection& c, const std::string& token_hash);

}  // namespace nexsync::storage
