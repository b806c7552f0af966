#pragma once
// The Shopify simulator as a child process for integration tests, a server pointed at it, and the
// browser-free OAuth dance (start connect, click "Install app") that connects a tenant's shop.

#include "tests/support/app_server.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace nexsync::test {

inline constexpr const char* sim_admin = "sim-admin-token";
inline constexpr const char* shop = "acme-jewellers";

// shopify-sim as a child process on a free port, seeded with acme-jewellers and other-shop.
class sim_process {
 public:
  /// app_url: the app's base URL (webhook subscriptions must be under it); the default suits servers
  /// that never receive webhooks. extra_args go to the simulator after the fixture's own.
  explicit sim_process(const std::string& app_url = "http://127.0.0.1:0", const std::vector<std::string>& extra_args = {}) {
    const char* dir = std::getenv("NEXSYNC_BIN_DIR");
    if (!dir || !*dir) FAIL("NEXSYNC_BIN_DIR is not set: it must name the build's bin folder (shopify-sim)");
    std::string binary = std::string{dir} + "/shopify-sim";
    std::vector<std::string> args{binary, "--listen", "127.0.0.1:0", "--app-key", "test-api-key", "--app-secret",
                                  "test-api-secret", "--app-url", app_url, "--admin-token", sim_admin, "--seed-shop", shop,
                                  "--seed-shop", "other-shop", "--log-level", "warn"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int out[2];
    REQUIRE(pipe(out) == 0);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      // Dies with the test process, so a crashed test never leaves a simulator holding ctest's pipe.
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      dup2(out[1], 1);
      close(out[0]);
      close(out[1]);
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
    close(out[1]);
    FILE* f = fdopen(out[0], "r");
    char line[512];
    while (std::fgets(line, sizeof line, f)) {
      std::string s{line};
      auto at = s.find("listening on http://127.0.0.1:");
      if (at != std::string::npos) {
        port = static_cast<unsigned short>(std::stoi(s.substr(at + 30)));
        break;
      }
    }
    out_ = f;
    REQUIRE(port != 0);
  }
  ~sim_process() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    if (out_) std::fclose(out_);
  }
  http_client client() const { return http_client{"127.0.0.1", port}; }
  reply control(const std::string& method, const std::string& target, const std::string& body = "") {
    auto c = client();
    return c.request(method, target, body, {{"Authorization", std::string{"Bearer "} + sim_admin}, {"Content-Type", "application/json"}});
  }
  unsigned short port = 0;

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
};

// The test's server pointed at the simulator.
struct fixture {
  sim_process sim;
  app_server app{[this](config::settings& s) {
    s.shopify_shop_url = "http://127.0.0.1:" + std::to_string(sim.port) + "/shops/{shop}";
  }};
};

// A port that was free a moment ago (for a server whose public URL must name its real port).
inline unsigned short free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor a{io, boost::asio::ip::tcp::endpoint{boost::asio::ip::make_address("127.0.0.1"), 0}};
  return a.local_endpoint().port();
}

// The simulator delivering webhooks to the test's server: the server listens on a known port and
// registers its real public URL, which the simulator accepts as the app's URL.
struct live_fixture {
  unsigned short port = free_port();
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  sim_process sim{url};
  std::function<void(config::settings&)> adjust = [this](config::settings& s) {
    s.listen = "127.0.0.1:" + std::to_string(port);
    s.public_url = url;
    s.shopify_shop_url = "http://127.0.0.1:" + std::to_string(sim.port) + "/shops/{shop}";
  };
  app_server app{adjust};
};

// Everything after the test server's public URL (default "http://127.0.0.1:0") in a Location header.
inline std::string local_target(const std::string& location, const std::string& prefix = "http://127.0.0.1:0") {
  REQUIRE(location.rfind(prefix, 0) == 0);
  return location.substr(prefix.size());
}

// Starts the connect flow: returns the authorize URL the server redirected to.
inline std::string start_connect(http_client& c, const std::string& shop_input = shop) {
  auto res = c.post_form("/website/connect/shopify", "csrf=" + c.csrf + "&shop=" + http_client::encode(shop_input));
  REQUIRE(res.status == 303);
  return res.header("location");
}

// Clicks "Install app" on the simulator's consent screen; returns the callback target on our server.
inline std::string consent(sim_process& sim, const std::string& authorize_url, const std::string& public_url = "http://127.0.0.1:0") {
  auto base = "http://127.0.0.1:" + std::to_string(sim.port);
  REQUIRE(authorize_url.rfind(base, 0) == 0);
  auto target = authorize_url.substr(base.size());
  auto c = sim.client();
  auto page = c.get(target);
  REQUIRE(page.status == 200);
  REQUIRE(page.body.find("Install app") != std::string::npos);
  auto field = [&](const std::string& name) {
    return http_client::extract(page.body, "name=\"" + name + "\" value=\"([^\"]*)\"");
  };
  auto unescape = [](std::string s) {
    for (auto [from, to] : {std::pair{"&amp;", "&"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}}) {
      for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + 1)) s.replace(at, std::strlen(from), to);
    }
    return s;
  };
  auto path = target.substr(0, target.find('?'));
  auto form = "client_id=" + http_client::encode(unescape(field("client_id"))) +
              "&scope=" + http_client::encode(unescape(field("scope"))) +
              "&redirect_uri=" + http_client::encode(unescape(field("redirect_uri"))) +
              "&state=" + http_client::encode(unescape(field("state")));
  auto res = c.post_form(path, form);
  REQUIRE(res.status == 302);
  return local_target(res.header("location"), public_url);
}

/// Connects the tenant signed in as `owner` to `shop_name` through the simulator; REQUIREs success.
inline void connect_shop(sim_process& sim, http_client& owner, const std::string& shop_name = shop,
                         const std::string& public_url = "http://127.0.0.1:0") {
  auto callback = consent(sim, start_connect(owner, shop_name), public_url);
  auto res = owner.get(callback);
  REQUIRE(res.header("location") == "/website/connect?shopify=connected");
}

}  // namespace nexsync::test
