// nexsync: the server and its administration commands.

#include "app/serve.hpp"
#include "auth/password.hpp"
#include "config/settings.hpp"
#include "log/log.hpp"
#include "storage/accounts_repo.hpp"
#include "storage/customers_repo.hpp"
#include "storage/inventory_repo.hpp"
#include "storage/sales_repo.hpp"
#include "storage/migrations.hpp"

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

#include <termios.h>
#include <unistd.h>

using namespace nexsync;

namespace {

const std::set<std::string> roles{"owner", "integration_manager", "staff"};

// A password not given on the command line (where `ps` and shell history would show it): one line of
// standard input, typed without echo when it is a terminal.
std::string password_from_stdin(const std::string& prompt) {
  bool terminal = isatty(STDIN_FILENO) == 1;
  termios saved{};
  if (terminal) {
    std::cerr << prompt << ": " << std::flush;
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (terminal) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int fail(const std::string& message) {
  std::cerr << "nexsync: " << message << "\n";
  return 2;
}

std::optional<config::settings> load(const std::string& config_file, std::string& error) {
  std::optional<std::string> text;
  if (!config_file.empty()) {
    std::ifstream in{config_file};
    if (!in) {
      error = "--config: cannot read " + config_file;
      return std::nullopt;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  auto result = config::load_settings(text, config::nexsync_environment());
  if (auto* e = std::get_if<config::settings_error>(&result)) {
    error = e->key + " " + e->message;
    return std::nullopt;
  }
  return std::get<config::settings>(result);
}

// Admin commands talk to the database directly: they are short-lived processes, not the server.
std::unique_ptr<storage::connection> open_migrated(const config::settings& s) {
  if (s.database_url.empty()) throw std::runtime_error("NEXSYNC_DATABASE_URL is required");
  auto c = std::make_unique<storage::connection>(s.database_url);
  storage::migrate(*c);
  return c;
}

// A few items, customers and one shop-floor sale for the demo tenant; running it again adds nothing.
void seed_demo_records(storage::connection& c, std::int64_t tenant) {
  const std::vector<storage::new_item> items{
      {"RING-001", "Solitaire diamond ring", "18k white gold / 52", "1250.00", 4},
      {"RING-002", "Eternity band", "Platinum / 54", "890.00", 6},
      {"NECK-001", "Pearl pendant necklace", "", "420.00", 3},
      {"EAR-001", "Gold hoop earrings", "9k yellow gold", "180.00", 10},
      {"BRAC-001", "Tennis bracelet", "", "2400.00", 2},
      {"CHAIN/18K-45", "Curb chain", "18k / 45 cm", "310.00", 8},
  };
  int added = 0;
  for (auto& item : items) added += storage::create_item(c, tenant, item, std::nullopt).has_value();
  const std::vector<storage::new_customer> customers{
      {"Ada Lovelace", "ada@example.com", "+44 20 7946 0001", true, "pos"},
      {"Grace Hopper", "grace@example.com", "+1 202 555 0102", false, "pos"},
      {"Katherine Johnson", "katherine@example.com", "", true, "pos"},
  };
  for (auto& customer : customers) added += storage::create_customer(c, tenant, customer).has_value();
  storage::order_row sale;
  sale.name = "POS-0001";
  sale.customer_email = "ada@example.com";
  sale.currency = "GBP";
  sale.subtotal = sale.total = "1250.00";
  sale.lines = {{"RING-002", "Eternity band", 1, "890.00"}, {"EAR-001", "Gold hoop earrings", 2, "180.00"}};
  auto recorded = storage::import_sales(c, tenant, {sale}, "pos");
  added += recorded[0].status == storage::row_status::created;
  std::cout << "demo records: " << added << " added (" << items.size() << " items, " << customers.size()
            << " customers, 1 sale in all)\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"nexsync — the Shopify sync service of a multi-tenant jewellery back-office.\n"
               "Settings come from --config FILE (JSON) and NEXSYNC_* environment variables (see README.md)."};
  cli.require_subcommand(1);
  std::string config_file;
  cli.add_option("--config", config_file, "JSON settings file (environment variables override it)");

  auto* serve_cmd = cli.add_subcommand("serve", "Run the HTTP server until SIGINT/SIGTERM");
  auto* migrate_cmd = cli.add_subcommand("migrate", "Apply pending database migrations and exit");

  auto* tenant_cmd = cli.add_subcommand("tenant", "Manage tenants");
  tenant_cmd->require_subcommand(1);
  auto* tenant_create = tenant_cmd->add_subcommand("create", "Create a tenant with its owner account");
  std::string tenant_name, owner_email, owner_password;
  tenant_create->add_option("--name", tenant_name, "The business's name")->required();
  tenant_create->add_option("--owner-email", owner_email, "The owner's login email")->required();
  tenant_create->add_option("--owner-password", owner_password,
                            "The owner's password (10+ characters); omitted: read from standard input, which `ps` does not show");

  auto* user_cmd = cli.add_subcommand("user", "Manage users");
  user_cmd->require_subcommand(1);
  auto* user_add = user_cmd->add_subcommand("add", "Add a user to a tenant");
  std::string user_tenant, user_email, user_password, user_role = "staff";
  user_add->add_option("--tenant", user_tenant, "Tenant id or exact name")->required();
  user_add->add_option("--email", user_email, "Login email")->required();
  user_add->add_option("--password", user_password,
                       "Password (10+ characters); omitted: read from standard input, which `ps` does not show");
  user_add->add_option("--role", user_role, "owner | integration_manager | staff")->check(CLI::IsMember(roles));

  auto* demo_cmd = cli.add_subcommand("demo", "Demo data");
  demo_cmd->require_subcommand(1);
  auto* demo_seed = demo_cmd->add_subcommand("seed", "Add a few items, customers and a sale to a tenant (idempotent)");
  std::string demo_tenant;
  demo_seed->add_option("--tenant", demo_tenant, "Tenant id or exact name")->required();

  CLI11_PARSE(cli, argc, argv);

  std::string error;
  auto settings = load(config_file, error);
  if (!settings) return fail(error);
  log::set_level(settings->log_level);

  try {
    if (*serve_cmd) {
      if (auto problem = config::check_for_serving(*settings)) return fail(problem->key + " " + problem->message);
      return app::serve(*settings);
    }
    if (*migrate_cmd) {
      if (settings->database_url.empty()) return fail("NEXSYNC_DATABASE_URL is required");
      storage::connection c{settings->database_url};
      auto applied = storage::migrate(c);
      std::cout << (applied.empty() ? "migrations: up to date" : "migrations applied:") << "\n";
      for (auto& name : applied) std::cout << "  " << name << "\n";
      return 0;
    }
    if (*tenant_create) {
      if (owner_password.empty()) owner_password = password_from_stdin("Owner's password");
      if (auto p = auth::password_problem(owner_password); !p.empty()) return fail(p);
      auto c = open_migrated(*settings);
      storage::transaction tx{*c};
      auto tenant = storage::create_tenant(*c, tenant_name);
      storage::add_user(*c, tenant, owner_email, "owner", auth::hash_password(owner_password));
      tx.commit();
      std::cout << "tenant " << tenant << " \"" << tenant_name << "\" created; owner " << owner_email << "\n";
      return 0;
    }
    if (*demo_seed) {
      auto c = open_migrated(*settings);
      std::optional<std::int64_t> tenant;
      if (!demo_tenant.empty() && std::all_of(demo_tenant.begin(), demo_tenant.end(), ::isdigit))
        tenant = std::stoll(demo_tenant);
      else
        tenant = storage::find_tenant_by_name(*c, demo_tenant);
      if (!tenant) return fail("no single tenant is named \"" + demo_tenant + "\"");
      seed_demo_records(*c, *tenant);
      return 0;
    }
    if (*user_add) {
      if (user_password.empty()) user_password = password_from_stdin("Password for " + user_email);
      if (auto p = auth::password_problem(user_password); !p.empty()) return fail(p);
      auto c = open_migrated(*settings);
      std::optional<std::int64_t> tenant;
      if (!user_tenant.empty() && std::all_of(user_tenant.begin(), user_tenant.end(), ::isdigit))
        tenant = std::stoll(user_tenant);
      else
        tenant = storage::find_tenant_by_name(*c, user_tenant);
      if (!tenant) return fail("no single tenant is named \"" + user_tenant + "\"");
      auto id = storage::add_user(*c, *tenant, user_email, user_role, auth::hash_password(user_password));
      std::cout << "user " << id << " " << user_email << " (" << user_role << ") added to tenant " << *tenant << "\n";
      return 0;
    }
  } catch (const storage::query_error& e) {
    if (e.unique_violation()) return fail("that email address already has an account");
    return fail(e.what());
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  return 0;
}
