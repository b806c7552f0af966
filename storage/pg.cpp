#include "storage/pg.hpp"

#include <libpq-fe.h>

#include <charconv>

namespace nexsync::storage {

result::result(pg_result* r) : r_(r, PQclear) {}

int result::rows() const { return PQntuples(r_.get()); }
int result::columns() const { return PQnfields(r_.get()); }
bool result::is_null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }

std::string_view result::text(int row, int col) const {
  return {PQgetvalue(r_.get(), row, col), static_cast<std::size_t>(PQgetlength(r_.get(), row, col))};
}

std::optional<std::string> result::optional(int row, int col) const {
  if (is_null(row, col)) return std::nullopt;
  return get(row, col);
}

std::int64_t result::int64(int row, int col) const {
  auto t = text(row, col);
  std::int64_t v = 0;
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}

double result::number(int row, int col) const { return std::stod(get(row, col)); }
bool result::boolean(int row, int col) const { return text(row, col) == "t"; }

std::int64_t result::affected() const {
  const char* n = PQcmdTuples(r_.get());
  return n && *n ? std::stoll(n) : 0;
}

connection::connection(const std::string& url) {
  conn_ = PQconnectdb(url.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    throw unavailable("database connection failed: " + message);
  }
  // Server notices ("relation already exists, skipping") are not errors; keep them out of stderr.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  // Our statements are unnamed (planned at each execution anyway); what this changes are the plans
  // PostgreSQL caches for trigger functions and foreign-key checks. Cached while a table was small, they
  // stay sequential scans as it grows: the stock-movement trigger's UPDATE took 1.4 ms a row in the
  // first 8k-variant import into a fresh database (bench --pg-statements), replanned it uses the index.
  exec("SET plan_cache_mode = force_custom_plan");
}

connection::~connection() {
  if (conn_) PQfinish(conn_);
}

bool connection::ok() const { return conn_ && PQstatus(conn_) == CONNECTION_OK; }

relaxed_durability::relaxed_durability(connection& c) : c_(c) { c_.exec("SET synchronous_commit = off"); }

relaxed_durability::~relaxed_durability() {
  try {
    c_.exec("RESET synchronous_commit");
  } catch (...) {
    // A broken connection is replaced by the pool; a fresh one has the default again.
  }
}

void append_array_element(std::string& literal, std::string_view value) {
  if (literal.size() > 1) literal.push_back(',');
  literal.push_back('"');
  for (char ch : value) {
    if (ch == '"' || ch == '\\') literal.push_back('\\');
    literal.push_back(ch);
  }
  literal.push_back('"');
}

std::string text_array(const std::vector<std::string>& values) {
  std::string out = "{";
  for (auto& v : values) append_array_element(out, v);
  out.push_back('}');
  return out;
}

namespace {

[[noreturn]] void fail(pg_conn* c, pg_result* r) {
  std::string state;
  if (r) {
    if (const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE)) state = s;
  }
  std::string message = r ? PQresultErrorMessage(r) : PQerrorMessage(c);
  if (r) PQclear(r);
  if (PQstatus(c) != CONNECTION_OK) throw unavailable("database connection lost: " + message);
  throw query_error(message, state);
}

}  // namespace

result connection::exec(std::string_view sql, const params& p) {
  std::string text{sql};
  std::vector<const char*> values;
  values.reserve(p.values().size());
  for (auto& v : p.values()) values.push_back(v ? v->c_str() : nullptr);
  pg_result* r = PQexecParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                              nullptr, nullptr, 0);
  auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(conn_, r);
  return result{r};
}

void connection::exec_script(std::string_view sql) {
  std::string text{sql};
  pg_result* r = PQexec(conn_, text.c_str());
  auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(conn_, r);
  PQclear(r);
}

transaction::transaction(connection& c, std::string_view begin) : c_(c) { c_.exec_script(begin); }

transaction::~transaction() {
  if (!done_ && c_.ok()) {
    try {
      c_.exec_script("ROLLBACK");
    } catch (...) {
      // The connection is already broken; the pool replaces it.
    }
  }
}

void transaction::commit() {
  c_.exec_script("COMMIT");
  done_ = true;
}

}  // namespace nexsync::storage
