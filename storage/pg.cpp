#include "storage/pg.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <vector>

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

connection::connection(const std::string& url, planning plans) : plans_(plans) {
  conn_ = PQconnectdb(url.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    throw unavailable("database connection failed: " + message);
  }
  // Server notices ("relation already exists, skipping") are not errors; keep them out of stderr.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  // By default our statements are planned at each execution (parsed once, see exec), and so are the plans
  // PostgreSQL caches for trigger functions and foreign-key checks. Cached while a table was small, they
  // would stay sequential scans as it grows: the stock-movement trigger's UPDATE took 1.4 ms a row in the
  // first 8k-variant import into a fresh database (bench --pg-statements), replanned it uses the index.
  if (plans == planning::each_execution) exec("SET plan_cache_mode = force_custom_plan");
}

connection::~connection() {
  if (conn_) PQfinish(conn_);
}

bool connection::ok() const { return conn_ && !broken_ && PQstatus(conn_) == CONNECTION_OK; }


void append_array_element(std::string& literal, std::string_view value) {
  if (literal.size() > 1) literal.push_back(',');
  literal.push_back('"');
  for (char ch : value) {
    if (ch == '"' || ch == '\\') literal.push_back('\\');
    literal.push_back(ch);
  }
  literal.push_back('"');
}

namespace {

void put_int32(std::string& out, std::uint32_t v) {
  const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
  out.append(b, 4);
}

// array_recv's layout: dimensions, a has-nulls flag, the element type, each dimension's size and lower
// bound, then every element as a length and its bytes (network byte order throughout).
std::string binary_array_header(std::size_t count, std::uint32_t element_oid, std::size_t payload_bytes) {
  std::string out;
  out.reserve(20 + payload_bytes);
  put_int32(out, 1);
  put_int32(out, 0);
  put_int32(out, element_oid);
  put_int32(out, static_cast<std::uint32_t>(count));
  put_int32(out, 1);
  return out;
}

constexpr std::uint32_t int8_oid = 20, text_oid = 25, int8_array_oid = 1016, text_array_oid = 1009;

}  // namespace

binary_array binary_text_array(const std::vector<std::string_view>& values) {
  std::size_t bytes = 0;
  for (auto v : values) bytes += 4 + v.size();
  auto out = binary_array_header(values.size(), text_oid, bytes);
  for (auto v : values) {
    put_int32(out, static_cast<std::uint32_t>(v.size()));
    out.append(v);
  }
  return {std::move(out), text_array_oid};
}

binary_array binary_text_array(const std::vector<std::string>& values) {
  return binary_text_array(std::vector<std::string_view>{values.begin(), values.end()});
}

binary_array binary_bigint_array(const std::vector<std::int64_t>& values) {
  auto out = binary_array_header(values.size(), int8_oid, values.size() * 12);
  for (auto v : values) {
    put_int32(out, 8);
    auto u = static_cast<std::uint64_t>(v);
    put_int32(out, static_cast<std::uint32_t>(u >> 32));
    put_int32(out, static_cast<std::uint32_t>(u));
  }
  return {std::move(out), int8_array_oid};
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

// Statements prepared per connection at most: the product's statement texts number about a hundred.
constexpr std::size_t max_prepared = 512;

// The key of a prepared statement: its text and its parameters' types (0: inferred from the text).
std::string prepared_key(std::string_view sql, const std::vector<Oid>& types) {
  std::string key{sql};
  key.push_back('\0');
  for (auto t : types) key += std::to_string(t) + ",";
  return key;
}

}  // namespace

pg_conn* connection::raw() {
  settle_durability();
  return conn_;
}

namespace {
constexpr const char* relax_sql = "SET synchronous_commit = off";
constexpr const char* reset_sql = "RESET synchronous_commit";
// Around a statement whose plan may be kept, on a connection that plans every execution.
constexpr const char* cache_plans_sql = "SET plan_cache_mode = auto";
constexpr const char* plan_each_sql = "SET plan_cache_mode = force_custom_plan";
}  // namespace

void connection::settle_durability() {
  if (relaxed_wanted_ == relaxed_now_) return;
  pg_result* r = PQexec(conn_, relaxed_wanted_ ? relax_sql : reset_sql);
  if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
    broken_ = true;  // the session's durability is unknown: the pool replaces the connection
    if (r) PQclear(r);
    throw unavailable("database connection lost: " + std::string{PQerrorMessage(conn_)});
  }
  PQclear(r);
  relaxed_now_ = relaxed_wanted_;
}

// A failure here other than a statement's own leaves the pipeline in an unknown state, so the
// connection is marked broken (the pool opens a new one, whose session has the defaults again).
std::vector<pg_result*> connection::pipeline(const std::vector<std::function<int()>>& sends) {
  auto lost = [this]() -> unavailable {
    broken_ = true;
    return unavailable("database connection lost: " + std::string{PQerrorMessage(conn_)});
  };
  if (PQenterPipelineMode(conn_) != 1) throw lost();
  for (auto& send : sends)
    if (send() != 1) throw lost();
  if (PQpipelineSync(conn_) != 1) throw lost();
  // Each message's result (PGRES_PIPELINE_ABORTED after a failed one), each followed by a null, then the Sync.
  std::vector<pg_result*> results;
  for (int nulls = 0; nulls < 3;) {
    pg_result* r = PQgetResult(conn_);
    if (!r) {
      ++nulls;
      continue;
    }
    nulls = 0;
    if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
      PQclear(r);
      break;
    }
    results.push_back(r);
  }
  if (results.size() != sends.size() || PQexitPipelineMode(conn_) != 1) {
    for (auto* r : results) PQclear(r);
    throw lost();
  }
  return results;
}

relaxed_durability::relaxed_durability(connection& c) : c_(c) { c_.relaxed_wanted_ = true; }

relaxed_durability::~relaxed_durability() { c_.relaxed_wanted_ = false; }

result connection::exec(std::string_view sql, const params& p) { return run(sql, p, false); }

result connection::exec_with_cached_plan(std::string_view sql, const params& p) {
  // Inside a transaction block the statement is planned as the block's others are: a session-level SET
  // there would also override the block's own SET LOCAL (begin_with_cached_plans).
  return run(sql, p, plans_ == planning::each_execution && PQtransactionStatus(conn_) == PQTRANS_IDLE);
}

result connection::run(std::string_view sql, const params& p, bool cached_plan) {
  std::vector<const char*> values;
  values.reserve(p.values().size());
  for (auto& v : p.values()) values.push_back(v ? v->c_str() : nullptr);
  // Binary parameters need their types, lengths and formats; text ones need none of these.
  std::vector<Oid> types;
  std::vector<int> lengths, formats;
  if (!p.binary_types().empty()) {
    types.assign(values.size(), 0);
    lengths.assign(values.size(), 0);
    formats.assign(values.size(), 0);
    for (std::size_t i = 0; i < p.binary_types().size(); ++i) {
      if (p.binary_types()[i] == 0) continue;
      types[i] = p.binary_types()[i];
      lengths[i] = static_cast<int>(p.values()[i]->size());
      formats[i] = 1;
    }
  }
  const int count = static_cast<int>(values.size());
  const Oid* type_list = types.empty() ? nullptr : types.data();
  const int* length_list = lengths.empty() ? nullptr : lengths.data();
  const int* format_list = formats.empty() ? nullptr : formats.data();
  // Parsing and analysing a statement cost PostgreSQL more than running it for the small batches the
  // server sends (~130 µs of 470 for a webhook insert, pgbench -M extended vs prepared), so a text is
  // prepared the first time and executed by name after that.
  auto key = prepared_key(sql, types);
  auto it = prepared_.find(key);
  std::string new_name;  // set when this execution prepares the text
  if (it == prepared_.end() && prepared_.size() < max_prepared) new_name = "s" + std::to_string(++statements_named_);
  std::string text{it == prepared_.end() ? sql : std::string_view{}};  // libpq wants it NUL-terminated; known ones go by name
  const std::string* name = it != prepared_.end() ? &it->second : new_name.empty() ? nullptr : &new_name;
  const char* setting = relaxed_wanted_ == relaxed_now_ ? nullptr : relaxed_wanted_ ? relax_sql : reset_sql;
  auto execute = [&]() {
    if (name) return PQsendQueryPrepared(conn_, name->c_str(), count, values.data(), length_list, format_list, 0);
    return PQsendQueryParams(conn_, text.c_str(), count, type_list, values.data(), length_list, format_list, 0);
  };
  pg_result* r = nullptr;
  if (!setting && new_name.empty() && !cached_plan) {
    r = name ? PQexecPrepared(conn_, name->c_str(), count, values.data(), length_list, format_list, 0)
             : PQexecParams(conn_, text.c_str(), count, type_list, values.data(), length_list, format_list, 0);
  } else {
    // What the statement needs first (a durability change, its preparation, its plan mode) travels in
    // the same round trip, in one implicit transaction: if any part fails, the rest is skipped and the
    // settings are undone. The plan mode is set back right after the statement, so whatever happens the
    // session plans every execution again.
    auto send_setting = [this](const char* sql_text) {
      return [this, sql_text] { return PQsendQueryParams(conn_, sql_text, 0, nullptr, nullptr, nullptr, nullptr, 0); };
    };
    std::vector<std::function<int()>> sends;
    if (setting) sends.push_back(send_setting(setting));
    if (cached_plan) sends.push_back(send_setting(cache_plans_sql));
    if (!new_name.empty()) sends.push_back([&] { return PQsendPrepare(conn_, new_name.c_str(), text.c_str(), count, type_list); });
    sends.push_back(execute);
    if (cached_plan) sends.push_back(send_setting(plan_each_sql));
    auto results = pipeline(sends);
    pg_result* plan_reset = nullptr;
    if (cached_plan) {
      plan_reset = results.back();
      results.pop_back();
    }
    r = results.back();
    results.pop_back();
    // After a failed statement the reset was skipped (its setting undone with the rest): the statement's
    // error is the one to report. After a successful one, a failed reset undid the statement too.
    bool statement_ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    if (plan_reset && statement_ok && PQresultStatus(plan_reset) != PGRES_COMMAND_OK) {
      results.push_back(plan_reset);
      plan_reset = nullptr;
    }
    if (plan_reset) PQclear(plan_reset);
    auto first_failed = std::find_if(results.begin(), results.end(), [](pg_result* x) { return PQresultStatus(x) != PGRES_COMMAND_OK; });
    if (first_failed != results.end()) {
      auto failed = *first_failed;
      for (auto* x : results)
        if (x != failed) PQclear(x);
      PQclear(r);
      fail(conn_, failed);
    }
    for (auto* x : results) PQclear(x);
    // A statement prepared stays prepared even when its execution fails (a session object, not undone).
    if (!new_name.empty()) it = prepared_.emplace(std::move(key), std::move(new_name)).first;
    if (statement_ok) relaxed_now_ = relaxed_wanted_;
  }
  auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    // A table's columns changed under a prepared SELECT (a migration meanwhile): prepare it again next time.
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    // 26000: the prepared statement is gone (never expected; prepare it again rather than fail for good).
    if (it != prepared_.end() && state && (std::string_view{state} == "0A000" || std::string_view{state} == "26000"))
      prepared_.erase(it);
    fail(conn_, r);
  }
  return result{r};
}

void connection::exec_script(std::string_view sql) {
  settle_durability();  // a script may hold several statements: the change goes on its own
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
