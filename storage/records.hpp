#pragma once
// Types and small checks shared by the record repositories (inventory, customers, sales):
// paging, per-row outcomes of the sync batches, and the field rules the tables enforce.

#include "storage/pg.hpp"

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace nexsync::storage {

/// Which slice of a list to read; query filters case-insensitively (empty: everything).
struct page_request {
  std::string query;
  std::int64_t page = 1;       ///< 1-based
  std::int64_t per_page = 50;  ///< clamped to 1..200
};

/// One page of a list and the size of the whole (filtered) list.
template <class T>
struct page_of {
  std::vector<T> rows;
  std::int64_t total = 0;
  std::int64_t page = 1;
  std::int64_t per_page = 50;
};

/// What a sync batch did with one input row.
enum class row_status { created, updated, skipped };

/// One row's outcome; outcomes come back in the order of the input rows.
struct row_outcome {
  row_status status = row_status::skipped;
  std::string reason;    ///< why it was skipped: "no_sku", "duplicate_sku", "unchanged", "no_email", ...
  std::int64_t id = 0;   ///< the record created or updated (or the existing one, when known)
};

/// "created", "updated" or "skipped".
inline std::string_view to_string(row_status s) {
  return s == row_status::created ? "created" : s == row_status::updated ? "updated" : "skipped";
}

/// Number of Unicode code points in UTF-8 text (what PostgreSQL's length() counts).
inline std::size_t text_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

/// Whether s contains ASCII control characters (tab and newline included).
inline bool has_control_chars(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7F) return true;
  return false;
}

/// Whether s is a non-negative amount with at most 10 integer digits and 2 decimals ("12", "12.5", "12.50").
inline bool valid_money(std::string_view s) {
  auto dot = s.find('.');
  auto whole = s.substr(0, dot);
  if (whole.empty() || whole.size() > 10) return false;
  for (char c : whole)
    if (c < '0' || c > '9') return false;
  if (dot == std::string_view::npos) return true;
  auto frac = s.substr(dot + 1);
  if (frac.empty() || frac.size() > 2) return false;
  for (char c : frac)
    if (c < '0' || c > '9') return false;
  return true;
}

/// Whether s looks like an ISO 8601 timestamp PostgreSQL accepts ("2024-05-01T10:00:00Z", offsets, fractions).
inline bool valid_timestamp(std::string_view s) {
  if (s.size() < 19 || s.size() > 40) return false;
  auto digits = [&](std::size_t from, std::size_t n) {
    for (std::size_t i = from; i < from + n; ++i)
      if (s[i] < '0' || s[i] > '9') return false;
    return true;
  };
  if (!digits(0, 4) || s[4] != '-' || !digits(5, 2) || s[7] != '-' || !digits(8, 2) || (s[10] != 'T' && s[10] != ' ') ||
      !digits(11, 2) || s[13] != ':' || !digits(14, 2) || s[16] != ':' || !digits(17, 2))
    return false;
  for (char c : s.substr(19))
    if (!((c >= '0' && c <= '9') || c == '.' || c == '+' || c == '-' || c == ':' || c == 'Z')) return false;
  return true;
}

/// A LIKE pattern matching text that contains q literally.
inline std::string like_contains(std::string_view q) {
  std::string out = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

/// Length-prefixed concatenation: the input of a content digest (md5 in SQL), unambiguous for any text.
inline std::string digest_input(const std::vector<std::string_view>& fields) {
  std::string out;
  for (auto f : fields) {
    out += std::to_string(f.size());
    out.push_back(':');
    out.append(f);
    out.push_back(';');
  }
  return out;
}

/// Unix seconds as UTC ISO 8601 ("2024-05-01T10:00:00Z"), the form the SQL expression below renders.
inline std::string iso_utc_time(std::int64_t unix_seconds) {
  std::time_t t = unix_seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

/// SQL expression rendering a timestamptz column as UTC ISO 8601 ("2024-05-01T10:00:00Z").
inline std::string iso_utc(std::string_view column) {
  return "to_char(" + std::string{column} + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
}

/// Runs f inside a savepoint; a data or integrity error in f rolls the savepoint back and returns its SQLSTATE
/// (the rest of the transaction goes on). Other errors (deadlocks, lost connections) propagate.
template <class F>
std::string within_savepoint(connection& c, F&& f) {
  c.exec_script("SAVEPOINT record_row");
  try {
    f();
  } catch (const query_error& e) {
    if (!e.sqlstate.starts_with("22") && !e.sqlstate.starts_with("23")) throw;
    c.exec_script("ROLLBACK TO SAVEPOINT record_row");
    return e.sqlstate;
  }
  c.exec_script("RELEASE SAVEPOINT record_row");
  return {};
}

}  // namespace nexsync::storage
