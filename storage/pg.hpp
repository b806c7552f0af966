#pragma once
// Thin RAII wrappers over libpq: a connection, a result, parameters as text, a transaction.
// Blocking: only ever used on the pool's threads (storage/pool.hpp).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct pg_conn;
struct pg_result;

namespace nexsync::storage {

/// The database could not be reached or the connection broke: worth a 503 and a retry.
struct unavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A statement failed; sqlstate tells why (e.g. "23505" unique violation).
struct query_error : std::runtime_error {
  query_error(std::string message, std::string sqlstate)
      : std::runtime_error(std::move(message)), sqlstate(std::move(sqlstate)) {}
  std::string sqlstate;
  bool unique_violation() const { return sqlstate == "23505"; }
  bool serialization_failure() const { return sqlstate == "40001" || sqlstate == "40P01"; }
};

/// One statement parameter in text format; nullopt is SQL NULL.
using param = std::optional<std::string>;

/// Appends one quoted element to a PostgreSQL array literal being built ("{" ... "}"), so any text survives.
void append_array_element(std::string& literal, std::string_view value);
/// A PostgreSQL text[] literal of these values (pass as a parameter, cast with ::text[]).
std::string text_array(const std::vector<std::string>& values);

/// A one-dimensional array parameter in PostgreSQL's binary format (sent as is, with its type): nothing
/// to escape here and no array literal for the server to parse. Text-format parsing of an array of
/// webhook bodies cost PostgreSQL ~73 µs per 7.5 KB element (array_in), more than storing the row.
struct binary_array {
  std::string bytes;
  unsigned type_oid = 0;
};
/// A text[] in binary format; the values must be valid UTF-8 without NUL (PostgreSQL checks).
binary_array binary_text_array(const std::vector<std::string_view>& values);
binary_array binary_text_array(const std::vector<std::string>& values);
/// A bigint[] in binary format.
binary_array binary_bigint_array(const std::vector<std::int64_t>& values);

/// Builds a parameter list from strings, numbers, booleans, optionals and binary arrays.
class params {
 public:
  params() = default;
  template <class... T>
  explicit params(const T&... values) {
    (add(values), ...);
  }
  params& add(std::nullopt_t) { values_.emplace_back(); return *this; }
  params& add(const std::string& v) { values_.emplace_back(v); return *this; }
  params& add(std::string_view v) { values_.emplace_back(std::string{v}); return *this; }
  params& add(const char* v) { values_.emplace_back(std::string{v}); return *this; }
  params& add(bool v) { values_.emplace_back(v ? "t" : "f"); return *this; }
  params& add(std::int64_t v) { values_.emplace_back(std::to_string(v)); return *this; }
  params& add(int v) { values_.emplace_back(std::to_string(v)); return *this; }
  params& add(double v) { values_.emplace_back(std::to_string(v)); return *this; }
  params& add(binary_array v) {
    binary_.resize(values_.size());
    binary_.push_back(v.type_oid);
    values_.emplace_back(std::move(v.bytes));
    return *this;
  }
  template <class T>
  params& add(const std::optional<T>& v) {
    if (v) return add(*v);
    return add(std::nullopt);
  }
  const std::vector<param>& values() const { return values_; }
  /// The type of each binary parameter, 0 for text ones (shorter than values() when the rest are text).
  const std::vector<unsigned>& binary_types() const { return binary_; }

 private:
  std::vector<param> values_;
  std::vector<unsigned> binary_;
};

/// A query result; rows and columns by index, values as text.
class result {
 public:
  explicit result(pg_result* r);
  int rows() const;
  int columns() const;
  bool is_null(int row, int col) const;
  std::string_view text(int row, int col) const;
  std::string get(int row, int col) const { return std::string{text(row, col)}; }
  std::optional<std::string> optional(int row, int col) const;
  std::int64_t int64(int row, int col) const;
  double number(int row, int col) const;
  bool boolean(int row, int col) const;
  /// Rows changed by INSERT/UPDATE/DELETE.
  std::int64_t affected() const;

 private:
  std::shared_ptr<pg_result> r_;
};

/// How PostgreSQL plans this connection's prepared statements (and the trigger and foreign-key
/// statements they cause).
enum class planning {
  /// At every execution: a plan cached while a table was small would stay a sequential scan as it grows.
  each_execution,
  /// Cached after a few executions (PostgreSQL's default): only for connections whose statements have
  /// one sensible plan whatever the tables hold (the webhook insert: an arbiter unique index, a
  /// primary-key foreign-key check). Planning was ~15% of the webhook insert's cost (bench ceiling).
  cached,
};

/// One libpq connection.
class connection {
 public:
  /// Connects (throws unavailable on failure).
  explicit connection(const std::string& url, planning plans = planning::each_execution);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Runs one statement with text parameters ($1, $2, ...). The first statements of each text are
  /// prepared on this connection and executed by name from then on (PostgreSQL parses them once).
  result exec(std::string_view sql, const params& p = params{});
  /// Like exec, but PostgreSQL may keep the statement's plan (plan_cache_mode auto for this statement
  /// alone; the setting travels in the same round trip; inside a transaction block it is planned as the
  /// block's other statements are). Only for lookups by unique keys on tables that grow slowly, by
  /// people's actions (sessions by logins, integrations by connects): a plan cached while a table is a
  /// few pages reads it whole until autovacuum analyzes it again (after 50 rows plus a tenth of the
  /// table changed; autovacuum looks once a minute by default). Measured: an analyzed one-row sessions
  /// table, then 50,000 sessions added at once: the kept plan took 5.8 ms a read until the next ANALYZE.
  /// The session read spent 0.28 ms of its 0.32 planning its three-table join at every request
  /// (nexsync-bench --pg-statements idle-tenants).
  result exec_with_cached_plan(std::string_view sql, const params& p = params{});
  /// Runs several statements without parameters (migrations).
  void exec_script(std::string_view sql);
  /// Whether the connection is still usable.
  bool ok() const;
  /// The raw handle, for COPY and other special cases (a pending durability change is sent first).
  pg_conn* raw();

 private:
  friend class relaxed_durability;
  /// Sends the durability change relaxed_durability asked for, if any, on its own.
  void settle_durability();
  /// Queues each message (libpq pipeline mode), then one Sync: one round trip, one implicit transaction.
  /// Returns one result per message (the caller clears them).
  std::vector<pg_result*> pipeline(const std::vector<std::function<int()>>& sends);

  result run(std::string_view sql, const params& p, bool cached_plan);

  pg_conn* conn_ = nullptr;
  planning plans_ = planning::each_execution;
  bool broken_ = false;
  // synchronous_commit off, as wanted by relaxed_durability and as the session has it now. The change
  // travels with the next statement instead of costing round trips of its own (a Sync click's start
  // and end were three and four round trips, now one each).
  bool relaxed_wanted_ = false;
  bool relaxed_now_ = false;
  /// Statement names by text and parameter types; bounded, as a text built at run time could differ
  /// each time (those run unprepared once the bound is reached).
  std::unordered_map<std::string, std::string> prepared_;
  std::uint64_t statements_named_ = 0;  // names are never reused (a dropped entry's name stays taken)
};

/// For its lifetime, this connection's commits do not wait for the WAL flush (synchronous_commit off).
/// Only for writes that are safe to lose in a crash because they are redone: a later commit is never
/// durable before an earlier one, so what survives is always a prefix of what was done.
/// The setting is sent with the first statement in scope, and reset with the first one after it.
class relaxed_durability {
 public:
  explicit relaxed_durability(connection& c);
  ~relaxed_durability();
  relaxed_durability(const relaxed_durability&) = delete;
  relaxed_durability& operator=(const relaxed_durability&) = delete;

 private:
  connection& c_;
};

/// A transaction's begin that uses PostgreSQL's plan cache (planning::cached) on any connection. For
/// writes that ANALYZE the tables they read as those grow (which replans what was cached): their
/// foreign-key checks run one planned SELECT per row (planning: 15% of PostgreSQL's samples in an
/// import; its CPU 11.6 -> 7.1 s once cached). Not for tables that grow between ANALYZEs: a primary key
/// is read by a sequential scan while its table is a page or two; settling webhook events so went 0.25
/// to 2.0 ms a statement as webhook_events grew (nexsync-bench --pg-statements webhooks).
inline constexpr std::string_view begin_with_cached_plans = "BEGIN; SET LOCAL plan_cache_mode = auto";

/// BEGIN on construction, ROLLBACK on destruction unless commit() was called.
class transaction {
 public:
  explicit transaction(connection& c, std::string_view begin = "BEGIN");
  ~transaction();
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  result exec(std::string_view sql, const params& p = params{}) { return c_.exec(sql, p); }
  void commit();
  connection& conn() { return c_; }

 private:
  connection& c_;
  bool done_ = false;
};

}  // namespace nexsync::storage
