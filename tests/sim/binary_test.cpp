// The real shopify-sim binary: prints its port, serves, stops cleanly on SIGTERM.

#include "tests/sim/support.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdio>
#include <regex>
#include <sys/wait.h>
#include <unistd.h>

using namespace nexsync::sim::test;

TEST_CASE("shopify-sim binary prints its address, seeds shops, and exits 0 on SIGTERM") {
  int out[2];
  REQUIRE(pipe(out) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    execl(SHOPIFY_SIM_BINARY, SHOPIFY_SIM_BINARY, "--listen", "127.0.0.1:0", "--app-key", "k", "--app-secret", "s", "--app-url",
          "http://127.0.0.1:1", "--admin-token", "adm", "--seed-shop", "acme-jewellers", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  FILE* f = fdopen(out[0], "r");
  char line[512];
  unsigned short port = 0;
  std::regex re("shopify-sim listening on http://127\\.0\\.0\\.1:([0-9]+)");
  while (std::fgets(line, sizeof line, f)) {
    std::cmatch m;
    if (std::regex_search(line, m, re)) {
      port = static_cast<unsigned short>(std::stoi(m[1]));
      break;
    }
  }
  REQUIRE(port != 0);
  CHECK(call(port, "GET", "/shops/acme-jewellers/admin").status == 200);
  CHECK(call(port, "GET", "/shops/unknown-shop/admin").status == 404);
  auto shop = call(port, "GET", "/_sim/shops/acme-jewellers", "", {{"Authorization", "Bearer adm"}});
  CHECK(shop.json().at("products").as_int64() == 50);
  CHECK(call(port, "GET", "/_sim/shops", "", {{"Authorization", "Bearer wrong"}}).status == 401);
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  std::fclose(f);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
