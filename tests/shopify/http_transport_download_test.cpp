// The Beast transport's streamed download against a plain HTTP server in this process: a body of a few
// megabytes (with Content-Length, and chunked) reaches the sink in pieces, never whole; the limit, a
// sink that stops, and a refusal (403) end it cleanly; the kept-alive connection is reused afterwards.
#include "shopify/http_transport.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::ip::tcp;
using namespace nexsync::shopify;

namespace {

// ~3 MB of JSONL-like lines.
const std::string& big_body() {
  static const std::string body = [] {
    std::string b;
    char line[64];
    for (int i = 0; b.size() < 3'000'000; ++i) {
      std::snprintf(line, sizeof line, "{\"id\":\"gid://shopify/ProductVariant/%09d\"}\n", i);
      b += line;
    }
    return b;
  }();
  return body;
}

// GET /big (Content-Length), /chunked (100 KB chunks), anything else 403 with a storage-style XML body.
class file_server {
 public:
  file_server() {
    port = acceptor_.local_endpoint().port();
    asio::co_spawn(io_, serve(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~file_server() {
    io_.stop();
    thread_.join();
  }
  int connections() const { return connections_; }
  std::vector<std::string> header_names() {
    std::lock_guard lock{m_};
    return names_;
  }
  unsigned short port = 0;

 private:
  asio::awaitable<void> serve() {
    for (;;) {
      boost::system::error_code ec;
      auto socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      ++connections_;
      asio::co_spawn(io_, session(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    for (;;) {
      bhttp::request<bhttp::string_body> req;
      co_await bhttp::async_read(socket, buffer, req, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      {
        std::lock_guard lock{m_};
        for (const auto& f : req) names_.emplace_back(f.name_string());
      }
      if (req.target() == "/chunked") {
        std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/jsonl\r\nTransfer-Encoding: chunked\r\n\r\n";
        co_await asio::async_write(socket, asio::buffer(head), asio::redirect_error(asio::use_awaitable, ec));
        const auto& body = big_body();
        for (std::size_t at = 0; at < body.size() && !ec; at += 100'000) {
          auto n = std::min<std::size_t>(100'000, body.size() - at);
          char size[32];
          std::snprintf(size, sizeof size, "%zx\r\n", n);
          std::string chunk = size + body.substr(at, n) + "\r\n";
          co_await asio::async_write(socket, asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
        }
        std::string last = "0\r\n\r\n";
        co_await asio::async_write(socket, asio::buffer(last), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
        continue;
      }
      bhttp::response<bhttp::string_body> res{req.target() == "/big" ? bhttp::status::ok : bhttp::status::forbidden, 11};
      if (req.target() == "/big") {
        res.set(bhttp::field::content_type, "application/jsonl");
        res.body() = big_body();
      } else {
        res.set(bhttp::field::content_type, "application/xml");
        res.body() = "<?xml version='1.0' encoding='UTF-8'?><Error><Code>AccessDenied</Code><Message>Access denied.</Message></Error>";
      }
      res.keep_alive(true);
      res.prepare_payload();
      co_await bhttp::async_write(socket, res, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
    }
  }

  asio::io_context io_;
  tcp::acceptor acceptor_{io_, tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0}};
  std::atomic<int> connections_{0};
  std::mutex m_;
  std::vector<std::string> names_;
  std::thread thread_;
};

template <class T>
T run(asio::awaitable<T> a) {
  asio::io_context io;
  auto f = asio::co_spawn(io, std::move(a), asio::use_future);
  io.run();
  return f.get();
}

struct collected {
  std::string body;
  int pieces = 0;
  std::size_t largest = 0;
};

boost::system::result<http_reply> download(http_transport& t, const std::string& url, std::size_t limit, collected& into) {
  return run(t.download(http_call{"GET", url, {}, ""}, limit, [&into](std::string_view piece) {
    into.body += piece;
    ++into.pieces;
    into.largest = std::max(into.largest, piece.size());
    return true;
  }));
}

}  // namespace

TEST_CASE("a download streams a large body to the sink in pieces and keeps the connection", "[shopify][download]") {
  file_server server;
  auto base = "http://127.0.0.1:" + std::to_string(server.port);
  auto transport = make_beast_transport(transport_options{});

  collected plain;
  auto r1 = download(*transport, base + "/big", 10'000'000, plain);
  REQUIRE(r1.has_value());
  CHECK(r1->status == 200);
  CHECK(r1->body.empty());
  CHECK(r1->header("Content-Type") == "application/jsonl");
  CHECK(plain.body == big_body());
  CHECK(plain.pieces > 10);
  CHECK(plain.largest <= 64 * 1024);

  collected chunked;
  auto r2 = download(*transport, base + "/chunked", 10'000'000, chunked);
  REQUIRE(r2.has_value());
  CHECK(r2->status == 200);
  CHECK(chunked.body == big_body());

  auto after = run(transport->send(http_call{"GET", base + "/elsewhere", {}, ""}));
  REQUIRE(after.has_value());
  CHECK(after->status == 403);
  CHECK(server.connections() == 1);  // both downloads and the call after them on one kept-alive connection
  for (auto& name : server.header_names()) CHECK(name != "X-Shopify-Access-Token");
}

TEST_CASE("a download over its limit or stopped by the sink fails, and the transport goes on", "[shopify][download]") {
  file_server server;
  auto base = "http://127.0.0.1:" + std::to_string(server.port);
  auto transport = make_beast_transport(transport_options{});

  collected small;
  auto over = download(*transport, base + "/big", 1'000'000, small);
  REQUIRE_FALSE(over.has_value());
  CHECK(over.error() == bhttp::error::body_limit);
  CHECK(small.body.size() <= 1'000'000);

  int calls = 0;
  auto stopped = run(transport->download(http_call{"GET", base + "/chunked", {}, ""}, 10'000'000, [&calls](std::string_view) {
    ++calls;
    return false;
  }));
  REQUIRE_FALSE(stopped.has_value());
  CHECK(stopped.error() == asio::error::operation_aborted);
  CHECK(calls == 1);

  collected whole;
  auto again = download(*transport, base + "/big", 10'000'000, whole);
  REQUIRE(again.has_value());
  CHECK(whole.body == big_body());
}

TEST_CASE("a refused download comes back like any reply and the sink sees none of it", "[shopify][download]") {
  file_server server;
  auto transport = make_beast_transport(transport_options{});
  collected nothing;
  auto denied = download(*transport, "http://127.0.0.1:" + std::to_string(server.port) + "/bulk/1-wrong.jsonl", 10'000'000, nothing);
  REQUIRE(denied.has_value());
  CHECK(denied->status == 403);
  CHECK(denied->body.find("AccessDenied") != std::string::npos);
  CHECK(nothing.pieces == 0);
}
