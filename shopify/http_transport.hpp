#pragma once
// The one place nexsync talks HTTP(S) to Shopify: a coroutine interface over plain request/reply
// structs, and its Beast implementation (keep-alive connections reused per host, TLS with certificate
// verification and SNI, timeouts). Operations (shopify/admin_client.hpp) only see the interface, so
// they can be tested with a fake.

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nexsync::shopify {

/// One outgoing request: an absolute http:// or https:// URL, headers and a body.
struct http_call {
  std::string method;                                        ///< "GET", "POST", "DELETE"
  std::string url;                                           ///< absolute URL, path and query included
  std::vector<std::pair<std::string, std::string>> headers;  ///< extra headers (Host and length are set)
  std::string body;                                          ///< request body, may be empty
};

/// One response, whatever its status.
struct http_reply {
  unsigned status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// The first value of a header (name compared case-insensitively), if present.
  std::optional<std::string_view> header(std::string_view name) const;
};

/// Receives a streamed body piece by piece, on the transport's own thread; returning false stops the
/// download (the call then fails with operation_aborted).
using body_sink = std::function<bool(std::string_view piece)>;

/// Sends calls; the reply or a transport error (connect, TLS, timeout, malformed response).
class http_transport {
 public:
  virtual ~http_transport() = default;
  /// Sends one call and completes on the caller's executor.
  virtual boost::asio::awaitable<boost::system::result<http_reply>> send(http_call call) = 0;
  /// Sends one call and hands a 2xx reply's body to `sink` as it arrives instead of keeping it (the
  /// returned reply's body is then empty), so a large file never has to fit in memory. At most
  /// `max_body` bytes are accepted (more: boost::beast::http::error::body_limit). Any other status
  /// comes back like send() returns it (body cut at 64 KB). The timeout applies to each piece, not to
  /// the whole transfer. This default sends and hands the whole body over at once (for fakes).
  virtual boost::asio::awaitable<boost::system::result<http_reply>> download(http_call call, std::size_t max_body,
                                                                             body_sink sink);
};

/// Settings of the Beast transport.
struct transport_options {
  std::string ca_file;                                   ///< extra CA certificates (PEM) to trust; empty = system only
  std::chrono::milliseconds connect_timeout{10'000};     ///< resolve + TCP connect + TLS handshake
  std::chrono::milliseconds request_timeout{30'000};     ///< write request + read whole response (download: each piece)
  std::size_t max_idle_per_host = 8;                     ///< idle keep-alive connections kept per host
  std::size_t body_limit = 64 * 1024 * 1024;             ///< largest response body accepted (download() sets its own)
  std::string user_agent = "nexsync";                    ///< User-Agent header
};

/// The Beast transport. It runs its sockets on an io_context and thread of its own (so connections
/// never outlive the executor they belong to), and hands results back to the caller's executor.
/// Throws std::runtime_error if the CA file cannot be loaded.
std::unique_ptr<http_transport> make_beast_transport(transport_options options);

/// Scheme, host, port and target of an absolute URL (what the transport connects to).
struct url_parts {
  bool tls = false;          ///< https
  std::string host;          ///< without brackets
  std::string port;          ///< explicit or the scheme's default
  std::string target;        ///< path (at least "/") and query
};

/// Splits an absolute http(s) URL; nullopt for anything else (other schemes, user info, no host).
std::optional<url_parts> split_url(std::string_view url);

}  // namespace nexsync::shopify
