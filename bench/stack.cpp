#include "bench/stack.hpp"

#include "auth/password.hpp"
#include "auth/session_token.hpp"
#include "storage/accounts_repo.hpp"
#include "storage/migrations.hpp"
#include "storage/pg.hpp"

#include <boost/json.hpp>

#include <csignal>
#include <filesystem>
#include <pwd.h>
#include <random>
#include <regex>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace nexsync::bench {

namespace {

std::string with_database(const std::string& url, const std::string& name) {
  auto query = url.find('?');
  auto slash = url.rfind('/', query);
  return url.substr(0, slash + 1) + name + (query == std::string::npos ? "" : url.substr(query));
}

std::string pg_bin_dir() {
  std::string best;
  for (auto& e : std::filesystem::directory_iterator("/usr/lib/postgresql")) {
    auto bin = e.path() / "bin";
    if (std::filesystem::exists(bin / "postgres") && bin.string() > best) best = bin.string();
  }
  if (best.empty()) throw std::runtime_error("PostgreSQL server binaries not found under /usr/lib/postgresql (scripts/bootstrap)");
  return best;
}

bool root() { return geteuid() == 0; }

std::string unescape_html(std::string s) {
  const std::pair<const char*, const char*> table[] = {{"&amp;", "&"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}};
  for (auto [from, to] : table) {
    for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + 1)) s.replace(at, std::strlen(from), to);
  }
  return s;
}

}  // namespace

boost::json::value parse_json(const std::string& body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec) throw std::runtime_error("not JSON: " + body.substr(0, 300));
  return v;
}

// ---------------------------------------------------------------------------------------------------
database::database(const stack_options& o, const std::string& scratch) : fast_(o.pg_fast) {
  std::random_device rd;
  name_ = "nexsync_bench_" + std::to_string(getpid()) + "_" + std::to_string(rd() % 100000);
  if (!o.database_url.empty()) {
    admin_url_ = o.database_url;
  } else {
    auto bin = pg_bin_dir();
    auto dir = scratch + "/pg";
    std::filesystem::create_directories(dir + "/run");
    std::optional<std::string> as;
    std::string user;
    if (root()) {
      as = "postgres";
      user = "postgres";
      if (struct passwd* pw = getpwnam("postgres")) {
        [[maybe_unused]] int a = chown(dir.c_str(), pw->pw_uid, pw->pw_gid);
        [[maybe_unused]] int b = chown((dir + "/run").c_str(), pw->pw_uid, pw->pw_gid);
      }
    } else {
      user = getpwuid(geteuid())->pw_name;
    }
    auto [rc, out] = run_program({bin + "/initdb", "-D", dir + "/data", "-U", user, "--auth=trust", "-E", "UTF8",
                                  "--locale=C.UTF-8", "--no-sync"},
                                 {}, as);
    if (rc != 0) throw std::runtime_error("initdb failed (" + std::to_string(rc) + "):\n" + out);
    auto port = free_port();
    spawn_options so;
    so.argv = {bin + "/postgres", "-D", dir + "/data", "-p", std::to_string(port), "-k", dir + "/run",
               "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"};
    if (fast_) {
      for (const char* c : {"fsync=off", "synchronous_commit=off", "full_page_writes=off"}) {
        so.argv.push_back("-c");
        so.argv.push_back(c);
      }
    }
    if (o.pg_statements) {
      for (const char* c : {"shared_preload_libraries=pg_stat_statements", "pg_stat_statements.track=all",
                            "pg_stat_statements.track_planning=on"}) {
        so.argv.push_back("-c");
        so.argv.push_back(c);
      }
    }
    so.log_path = dir + "/server.log";
    so.run_as = as;
    so.stop_signal = SIGINT;  // fast shutdown
    postgres_ = std::make_unique<child>(so);
    admin_url_ = "postgresql://" + user + "@127.0.0.1:" + std::to_string(port) + "/postgres?host=" + dir + "/run";
    for (int i = 0;; ++i) {
      try {
        storage::connection probe{admin_url_};
        break;
      } catch (const std::exception&) {
        if (i > 300) throw std::runtime_error("PostgreSQL did not start:\n" + postgres_->log_tail());
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }
  storage::connection admin{admin_url_};
  admin.exec_script("CREATE DATABASE " + name_);
  url = with_database(admin_url_, name_);
}

database::~database() {
  try {
    if (!postgres_ && !external_) {
      storage::connection admin{admin_url_};
      admin.exec_script("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    }
  } catch (...) {
  }
  postgres_.reset();
}

double database::cpu_seconds() const {
  if (!postgres_) return 0;
  double sum = postgres_->cpu_seconds();
  for (auto pid : children_of(postgres_->pid())) sum += cpu_seconds_of(pid);
  return sum;
}

std::string database::describe() const {
  if (external_) return "the given server's database";
  if (!postgres_) return "given server, fresh database " + name_;
  return fast_ ? "own PostgreSQL, fsync=off synchronous_commit=off (not durable)"
               : "own PostgreSQL, defaults (fsync=on, synchronous_commit=on: durable)";
}

// ---------------------------------------------------------------------------------------------------
stack::stack(stack_options o) : o_(std::move(o)) {
  scratch_ = make_temp_dir("nexsync-bench");
  std::random_device rd;
  run_id_ = std::to_string(rd() % 1000000);
}

stack::~stack() {
  server_.reset();
  sim_.reset();
  db_.reset();
  if (!o_.keep) remove_tree(scratch_);
}

namespace {
unsigned short loopback_port(const std::string& url, const char* what) {
  const std::string prefix = "http://127.0.0.1:";
  if (url.rfind(prefix, 0) != 0) throw std::runtime_error(std::string{what} + " must look like http://127.0.0.1:PORT (loopback only)");
  return static_cast<unsigned short>(std::stoi(url.substr(prefix.size())));
}
}  // namespace

void stack::start_database() {
  if (!o_.server_url.empty()) {
    if (o_.database_url.empty()) throw std::runtime_error("--server-url needs --database-url: the server's own database");
    if (o_.sim_url.empty()) throw std::runtime_error("--server-url needs --sim-url: the simulator the server is configured with");
    db_ = std::make_unique<database>(o_.database_url);
  } else {
    db_ = std::make_unique<database>(o_, scratch_);
  }
  storage::connection c{db_->url};
  storage::migrate(c);
  if (o_.pg_statements) c.exec_script("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset();");
}

std::string stack::statements_report(int n) {
  if (!o_.pg_statements || !db_) return {};
  storage::connection c{db_->url};
  // Planning is tracked too (our own PostgreSQL): for one-off statements it can cost more than executing.
  auto r = c.exec(
      "SELECT calls, round(total_plan_time::numeric, 0), round(total_exec_time::numeric, 0),"
      " round(((total_plan_time + total_exec_time) / greatest(calls, 1))::numeric, 3), rows,"
      " regexp_replace(left(query, 110), '\\s+', ' ', 'g')"
      " FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
      " ORDER BY total_plan_time + total_exec_time DESC LIMIT $1",
      storage::params{n});
  std::string out = "pg_stat_statements, top " + std::to_string(n) +
                    " by planning + execution time (calls | plan ms | exec ms | mean ms | rows | statement):\n";
  for (int i = 0; i < r.rows(); ++i)
    out += "  " + r.get(i, 0) + " | " + r.get(i, 1) + " | " + r.get(i, 2) + " | " + r.get(i, 3) + " | " + r.get(i, 4) + " | " +
           r.get(i, 5) + "\n";
  return out;
}

void stack::reset_statements() {
  if (!o_.pg_statements || !db_) return;
  storage::connection c{db_->url};
  c.exec_script("SELECT pg_stat_statements_reset();");
}

void stack::start_sim() {
  if (!o_.sim_url.empty()) {
    sim_port_ = loopback_port(o_.sim_url, "--sim-url");
    return;
  }
  if (!o_.server_url.empty()) throw std::runtime_error("--server-url needs --sim-url");
  if (server_port_ == 0) server_port_ = free_port();
  spawn_options so;
  so.argv = {o_.bin_dir + "/shopify-sim", "--listen", "127.0.0.1:0", "--app-key", app_key, "--app-secret", o_.app_secret,
             "--app-url", "http://127.0.0.1:" + std::to_string(server_port_), "--admin-token", o_.sim_admin,
             "--log-level", o_.log_level};
  for (auto& a : o_.sim_args) so.argv.push_back(a);
  so.log_path = scratch_ + "/shopify-sim.log";
  so.ready = [](const std::string& line) { return line.find("listening on http://127.0.0.1:") != std::string::npos; };
  sim_ = std::make_unique<child>(so);
  auto& line = sim_->ready_line();
  sim_port_ = static_cast<unsigned short>(std::stoi(line.substr(line.find("127.0.0.1:") + 10)));
}

void stack::start_server() {
  if (!o_.server_url.empty()) {
    server_port_ = loopback_port(o_.server_url, "--server-url");
    return;
  }
  if (server_port_ == 0) server_port_ = free_port();
  spawn_options so;
  so.argv = {o_.bin_dir + "/nexsync", "serve"};
  auto base = "http://127.0.0.1:" + std::to_string(server_port_);
  so.env = {{"NEXSYNC_LISTEN", "127.0.0.1:" + std::to_string(server_port_)},
            {"NEXSYNC_PUBLIC_URL", base},
            {"NEXSYNC_DATABASE_URL", db_->url},
            {"NEXSYNC_MASTER_KEY", std::string(64, 'b')},
            {"NEXSYNC_CRON_SECRET", "bench-cron-secret-0123456789"},
            {"NEXSYNC_SHOPIFY_API_KEY", app_key},
            {"NEXSYNC_SHOPIFY_API_SECRET", o_.app_secret},
            {"NEXSYNC_SHOPIFY_SHOP_URL", "http://127.0.0.1:" + std::to_string(sim_port_) + "/shops/{shop}"},
            {"NEXSYNC_LOG_LEVEL", o_.log_level}};
  for (auto& [k, v] : o_.server_env) so.env[k] = v;
  so.log_path = scratch_ + "/nexsync.log";
  so.ready = [](const std::string& line) { return line.find("nexsync listening on") != std::string::npos; };
  server_ = std::make_unique<child>(so);
}

double stack::server_cpu() const { return server_ ? server_->cpu_seconds() : cpu_seconds_of(o_.server_pid); }
std::int64_t stack::server_rss() const { return server_ ? server_->rss_bytes() : rss_bytes_of(o_.server_pid); }
double stack::sim_cpu() const { return sim_ ? sim_->cpu_seconds() : 0; }

http_client stack::client_of(const tenant& t) const {
  http_client c{"127.0.0.1", server_port_};
  c.cookies["nexsync_session"] = t.session;
  return c;
}

reply stack::sim_control(const std::string& method, const std::string& target, const std::string& body) {
  auto c = sim_client();
  auto r = c.request(method, target, body,
                     {{"Authorization", "Bearer " + o_.sim_admin}, {"Content-Type", "application/json"}});
  if (r.status < 200 || r.status > 299)
    throw std::runtime_error("simulator " + method + " " + target + " answered " + std::to_string(r.status) + ": " + r.body);
  return r;
}

void stack::create_shop(const boost::json::object& spec) { sim_control("POST", "/_sim/shops", boost::json::serialize(spec)); }

std::vector<tenant> stack::add_tenants(const std::string& prefix, int n) {
  static const std::string hash = auth::hash_password("bench-password-1");
  storage::connection c{db_->url};
  std::vector<tenant> out;
  storage::transaction tx{c};
  for (int i = 0; i < n; ++i) {
    tenant t;
    t.name = prefix + "-" + run_id_ + "-" + std::to_string(i);
    t.email = "owner@" + t.name + ".bench";
    t.id = storage::create_tenant(c, t.name);
    auto user = storage::add_user(c, t.id, t.email, "owner", hash);
    t.session = auth::new_token();
    t.csrf = auth::new_token();
    storage::create_session(c, auth::token_hash(t.session), user, t.id, t.csrf, 24 * 3600);
    out.push_back(std::move(t));
  }
  tx.commit();
  return out;
}

void stack::connect(tenant& t, const std::string& shop) {
  auto app = client_of(t);
  // 1. The connect form: 303 to the shop's authorize URL, with the nonce cookie.
  auto start = app.post_form("/website/connect/shopify", "csrf=" + http_client::encode(t.csrf) + "&shop=" + http_client::encode(shop));
  auto authorize = start.header("location");
  auto sim_base = "http://127.0.0.1:" + std::to_string(sim_port_);
  if (start.status != 303 || authorize.rfind(sim_base, 0) != 0)
    throw std::runtime_error("connect " + shop + ": expected a 303 to the simulator, got " + std::to_string(start.status) + " " + authorize);
  // 2. The consent page, and its form posted as the "Install app" click.
  auto sim = sim_client();
  auto target = authorize.substr(sim_base.size());
  auto page = sim.get(target);
  if (page.status != 200 || page.body.find("Install app") == std::string::npos)
    throw std::runtime_error("connect " + shop + ": consent page answered " + std::to_string(page.status));
  std::string form;
  std::regex input{R"re(<input type="hidden" name="([^"]*)" value="([^"]*)")re"};
  for (auto it = std::sregex_iterator(page.body.begin(), page.body.end(), input); it != std::sregex_iterator(); ++it) {
    form += (form.empty() ? "" : "&") + http_client::encode(unescape_html((*it)[1].str())) + "=" +
            http_client::encode(unescape_html((*it)[2].str()));
  }
  auto action = unescape_html(http_client::extract(page.body, R"re(<form method="post" action="([^"]*)")re"));
  auto consent = sim.post_form(action.empty() ? target.substr(0, target.find('?')) : action, form);
  auto callback = consent.header("location");
  auto app_base = "http://127.0.0.1:" + std::to_string(server_port_);
  if (consent.status != 302 || callback.rfind(app_base, 0) != 0)
    throw std::runtime_error("connect " + shop + ": consent answered " + std::to_string(consent.status) + " " + callback);
  // 3. The callback on our server: token exchange, webhook registration, redirect.
  auto done = app.get(callback.substr(app_base.size()));
  if (done.header("location") != "/website/connect?shopify=connected")
    throw std::runtime_error("connect " + shop + ": callback answered " + std::to_string(done.status) + " " + done.header("location"));
  t.shop = shop;
}

}  // namespace nexsync::bench
