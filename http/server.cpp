#include "http/server.hpp"

#include "log/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <set>

namespace nexsync::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t read_buffer_bytes = 16 * 1024;

/// One accepted connection; its socket is only touched on its own strand.
struct connection {
  explicit connection(tcp::socket s) : stream(std::move(s)) {}
  beast::tcp_stream stream;
  bool idle = true;  // waiting for the next request, safe to close at shutdown
};

std::string next_request_id() {
  static std::atomic<std::uint64_t> counter{0};
  static const std::string prefix = [] {
    auto t = std::chrono::steady_clock::now().time_since_epoch().count();
    return std::to_string(static_cast<std::uint32_t>(t ^ (t >> 32)) % 100000);
  }();
  return prefix + "-" + std::to_string(++counter);
}

request to_request(bhttp::request<bhttp::string_body>&& in, const std::string& remote) {
  request r;
  r.method = std::string{in.method_string()};
  r.target = std::string{in.target()};
  auto q = r.target.find('?');
  r.path = url_decode(std::string_view{r.target}.substr(0, q), false);
  if (q != std::string::npos) r.query = r.target.substr(q + 1);
  for (auto& field : in) {
    auto name = std::string{field.name_string()};
    auto [it, inserted] = r.headers.emplace(name, std::string{field.value()});
    if (!inserted) it->second += ", " + std::string{field.value()};
  }
  r.body = std::move(in.body());
  r.remote_address = remote;
  r.request_id = next_request_id();
  return r;
}

bhttp::response<bhttp::string_body> to_beast(response&& out, unsigned version, bool keep_alive,
                                             const std::string& server_name) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(out.status), version};
  res.set(bhttp::field::server, server_name);
  for (auto& [name, value] : out.headers) res.insert(name, value);
  res.body() = std::move(out.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

response limit_error(unsigned status, std::string_view message) {
  auto r = response::json_error(status, status == 413 ? "payload_too_large" : "headers_too_large", message);
  r.set_header("Connection", "close");
  return r;
}

}  // namespace

struct server::impl : std::enable_shared_from_this<impl> {
  impl(asio::io_context& io, server_options o, handler h)
      : io(io), options(std::move(o)), handle(std::move(h)), acceptor(asio::make_strand(io)) {
    for (auto& [path, limit] : options.larger_bodies) largest_body_limit = std::max(largest_body_limit, limit);
  }

  // The body limit of a request target: its path's own, else the server's.
  std::size_t body_limit_for(std::string_view target) const {
    auto path = target.substr(0, target.find('?'));
    for (auto& [larger, limit] : options.larger_bodies)
      if (path == larger) return limit;
    return options.body_limit;
  }

  asio::io_context& io;
  server_options options;
  std::size_t largest_body_limit = options.body_limit;
  handler handle;
  tcp::acceptor acceptor;
  std::atomic<bool> stopping{false};
  mutable std::mutex mutex;
  std::set<std::shared_ptr<connection>> connections;
  std::function<void()> on_drained;
  std::shared_ptr<asio::steady_timer> grace_timer;

  awaitable<void> accept_loop() {
    auto self = shared_from_this();
    while (!stopping) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(io), use_tuple);
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted) break;
        log::warn("http", "accept failed", {{"error", ec.message()}});
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      auto conn = std::make_shared<connection>(std::move(socket));
      {
        std::lock_guard lock{mutex};
        connections.insert(conn);
      }
      auto executor = conn->stream.get_executor();
      asio::co_spawn(executor, serve(conn), [self, conn](std::exception_ptr) { self->forget(conn); });
    }
  }

  void forget(const std::shared_ptr<connection>& conn) {
    std::function<void()> done;
    {
      std::lock_guard lock{mutex};
      connections.erase(conn);
      if (stopping && connections.empty() && on_drained) {
        done = std::exchange(on_drained, {});
        if (grace_timer) grace_timer->cancel();
      }
    }
    if (done) done();
  }

  awaitable<void> serve(std::shared_ptr<connection> conn) {
    beast::error_code ec;
    auto peer = conn->stream.socket().remote_endpoint(ec).address();
    auto remote = peer.to_string();
    const bool via_proxy = std::find(options.trusted_proxies.begin(), options.trusted_proxies.end(), peer) !=
                           options.trusted_proxies.end();
    // Beast reads at most the buffer's free capacity (512 bytes at least): an empty buffer read a 7.5 KB
    // webhook in 16 recvmsg calls. One allocation per connection lets a request arrive in one.
    beast::flat_buffer buffer;
    buffer.reserve(read_buffer_bytes);
    for (std::size_t served = 0; served < options.max_requests_per_connection && !stopping; ++served) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
      parser.body_limit(largest_body_limit);  // Beast checks Content-Length with the header: the path's own below

      conn->idle = true;
      conn->stream.expires_after(served == 0 ? options.read_timeout : options.idle_timeout);
      auto [header_ec, header_bytes] = co_await bhttp::async_read_header(conn->stream, buffer, parser, use_tuple);
      conn->idle = false;
      if (!header_ec && !parser.is_done()) {
        auto limit = body_limit_for(parser.get().target());
        if (auto length = parser.content_length(); length && *length > limit) {
          header_ec = bhttp::error::body_limit;
        } else {
          parser.body_limit(limit);  // a chunked body is counted as it arrives
          conn->stream.expires_after(options.read_timeout);
          std::tie(header_ec, header_bytes) = co_await bhttp::async_read(conn->stream, buffer, parser, use_tuple);
        }
      }
      if (header_ec == bhttp::error::body_limit) {
        co_await write(conn, limit_error(413, "The request body is larger than this server accepts."), 11, false);
        co_await linger_close(conn);
        co_return;
      }
      if (header_ec == bhttp::error::header_limit) {
        co_await write(conn, limit_error(431, "The request headers are larger than this server accepts."), 11, false);
        co_await linger_close(conn);
        co_return;
      }
      if (header_ec) break;  // closed, timed out, or malformed: nothing useful to answer

      auto beast_request = parser.release();
      auto version = beast_request.version();
      bool keep_alive = beast_request.keep_alive();
      auto req = to_request(std::move(beast_request), remote);
      if (via_proxy)
        if (auto forwarded = req.headers.find("x-forwarded-for"); forwarded != req.headers.end())
          req.remote_address = client_address(peer, forwarded->second, options.trusted_proxies);
      auto started = std::chrono::steady_clock::now();
      response res;
      try {
        res = co_await handle(req);
      } catch (const std::exception& e) {
        log::error("http", "handler failed", {{"request_id", req.request_id}, {"error", e.what()}});
        res = response::json_error(500, "internal_error", "Something went wrong on our side; please try again.");
      }
      auto elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started);
      log::info("http", "request", {{"request_id", req.request_id}, {"method", req.method},
                                    {"path", req.path}, {"status", res.status}, {"ms", elapsed.count()}});
      if (options.observe) options.observe(req, res, elapsed.count());
      if (res.stream) {
        co_await stream_body(conn, std::move(res), version);
        break;
      }
      keep_alive = keep_alive && !stopping;
      if (!co_await write(conn, std::move(res), version, keep_alive)) break;
      if (!keep_alive) break;
    }
    conn->stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    conn->stream.close();
  }

  // A streamed body: chunked, each piece sent as it comes, the connection closed at the end.
  struct chunk_writer : body_stream {
    chunk_writer(impl& server, std::shared_ptr<connection> conn) : server(server), conn(std::move(conn)) {}
    awaitable<bool> write(std::string_view piece) override {
      if (gone) co_return false;
      conn->stream.expires_after(server.options.read_timeout);
      auto [ec, n] = co_await asio::async_write(conn->stream, bhttp::make_chunk(asio::buffer(piece)), use_tuple);
      gone = static_cast<bool>(ec);
      co_return !gone;
    }
    bool stopping() const override { return server.stopping; }
    impl& server;
    std::shared_ptr<connection> conn;
    bool gone = false;
  };

  awaitable<void> stream_body(std::shared_ptr<connection> conn, response res, unsigned version) {
    bhttp::response<bhttp::empty_body> head{static_cast<bhttp::status>(res.status), version};
    head.set(bhttp::field::server, options.server_name);
    for (auto& [name, value] : res.headers) head.insert(name, value);
    head.keep_alive(false);
    head.chunked(true);
    bhttp::response_serializer<bhttp::empty_body> sr{head};
    conn->stream.expires_after(options.read_timeout);
    auto [ec, n] = co_await bhttp::async_write_header(conn->stream, sr, use_tuple);
    if (ec) co_return;
    chunk_writer out{*this, conn};
    try {
      co_await res.stream(out);
    } catch (const std::exception& e) {
      log::warn("http", "stream failed", {{"error", e.what()}});
    }
    if (!out.gone) {
      conn->stream.expires_after(options.read_timeout);
      co_await asio::async_write(conn->stream, bhttp::make_chunk_last(), use_tuple);
    }
  }

  // After refusing a request whose body is still arriving: closing with unread data makes the kernel
  // send a reset, which can destroy our answer before the client reads it. So stop sending, read and
  // drop what the client still sends for a short while, then close (nginx's lingering close).
  awaitable<void> linger_close(std::shared_ptr<connection> conn) {
    beast::error_code ec;
    conn->stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    conn->stream.expires_after(std::chrono::seconds(2));
    std::array<char, 16 * 1024> sink;
    std::size_t drained = 0;
    while (!ec && drained < 16 * 1024 * 1024) {
      std::size_t n = 0;
      std::tie(ec, n) = co_await conn->stream.async_read_some(asio::buffer(sink), use_tuple);
      drained += n;
    }
    conn->stream.close();
  }

  awaitable<bool> write(std::shared_ptr<connection> conn, response res, unsigned version, bool keep_alive) {
    auto out = to_beast(std::move(res), version, keep_alive, options.server_name);
    conn->stream.expires_after(options.read_timeout);
    auto [ec, n] = co_await bhttp::async_write(conn->stream, out, use_tuple);
    co_return !ec;
  }
};

server::server(asio::io_context& io, server_options options, handler h)
    : impl_(std::make_shared<impl>(io, std::move(options), std::move(h))) {}

server::~server() = default;

tcp::endpoint server::listen(const std::string& host, unsigned short port) {
  tcp::endpoint endpoint{asio::ip::make_address(host), port};
  auto& a = impl_->acceptor;
  a.open(endpoint.protocol());
  a.set_option(asio::socket_base::reuse_address(true));
  a.bind(endpoint);
  a.listen(asio::socket_base::max_listen_connections);
  return a.local_endpoint();
}

void server::start() {
  asio::co_spawn(impl_->acceptor.get_executor(), impl_->accept_loop(), asio::detached);
}

void server::shutdown(std::chrono::milliseconds grace, std::function<void()> done) {
  auto self = impl_;
  self->stopping = true;
  asio::post(self->acceptor.get_executor(), [self] {
    beast::error_code ec;
    self->acceptor.close(ec);
  });
  std::vector<std::shared_ptr<connection>> open;
  {
    std::lock_guard lock{self->mutex};
    open.assign(self->connections.begin(), self->connections.end());
    if (open.empty()) {
      if (done) asio::post(self->io, std::move(done));
      return;
    }
    self->on_drained = std::move(done);
    self->grace_timer = std::make_shared<asio::steady_timer>(self->io, grace);
  }
  // Idle keep-alive connections close now; busy ones finish their request first.
  for (auto& conn : open) {
    asio::post(conn->stream.get_executor(), [conn] {
      if (conn->idle) conn->stream.socket().close();
    });
  }
  self->grace_timer->async_wait([self](beast::error_code ec) {
    if (ec) return;  // drained before the grace period ended
    std::lock_guard lock{self->mutex};
    for (auto& conn : self->connections)
      asio::post(conn->stream.get_executor(), [conn] { conn->stream.socket().close(); });
  });
}

std::size_t server::connection_count() const {
  std::lock_guard lock{impl_->mutex};
  return impl_->connections.size();
}

std::string client_address(const asio::ip::address& peer, std::string_view forwarded_for,
                           const std::vector<asio::ip::address>& trusted_proxies) {
  // Each proxy appends the address it was called from; read from the right, past our own proxies.
  // An entry that is not an address ends the walk: whatever is left of it came from the client.
  auto client = peer;
  while (!forwarded_for.empty()) {
    auto comma = forwarded_for.rfind(',');
    auto entry = forwarded_for.substr(comma == std::string_view::npos ? 0 : comma + 1);
    forwarded_for = forwarded_for.substr(0, comma == std::string_view::npos ? 0 : comma);
    while (!entry.empty() && (entry.front() == ' ' || entry.front() == '\t')) entry.remove_prefix(1);
    while (!entry.empty() && (entry.back() == ' ' || entry.back() == '\t')) entry.remove_suffix(1);
    boost::system::error_code ec;
    auto address = asio::ip::make_address(std::string{entry}, ec);
    if (ec) break;
    client = address;
    if (std::find(trusted_proxies.begin(), trusted_proxies.end(), address) == trusted_proxies.end()) break;
  }
  return client.to_string();
}

}  // namespace nexsync::http
