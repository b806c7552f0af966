#include "shopify/http_transport.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include <cctype>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace nexsync::shopify {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// One open connection to one host: plain or TLS, with its read buffer. Beast reads at most the buffer's
// free capacity (512 bytes when empty), so a 100 KB GraphQL page took 200 reads; it reads 64 KB at most.
struct connection {
  connection() { buffer.reserve(64 * 1024); }
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  beast::tcp_stream& tcp() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
};

// Errors that mean a kept-alive connection had been closed by the peer before we used it: the request
// never reached the server, so sending it again on a fresh connection is safe.
bool stale_connection(const error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == bhttp::error::end_of_stream || ec == asio::ssl::error::stream_truncated;
}

std::string host_header(const url_parts& p) {
  auto host = p.host.find(':') != std::string::npos ? "[" + p.host + "]" : p.host;
  bool default_port = (p.tls && p.port == "443") || (!p.tls && p.port == "80");
  return default_port ? host : host + ":" + p.port;
}

struct exchanged {
  http_reply reply;
  bool keep_alive = false;
};

class beast_transport final : public http_transport {
 public:
  explicit beast_transport(transport_options options)
      : options_(std::move(options)), ssl_(ssl::context::tls_client), work_(io_.get_executor()) {
    ssl_.set_default_verify_paths();
    if (!options_.ca_file.empty()) {
      error_code ec;
      ssl_.load_verify_file(options_.ca_file, ec);
      if (ec) throw std::runtime_error("cannot load the Shopify CA file " + options_.ca_file + ": " + ec.message());
    }
    ssl_.set_verify_mode(ssl::verify_peer);
    thread_ = std::thread([this] { io_.run(); });
  }

  ~beast_transport() override {
    work_.reset();
    io_.stop();
    thread_.join();
    idle_.clear();  // sockets close while their io_context still exists
  }

  asio::awaitable<boost::system::result<http_reply>> send(http_call call) override {
    auto r = co_await asio::co_spawn(io_, perform(std::move(call), nullptr), asio::use_awaitable);
    co_return r;
  }

  asio::awaitable<boost::system::result<http_reply>> download(http_call call, std::size_t max_body, body_sink sink) override {
    // Shared: the transfer runs on io_'s thread while this coroutine waits on the caller's executor.
    auto spec = std::make_shared<streamed>();
    spec->max_body = max_body;
    spec->sink = std::move(sink);
    auto r = co_await asio::co_spawn(io_, perform(std::move(call), spec), asio::use_awaitable);
    co_return r;
  }

 private:
  // perform()'s argument for a download: where the body goes, and how much of it went there.
  struct streamed {
    std::size_t max_body = 0;
    body_sink sink;
    std::uint64_t delivered = 0;
  };

  asio::awaitable<boost::system::result<http_reply>> perform(http_call call, std::shared_ptr<streamed> spec) {
    auto parts = split_url(call.url);
    if (!parts) co_return error_code{asio::error::invalid_argument};
    auto key = std::string{parts->tls ? "https://" : "http://"} + host_header(*parts);
    for (int attempt = 0;; ++attempt) {
      auto conn = take_idle(key);
      bool reused = conn != nullptr;
      if (!conn) {
        auto opened = co_await open(*parts);
        if (!opened) co_return opened.error();
        conn = std::move(*opened);
      }
      auto done = co_await exchange(*conn, *parts, call, spec.get());
      if (!done) {
        // Sent again only if the peer had closed the idle connection and nothing reached the sink yet.
        bool untouched = !spec || spec->delivered == 0;
        if (reused && attempt == 0 && untouched && stale_connection(done.error())) continue;
        co_return done.error();
      }
      if (done->keep_alive) put_idle(key, std::move(conn));
      co_return std::move(done->reply);
    }
  }

  asio::awaitable<boost::system::result<std::unique_ptr<connection>>> open(const url_parts& p) {
    auto ex = co_await asio::this_coro::executor;
    error_code ec;
    tcp::resolver resolver{ex};
    auto endpoints = co_await resolver.async_resolve(p.host, p.port, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return ec;
    auto conn = std::make_unique<connection>();
    if (p.tls) conn->secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ex, ssl_);
    else conn->plain = std::make_unique<beast::tcp_stream>(ex);
    auto& tcp = conn->tcp();
    tcp.expires_after(options_.connect_timeout);
    co_await tcp.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return ec;
    if (p.tls) {
      error_code not_ip;
      asio::ip::make_address(p.host, not_ip);
      // SNI for names only (RFC 6066 forbids IP literals); the certificate must match the host either way.
      if (not_ip && !SSL_set_tlsext_host_name(conn->secure->native_handle(), p.host.c_str()))
        co_return error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
      conn->secure->set_verify_callback(ssl::host_name_verification(p.host));
      co_await conn->secure->async_handshake(ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return ec;
    }
    tcp.expires_never();
    co_return conn;
  }

  asio::awaitable<boost::system::result<exchanged>> exchange(connection& conn, const url_parts& p, const http_call& call,
                                                             streamed* spec) {
    if (conn.secure && spec) {
      auto r = co_await stream_on(*conn.secure, conn, p, call, *spec);
      co_return r;
    }
    if (conn.secure) {
      auto r = co_await exchange_on(*conn.secure, conn, p, call);
      co_return r;
    }
    if (spec) {
      auto r = co_await stream_on(*conn.plain, conn, p, call, *spec);
      co_return r;
    }
    auto r = co_await exchange_on(*conn.plain, conn, p, call);
    co_return r;
  }

  bhttp::request<bhttp::string_body> request_of(const url_parts& p, const http_call& call) const {
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(call.method), p.target, 11};
    req.set(bhttp::field::host, host_header(p));
    req.set(bhttp::field::user_agent, options_.user_agent);
    for (const auto& [name, value] : call.headers) req.set(name, value);
    req.body() = call.body;
    req.keep_alive(true);
    req.prepare_payload();
    return req;
  }

  template <class Stream>
  asio::awaitable<boost::system::result<exchanged>> exchange_on(Stream& stream, connection& conn, const url_parts& p,
                                                                const http_call& call) {
    auto req = request_of(p, call);
    auto& tcp = conn.tcp();
    tcp.expires_after(options_.request_timeout);
    error_code ec;
    co_await bhttp::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return ec;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(options_.body_limit);
    parser.header_limit(64 * 1024);
    co_await bhttp::async_read(stream, conn.buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return ec;
    tcp.expires_never();
    auto res = parser.release();
    exchanged out;
    out.keep_alive = res.keep_alive();
    out.reply.status = res.result_int();
    for (const auto& field : res) out.reply.headers.emplace_back(std::string{field.name_string()}, std::string{field.value()});
    out.reply.body = std::move(res.body());
    co_return out;
  }

  // A download: the head as usual, then the body in pieces of up to 64 KB, each read under its own
  // timeout; a 2xx body goes to the sink, any other is kept (its first 64 KB) for the error message.
  template <class Stream>
  asio::awaitable<boost::system::result<exchanged>> stream_on(Stream& stream, connection& conn, const url_parts& p,
                                                              const http_call& call, streamed& spec) {
    constexpr std::size_t piece_size = 64 * 1024, error_body_limit = 64 * 1024;
    auto req = request_of(p, call);
    auto& tcp = conn.tcp();
    tcp.expires_after(options_.request_timeout);
    error_code ec;
    co_await bhttp::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return ec;
    bhttp::response_parser<bhttp::buffer_body> parser;
    parser.body_limit(spec.max_body);
    parser.header_limit(64 * 1024);
    co_await bhttp::async_read_header(stream, conn.buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return ec;
    exchanged out;
    out.reply.status = parser.get().result_int();
    for (const auto& field : parser.get()) out.reply.headers.emplace_back(std::string{field.name_string()}, std::string{field.value()});
    const bool to_sink = out.reply.status / 100 == 2;
    std::vector<char> piece(piece_size);
    while (!parser.is_done()) {
      parser.get().body().data = piece.data();
      parser.get().body().size = piece.size();
      tcp.expires_after(options_.request_timeout);
      co_await bhttp::async_read(stream, conn.buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (ec == bhttp::error::need_buffer) ec = {};  // the piece is full: hand it over and read on
      if (ec) co_return ec;
      std::string_view got{piece.data(), piece.size() - parser.get().body().size};
      if (got.empty()) continue;
      if (to_sink) {
        spec.delivered += got.size();
        if (!spec.sink(got)) co_return error_code{asio::error::operation_aborted};
      } else if (out.reply.body.size() < error_body_limit) {
        out.reply.body.append(got.substr(0, error_body_limit - out.reply.body.size()));
      }
    }
    tcp.expires_never();
    out.keep_alive = parser.keep_alive();
    co_return out;
  }

  std::unique_ptr<connection> take_idle(const std::string& key) {
    std::lock_guard lock{mutex_};
    auto it = idle_.find(key);
    if (it == idle_.end() || it->second.empty()) return nullptr;
    auto conn = std::move(it->second.back());
    it->second.pop_back();
    return conn;
  }

  void put_idle(const std::string& key, std::unique_ptr<connection> conn) {
    std::lock_guard lock{mutex_};
    auto& list = idle_[key];
    if (list.size() < options_.max_idle_per_host) list.push_back(std::move(conn));
  }

  transport_options options_;
  asio::io_context io_;  // declared before the connections, so it outlives them
  ssl::context ssl_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::mutex mutex_;
  std::map<std::string, std::vector<std::unique_ptr<connection>>> idle_;
  std::thread thread_;
};

}  // namespace

boost::asio::awaitable<boost::system::result<http_reply>> http_transport::download(http_call call, std::size_t max_body,
                                                                                   body_sink sink) {
  auto reply = co_await send(std::move(call));
  if (!reply || reply->status / 100 != 2) co_return reply;
  if (reply->body.size() > max_body) co_return error_code{bhttp::error::body_limit};
  bool accepted = sink(reply->body);
  reply->body.clear();
  if (!accepted) co_return error_code{asio::error::operation_aborted};
  co_return reply;
}

std::optional<std::string_view> http_reply::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return std::string_view{v};
  return std::nullopt;
}

std::optional<url_parts> split_url(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return std::nullopt;
  auto scheme = parsed->scheme();
  url_parts out;
  if (iequals(scheme, "https")) out.tls = true;
  else if (!iequals(scheme, "http")) return std::nullopt;
  if (!parsed->has_authority() || parsed->has_userinfo()) return std::nullopt;
  out.host = parsed->host_type() == boost::urls::host_type::ipv6 ? std::string{parsed->encoded_host_address()}
                                                                 : std::string{parsed->encoded_host()};
  if (out.host.starts_with('[')) out.host = out.host.substr(1, out.host.size() - 2);
  if (out.host.empty()) return std::nullopt;
  out.port = parsed->has_port() && !parsed->port().empty() ? std::string{parsed->port()} : (out.tls ? "443" : "80");
  out.target = parsed->encoded_path().empty() ? "/" : std::string{parsed->encoded_path()};
  if (parsed->has_query()) out.target += "?" + std::string{parsed->encoded_query()};
  return out;
}

std::unique_ptr<http_transport> make_beast_transport(transport_options options) {
  return std::make_unique<beast_transport>(std::move(options));
}

}  // namespace nexsync::shopify
