// shopify-sim: parses the command line, seeds shops, listens, and runs until SIGINT/SIGTERM.

#include "crypto/random.hpp"
#include "http/server.hpp"
#include "log/log.hpp"
#include "sim/app.hpp"
#include "sim/generator/generator.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json/parse.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

int main(int argc, char** argv) {
  using namespace nexsync;
  CLI::App cli{"shopify-sim: a Shopify simulator (OAuth, GraphQL Admin API subset, webhooks, faults)"};
  std::string listen = "127.0.0.1:0";
  sim::app_config cfg;
  std::string seed_file;
  std::vector<std::string> seed_shops;
  std::string log_level = "warn";
  cli.add_option("--listen", listen, "HOST:PORT to listen on (port 0 picks a free port)")->required();
  cli.add_option("--app-key", cfg.app_key, "the app's client id (API key)")->required();
  cli.add_option("--app-secret", cfg.app_secret, "the app's client secret (signs OAuth redirects and webhooks)")->required();
  cli.add_option("--app-url", cfg.app_url, "the app's base URL: redirect URIs and webhook addresses must be under it")->required();
  cli.add_option("--admin-token", cfg.admin_token, "bearer token of the /_sim/ control API (random if omitted, printed)");
  cli.add_option("--time-scale", cfg.time_scale, "multiplies webhook retry delays and bulk durations (0.001: hours become seconds)")
      ->check(CLI::PositiveNumber);
  cli.add_option("--seed-file", seed_file, "JSON file of shops to create at start ([{name, plan, products, ...}] or {\"shops\": [...]})");
  cli.add_option("--seed-shop", seed_shops, "create a shop with default data (repeatable)");
  cli.add_option("--public-url", cfg.public_url, "base URL clients use to reach the simulator (default http://HOST:PORT)");
  cli.add_option("--compliance-url", cfg.compliance_url, "where compliance webhooks go (default APP_URL/api/webhooks/shopify)");
  cli.add_option("--api-version", cfg.api_version, "X-Shopify-API-Version of webhooks");
  cli.add_option("--token-ttl", cfg.access_token_ttl, "lifetime of expiring access tokens in seconds")->check(CLI::PositiveNumber);
  cli.add_option("--log-level", log_level, "debug, info, warn or error");
  CLI11_PARSE(cli, argc, argv);

  log::set_level(log_level);
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "--listen must be HOST:PORT\n";
    return 2;
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  unsigned short port = static_cast<unsigned short>(std::stoi(listen.substr(colon + 1)));
  if (cfg.admin_token.empty()) {
    cfg.admin_token = crypto::random_hex(16);
    std::cout << "shopify-sim admin token: " << cfg.admin_token << std::endl;
  }
  if (cfg.compliance_url.empty()) {
    std::string base = cfg.app_url;
    if (!base.empty() && base.back() == '/') base.pop_back();
    cfg.compliance_url = base + "/api/webhooks/shopify";
  }

  boost::asio::io_context io{1};
  sim::app application(io, cfg);

  std::vector<sim::generator::shop_spec> specs;
  if (!seed_file.empty()) {
    std::ifstream in(seed_file);
    if (!in) {
      std::cerr << "cannot read " << seed_file << "\n";
      return 2;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    boost::system::error_code ec;
    auto v = boost::json::parse(ss.str(), ec);
    if (ec) {
      std::cerr << seed_file << ": " << ec.message() << "\n";
      return 2;
    }
    if (auto e = sim::generator::specs_from_json(v, specs)) {
      std::cerr << seed_file << ": " << *e << "\n";
      return 2;
    }
  }
  for (const auto& name : seed_shops) {
    sim::generator::shop_spec spec;
    spec.name = name;
    spec.products = 50;
    spec.variants_per_product = 3;
    spec.customers = 30;
    spec.orders = 40;
    specs.push_back(spec);
  }
  auto started = std::chrono::steady_clock::now();
  std::size_t variants = 0;
  for (const auto& spec : specs) {
    auto* s = application.shops().create(spec.name);
    if (!s) {
      std::cerr << "duplicate shop " << spec.name << "\n";
      return 2;
    }
    sim::generator::generate(*s, spec);
    variants += s->variants.size();
  }
  if (!specs.empty()) {
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    std::cout << "shopify-sim seeded " << specs.size() << " shops, " << variants << " variants in " << static_cast<long>(ms) << " ms"
              << std::endl;
  }

  http::server_options opts;
  opts.server_name = "shopify-sim";
  opts.body_limit = 8 * 1024 * 1024;
  http::server server(io, opts, [&application](http::request& r) { return application.handle(r); });
  boost::asio::ip::tcp::endpoint ep;
  try {
    ep = server.listen(host, port);
  } catch (const std::exception& e) {
    std::cerr << "cannot listen on " << listen << ": " << e.what() << "\n";
    return 1;
  }
  std::string bound = (ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string()) + ":" +
                      std::to_string(ep.port());
  if (application.config().public_url.empty()) application.config().public_url = "http://" + bound;
  server.start();
  std::cout << "shopify-sim listening on http://" << bound << std::endl;

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    server.shutdown(std::chrono::milliseconds(2000), [&io] { io.stop(); });
  });
  io.run();
  return 0;
}
