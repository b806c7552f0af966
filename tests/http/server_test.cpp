// The server over real loopback sockets: keep-alive, limits, graceful shutdown.
#include "http/router.hpp"
#include "http/server.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>

#include <thread>

using namespace nexsync::http;
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

/// A server on 127.0.0.1:0 running on its own thread for the test's lifetime.
struct running_server {
  explicit running_server(server_options opts = {}) {
    routes.add("GET", "/hello", [](request& r) -> asio::awaitable<response> {
      co_return response::text(200, "hello " + r.query_param("name").value_or("world"));
    });
    routes.add("GET", "/whoami", [](request& r) -> asio::awaitable<response> {
      co_return response::text(200, r.remote_address);
    });
    routes.add("POST", "/echo", [](request& r) -> asio::awaitable<response> {
      co_return response::text(200, r.body);
    });
    routes.add("GET", "/slow", [](request&) -> asio::awaitable<response> {
      asio::steady_timer t{co_await asio::this_coro::executor, std::chrono::milliseconds(300)};
      co_await t.async_wait(asio::use_awaitable);
      co_return response::text(200, "finished");
    });
    srv = std::make_unique<server>(io, opts, routes.as_handler());
    port = srv->listen("127.0.0.1", 0).port();
    srv->start();
    thread = std::thread([this] { io.run(); });
  }
  ~running_server() {
    if (thread.joinable()) {
      srv->shutdown(std::chrono::milliseconds(100));
      thread.join();
    }
  }
  asio::io_context io;
  router routes;
  std::unique_ptr<server> srv;
  unsigned short port = 0;
  std::thread thread;
};

struct client {
  explicit client(unsigned short port) : socket(io) {
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
  }
  bhttp::response<bhttp::string_body> send(bhttp::request<bhttp::string_body> req) {
    req.prepare_payload();
    bhttp::write(socket, req);
    bhttp::response<bhttp::string_body> res;
    bhttp::read(socket, buffer, res);
    return res;
  }
  asio::io_context io;
  asio::ip::tcp::socket socket;
  boost::beast::flat_buffer buffer;
};

bhttp::request<bhttp::string_body> get(std::string target) {
  bhttp::request<bhttp::string_body> req{bhttp::verb::get, target, 11};
  req.set(bhttp::field::host, "localhost");
  return req;
}

}  // namespace

TEST_CASE("server serves several requests on one keep-alive connection") {
  running_server s;
  client c{s.port};
  auto a = c.send(get("/hello?name=Ada"));
  CHECK(a.result_int() == 200);
  CHECK(a.body() == "hello Ada");
  CHECK(a.keep_alive());
  auto b = c.send(get("/hello"));
  CHECK(b.body() == "hello world");
  CHECK(c.send(get("/missing")).result_int() == 404);
}

TEST_CASE("X-Forwarded-For names the client only when a trusted proxy sends it") {
  auto forwarded = [](std::string value) {
    auto req = get("/whoami");
    req.set("X-Forwarded-For", value);
    return req;
  };
  {
    running_server direct;  // no trusted proxies: a client's own header is ignored
    client c{direct.port};
    CHECK(c.send(forwarded("203.0.113.9")).body() == "127.0.0.1");
  }
  server_options opts;
  opts.trusted_proxies = {asio::ip::make_address("127.0.0.1"), asio::ip::make_address("10.0.0.2")};
  running_server proxied{opts};
  client c{proxied.port};
  CHECK(c.send(get("/whoami")).body() == "127.0.0.1");
  CHECK(c.send(forwarded("203.0.113.9")).body() == "203.0.113.9");
  // What the client wrote comes first; the rightmost address that is not one of ours is the client.
  CHECK(c.send(forwarded("198.51.100.1, 203.0.113.9, 10.0.0.2")).body() == "203.0.113.9");
  CHECK(c.send(forwarded("not-an-address, 2001:db8::7")).body() == "2001:db8::7");
  CHECK(c.send(forwarded("garbage")).body() == "127.0.0.1");
}

TEST_CASE("a path with a larger body limit takes larger bodies, others still get 413") {
  server_options opts;
  opts.body_limit = 1000;
  opts.larger_bodies = {{"/echo", 10000}};
  running_server s{opts};
  auto post = [&s](std::string target, std::size_t bytes, bool chunked = false) {
    client c{s.port};
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, target, 11};
    req.body() = std::string(bytes, 'x');
    if (chunked) req.chunked(true);
    return c.send(req);
  };
  CHECK(post("/echo", 5000).result_int() == 200);
  CHECK(post("/echo", 5000).body().size() == 5000);
  CHECK(post("/echo?x=1", 5000).result_int() == 200);
  CHECK(post("/echo", 20000).result_int() == 413);
  CHECK(post("/echo", 20000, true).result_int() == 413);  // no Content-Length: counted as it arrives
  CHECK(post("/hello", 5000).result_int() == 413);        // the server's own limit elsewhere
  CHECK(post("/hello", 5000, true).result_int() == 413);
}

TEST_CASE("server answers 413 for an oversize body and 431 for oversize headers") {
  server_options opts;
  opts.body_limit = 1000;
  opts.header_limit = 2000;
  running_server s{opts};
  {
    client c{s.port};
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/echo", 11};
    req.body() = std::string(5000, 'x');
    auto res = c.send(req);
    CHECK(res.result_int() == 413);
    CHECK(res.body().find("larger") != std::string::npos);
  }
  {
    client c{s.port};
    auto req = get("/hello");
    req.set("X-Big", std::string(4000, 'y'));
    CHECK(c.send(req).result_int() == 431);
  }
  {
    client c{s.port};
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/echo", 11};
    req.body() = "small";
    CHECK(c.send(req).body() == "small");
  }
}

TEST_CASE("shutdown lets an in-flight request finish") {
  running_server s;
  client c{s.port};
  auto req = get("/slow");
  req.prepare_payload();
  bhttp::write(c.socket, req);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  s.srv->shutdown(std::chrono::seconds(5));
  bhttp::response<bhttp::string_body> res;
  bhttp::read(c.socket, c.buffer, res);
  CHECK(res.body() == "finished");
  CHECK_FALSE(res.keep_alive());
  s.thread.join();
  CHECK(s.srv->connection_count() == 0);
}
