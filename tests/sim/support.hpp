#pragma once
// Test support: the simulator running in-process on port 0, a synchronous HTTP client, and a
// webhook receiver that records what it gets.

#include "http/server.hpp"
#include "sim/app.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/value.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace nexsync::sim::test {

/// A response as the test sees it.
struct reply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  ///< lower-case names
  std::string body;
  /// The body parsed as JSON (null if it is not JSON).
  boost::json::value json() const;
};

/// Sends one request to 127.0.0.1:port (Connection: close).
reply call(unsigned short port, const std::string& method, const std::string& target, const std::string& body = "",
           std::vector<std::pair<std::string, std::string>> headers = {});

/// One received webhook.
struct received {
  std::map<std::string, std::string> headers;
  std::string body;
};

/// The simulator and a webhook receiver on one io_context thread.
class harness {
 public:
  /// Starts both; `receiver_status` decides the receiver's answer for each delivery.
  explicit harness(double time_scale = 0.0001);
  ~harness();

  unsigned short port() const { return port_; }
  unsigned short receiver_port() const { return receiver_port_; }
  /// "http://127.0.0.1:{receiver port}" (the configured --app-url).
  std::string app_url() const;
  /// Runs `f` on the io thread and waits for it (to touch the app's state safely).
  void on_io(const std::function<void()>& f);
  /// Creates a shop through the control API with the given JSON spec; returns the HTTP reply.
  reply create_shop(const std::string& spec_json);
  /// A control API call.
  reply control(const std::string& method, const std::string& target, const std::string& body = "");
  /// An access token for the shop (control API shortcut).
  std::string token(const std::string& shop, const std::string& scopes = "");
  /// A GraphQL call for the shop through the /shops/ prefix.
  reply graphql(const std::string& shop, const std::string& token, const std::string& query,
                const std::string& variables_json = "{}");
  /// Webhooks received so far.
  std::vector<received> webhooks();
  /// Waits (bounded, 10 s) until `pred` holds for the received webhooks; returns whether it did.
  bool wait_for(const std::function<bool(const std::vector<received>&)>& pred);
  /// Sets the status the receiver answers with.
  void set_receiver_status(unsigned status) { receiver_status_ = status; }

  static constexpr const char* key = "test-key";
  static constexpr const char* secret = "test-secret";
  static constexpr const char* admin = "test-admin";

 private:
  boost::asio::io_context io_{1};
  std::unique_ptr<sim::app> app_;
  std::unique_ptr<http::server> server_;
  std::unique_ptr<http::server> receiver_;
  std::thread thread_;
  unsigned short port_ = 0;
  unsigned short receiver_port_ = 0;
  std::mutex mutex_;
  std::vector<received> received_;
  std::atomic<unsigned> receiver_status_{200};
};

}  // namespace nexsync::sim::test
