#pragma once
// The HTTP/1.1 server: Boost.Beast sessions on an Asio io_context, one coroutine per connection,
// handlers as coroutines over plain request/response structs.

#include "http/message.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace nexsync::http {

/// A request handler: may suspend (database, actors) without blocking the Asio thread.
using handler = std::function<boost::asio::awaitable<response>(request&)>;

/// Limits and timeouts of the server.
struct server_options {
  std::size_t header_limit = 16 * 1024;       ///< bytes of request line + headers (431 beyond)
  std::size_t body_limit = 1024 * 1024;       ///< bytes of body (413 beyond)
  /// Paths (exact, without the query) allowed a larger body than body_limit, with their limit.
  std::vector<std::pair<std::string, std::size_t>> larger_bodies;
  std::chrono::seconds read_timeout{30};      ///< time to receive one whole request
  std::chrono::seconds idle_timeout{60};      ///< keep-alive idle time before closing
  std::size_t max_requests_per_connection = 10000;
  std::string server_name = "nexsync";        ///< Server header
  /// Reverse proxies (a TLS terminator, a load balancer) whose X-Forwarded-For names the client: a
  /// request from one gets the rightmost address there that is not itself a trusted proxy as its
  /// remote_address. Anyone else's X-Forwarded-For is ignored (a client could write anything).
  std::vector<boost::asio::ip::address> trusted_proxies;
  /// Called after each request with the request (route set by the router), the response and the
  /// handler's time in milliseconds: the hook for metrics.
  std::function<void(const request&, const response&, double)> observe;
};

/// The client's address of a request that came from `peer`: see server_options::trusted_proxies.
std::string client_address(const boost::asio::ip::address& peer, std::string_view forwarded_for,
                           const std::vector<boost::asio::ip::address>& trusted_proxies);

/// Accepts connections and serves them until shutdown().
class server {
 public:
  server(boost::asio::io_context& io, server_options options, handler h);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Binds and listens ("127.0.0.1", 0 picks a free port); returns the bound endpoint.
  boost::asio::ip::tcp::endpoint listen(const std::string& host, unsigned short port);
  /// Starts accepting (after listen).
  void start();
  /// Stops accepting, closes idle connections, lets in-flight requests finish; calls done when
  /// every session has ended or the grace period passed (then remaining sockets are closed).
  void shutdown(std::chrono::milliseconds grace, std::function<void()> done = {});
  /// Number of open connections.
  std::size_t connection_count() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace nexsync::http
