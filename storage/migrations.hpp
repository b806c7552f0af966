#pragma once
// Numbered SQL migrations (storage/migrations/NNN_name.sql, embedded in the binary), applied in
// order under an advisory lock so several processes starting at once apply each exactly once.

#include "storage/pg.hpp"

#include <string>
#include <vector>

namespace nexsync::storage {

/// One migration file.
struct migration {
  int version = 0;
  std::string name;
  std::string_view sql;
};

/// Every embedded migration, ordered by version.
const std::vector<migration>& all_migrations();

/// Applies the missing migrations, each in its own transaction; returns the names applied.
std::vector<std::string> migrate(connection& c);

/// Whether every embedded migration has been applied.
bool migrations_current(connection& c);

}  // namespace nexsync::storage
