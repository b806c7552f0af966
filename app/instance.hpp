#pragma once
// One running nexsync: database pool, HTTP server on its own Asio threads, start-up migrations.
// `nexsync serve` runs one until a signal; integration tests run one in-process on port 0.

#include "app/context.hpp"
#include "config/settings.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <memory>

namespace nexsync::app {

/// A started server; stop() (or the destructor) shuts it down gracefully.
class instance {
 public:
  /// Builds the services and starts listening (throws if the address cannot be bound).
  explicit instance(const config::settings& settings);
  ~instance();
  instance(const instance&) = delete;
  instance& operator=(const instance&) = delete;

  /// The bound address (the real port when the setting asked for port 0).
  boost::asio::ip::tcp::endpoint endpoint() const;
  /// The shared services (tests reach the pool through it).
  context& services();
  /// Finishes in-flight requests (up to the grace period) and stops every thread.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  /// Blocks until SIGINT or SIGTERM, then stops.
  void run_until_signal();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace nexsync::app
