#pragma once
// What a scenario runs against: a private PostgreSQL (or a fresh database on a given server), the
// Shopify simulator and nexsync as child processes on loopback, plus tenants with signed-in owners
// and shops connected through the real OAuth flow.

#include "bench/http_client.hpp"
#include "bench/process.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nexsync::bench {

/// Options shared by every scenario.
struct stack_options {
  std::string bin_dir;                 ///< where nexsync and shopify-sim are
  std::string database_url;            ///< a PostgreSQL server to use (a fresh database is made in it); empty: start one
  bool pg_fast = false;                ///< fsync/synchronous_commit off (smoke runs); default: PostgreSQL's durable defaults
  bool keep = false;                   ///< keep the scratch folder (logs) afterwards
  std::map<std::string, std::string> server_env;  ///< extra NEXSYNC_* settings for the server
  std::vector<std::string> sim_args;   ///< extra simulator arguments
  std::string log_level = "warn";
  bool pg_statements = false;          ///< own PostgreSQL with pg_stat_statements; scenarios print the top statements
  // Given processes instead of children (loopback URLs, http://127.0.0.1:PORT): the server needs the
  // simulator it is configured with, and database_url is then the server's own database.
  std::string server_url;              ///< a running nexsync
  std::string sim_url;                 ///< a running shopify-sim
  std::string sim_admin = "bench-sim-admin";            ///< its control API token
  std::string app_secret = "bench-api-secret-0123456789";  ///< the app secret both were started with
  int server_pid = 0;                  ///< the given server's pid, for CPU and RSS figures (0: unknown)
};

inline constexpr const char* app_key = "bench-api-key";

/// A PostgreSQL database for one run: own cluster (initdb + postgres as a child) or given server.
class database {
 public:
  database(const stack_options& o, const std::string& scratch);
  /// The given database as it is (a given server's own): nothing created or dropped.
  explicit database(std::string given) : url(std::move(given)), external_(true) {}
  ~database();
  database(const database&) = delete;
  database& operator=(const database&) = delete;
  std::string url;                       ///< the run's database
  /// CPU seconds of the postmaster and its current backends (own cluster only; 0 otherwise).
  double cpu_seconds() const;
  /// "own cluster (durable)" etc.
  std::string describe() const;

 private:
  std::unique_ptr<child> postgres_;
  std::string admin_url_, name_;
  bool fast_ = false;
  bool external_ = false;
};

/// A tenant with an owner whose session the bench minted.
struct tenant {
  std::int64_t id = 0;
  std::string name;
  std::string email;
  std::string session;   ///< the nexsync_session cookie
  std::string csrf;
  std::string shop;      ///< connected shop subdomain (empty: none)
};

/// The whole stack; scenarios start the parts they need.
class stack {
 public:
  explicit stack(stack_options o);
  ~stack();

  /// Starts PostgreSQL (or makes the database) and applies nexsync's migrations.
  void start_database();
  /// Starts the simulator (app URL = the server's future address).
  void start_sim();
  /// Starts nexsync serve.
  void start_server();

  const std::string& database_url() const { return db_->url; }
  database& db() { return *db_; }
  unsigned short server_port() const { return server_port_; }
  unsigned short sim_port() const { return sim_port_; }
  /// CPU seconds and RSS of the server and the simulator (0 when given and their pid is unknown).
  double server_cpu() const;
  std::int64_t server_rss() const;
  double sim_cpu() const;
  /// The app secret that signs webhooks.
  const std::string& app_secret() const { return o_.app_secret; }

  /// A shop name for this run: base, plus the run's id when the simulator is a given one (names persist there).
  std::string shop_name(const std::string& base) const { return o_.sim_url.empty() ? base : base + "-" + run_id_; }
  /// Whether the simulator is a given one (no seed file; shops come through the control API).
  bool given_sim() const { return !o_.sim_url.empty(); }
  /// A client of the server carrying t's session cookie.
  http_client client_of(const tenant& t) const;
  /// A client of the simulator.
  http_client sim_client() const { return http_client{"127.0.0.1", sim_port_}; }
  /// A control API call (/_sim/...); throws unless the status is 2xx.
  reply sim_control(const std::string& method, const std::string& target, const std::string& body = {});
  /// Creates a simulator shop from a spec (POST /_sim/shops).
  void create_shop(const boost::json::object& spec);

  /// Creates n tenants (one owner each, sessions minted in the database).
  std::vector<tenant> add_tenants(const std::string& prefix, int n);
  /// Connects t to shop through the real OAuth flow (connect form, consent, callback); throws on failure.
  void connect(tenant& t, const std::string& shop);

  const std::string& scratch() const { return scratch_; }
  /// The top n statements by planning + execution time (pg_stat_statements), as a table; empty when not enabled.
  std::string statements_report(int n = 8);
  /// Starts pg_stat_statements afresh (when enabled), so a report covers one phase.
  void reset_statements();
  /// The options, e.g. to add simulator arguments before start_sim().
  stack_options& options() { return o_; }

 private:
  stack_options o_;
  std::string scratch_;
  std::unique_ptr<database> db_;
  std::unique_ptr<child> sim_, server_;
  unsigned short server_port_ = 0, sim_port_ = 0;
  std::string run_id_;
};

/// JSON call helper: parses the body (throws with the body on bad JSON).
boost::json::value parse_json(const std::string& body);

}  // namespace nexsync::bench
