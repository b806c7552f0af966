// shopify-sim-load: a small closed-loop load generator for measuring the simulator's GraphQL
// throughput on loopback (N keep-alive connections, each sending the next request when the last
// answer arrived, for a fixed duration). Not a benchmark of nexsync; see bench/ for that.

#include <CLI/CLI.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <fstream>
#include <chrono>
#include <iostream>
#include <thread>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

int main(int argc, char** argv) {
  CLI::App cli{"shopify-sim-load: closed-loop GraphQL load against shopify-sim"};
  std::string host = "127.0.0.1";
  unsigned short port = 0;
  std::string shop = "acme-jewellers";
  std::string token;
  std::string query = "{ products(first: 10) { pageInfo { hasNextPage endCursor } nodes { id title variants(first: 3) { nodes { id sku price } } } } }";
  int connections = 16;
  int seconds = 10;
  int shops = 1;
  cli.add_option("--port", port)->required();
  cli.add_option("--host", host);
  cli.add_option("--shop", shop, "shop name, or a prefix with --shops N (prefix-1 .. prefix-N)");
  cli.add_option("--shops", shops, "spread connections over N shops named {shop}-{i}");
  cli.add_option("--token", token, "X-Shopify-Access-Token (the same for all shops is not valid; use --token-file)");
  std::string token_file;
  cli.add_option("--token-file", token_file, "file with one token per line, one per shop");
  cli.add_option("--query", query);
  cli.add_option("--connections", connections);
  cli.add_option("--seconds", seconds);
  CLI11_PARSE(cli, argc, argv);
  std::vector<std::string> tokens;
  if (!token_file.empty()) {
    std::ifstream in(token_file);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) tokens.push_back(line);
  } else {
    tokens.push_back(token);
  }
  std::string body = "{\"query\":\"";
  for (char c : query) body += c == '"' ? std::string("\\\"") : std::string(1, c);
  body += "\"}";

  asio::io_context io{1};
  std::atomic<long> ok{0}, bad{0};
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  constexpr auto use = asio::as_tuple(asio::use_awaitable);
  for (int c = 0; c < connections; ++c) {
    int s = c % std::max(1, shops);
    std::string name = shops > 1 ? shop + "-" + std::to_string(s + 1) : shop;
    std::string tok = tokens[static_cast<std::size_t>(s) % tokens.size()];
    asio::co_spawn(io, [&, name, tok]() -> asio::awaitable<void> {
      beast::tcp_stream stream(io);
      auto [ec] = co_await stream.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address(host), port), use);
      if (ec) { ++bad; co_return; }
      beast::flat_buffer buffer;
      bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/shops/" + name + "/admin/api/2026-10/graphql.json", 11};
      req.set(bhttp::field::host, host);
      req.set(bhttp::field::content_type, "application/json");
      req.set("X-Shopify-Access-Token", tok);
      req.body() = body;
      req.keep_alive(true);
      req.prepare_payload();
      while (std::chrono::steady_clock::now() < deadline) {
        auto [wec, wn] = co_await bhttp::async_write(stream, req, use);
        if (wec) { ++bad; co_return; }
        bhttp::response<bhttp::string_body> res;
        auto [rec, rn] = co_await bhttp::async_read(stream, buffer, res, use);
        if (rec) { ++bad; co_return; }
        if (res.result_int() == 200 && res.body().find("\"data\"") != std::string::npos) ++ok;
        else ++bad;
      }
    }, asio::detached);
  }
  auto start = std::chrono::steady_clock::now();
  io.run();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "requests_ok=" << ok << " failed=" << bad << " seconds=" << secs << " rps=" << static_cast<long>(ok / secs) << std::endl;
  return 0;
}
