#include "storage/migrations.hpp"

#include <algorithm>
#include <charconv>

namespace nexsync::storage::migration_files {
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_files();
}

namespace nexsync::storage {

namespace {

// Any constant works; it only has to be the same in every process of this application.
constexpr std::string_view lock_key = "7419305501";

void ensure_table(connection& c) {
  c.exec_script(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
}

}  // namespace

const std::vector<migration>& all_migrations() {
  static const std::vector<migration> all = [] {
    std::vector<migration> out;
    for (auto& [file, sql] : migration_files::embedded_files()) {
      migration m;
      std::from_chars(file.data(), file.data() + file.size(), m.version);
      m.name = std::string{file};
      m.sql = sql;
      out.push_back(m);
    }
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.version < b.version; });
    return out;
  }();
  return all;
}

std::vector<std::string> migrate(connection& c) {
  std::vector<std::string> applied;
  c.exec("SELECT pg_advisory_lock($1::bigint)", params{lock_key});
  try {
    ensure_table(c);
    auto done = c.exec("SELECT version FROM schema_migrations");
    std::vector<int> versions;
    for (int i = 0; i < done.rows(); ++i) versions.push_back(static_cast<int>(done.int64(i, 0)));
    for (auto& m : all_migrations()) {
      if (std::find(versions.begin(), versions.end(), m.version) != versions.end()) continue;
      transaction tx{c};
      c.exec_script(m.sql);
      tx.exec("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", params{m.version, m.name});
      tx.commit();
      applied.push_back(m.name);
    }
  } catch (...) {
    if (c.ok()) c.exec("SELECT pg_advisory_unlock($1::bigint)", params{lock_key});
    throw;
  }
  c.exec("SELECT pg_advisory_unlock($1::bigint)", params{lock_key});
  return applied;
}

bool migrations_current(connection& c) {
  auto r = c.exec("SELECT to_regclass('schema_migrations') IS NOT NULL");
  if (!r.boolean(0, 0)) return false;
  auto done = c.exec("SELECT count(*), coalesce(max(version), 0) FROM schema_migrations");
  return done.int64(0, 0) == static_cast<std::int64_t>(all_migrations().size());
}

}  // namespace nexsync::storage
