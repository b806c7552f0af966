#pragma once
// Delivers webhooks like Shopify: signed body, Shopify's headers, 1 s connect / 5 s total timeout,
// 8 retries with exponential backoff over ~4 h (scaled by --time-scale), and deletion of the
// subscription when a delivery has failed its last retry. Keeps a log of every delivery.

#include "sim/store/store.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace nexsync::sim::webhooks {

/// Deliveries kept in the log (finished ones beyond this are forgotten, oldest first).
inline constexpr std::size_t max_logged = 100000;

/// Number of retries after the first attempt.
inline constexpr int max_retries = 8;

/// Delay before retry `n` (1-based) at time scale 1: 14400 s × 2^(n-1) / 255, so all 8 span 4 hours.
std::chrono::milliseconds retry_delay(int n, double time_scale);

/// One attempt of one delivery.
struct attempt {
  std::string at;
  unsigned status = 0;
  std::string error;
  double ms = 0;
};

/// One webhook delivery (one webhook id to one address).
struct delivery {
  std::uint64_t seq = 0;
  std::string webhook_id;
  std::string event_id;
  std::string topic;
  std::string shop;
  std::string uri;
  std::uint64_t subscription_id = 0;  ///< 0 for compliance topics (app-configured address)
  std::string body;
  std::string triggered_at;
  std::string state = "pending";      ///< pending, retrying, delivered, failed, dropped
  bool duplicate = false;             ///< a second copy with the same webhook id (fault)
  std::vector<attempt> attempts;
};

/// The delivery engine.
class dispatcher {
 public:
  /// Options fixed at start-up.
  struct options {
    std::string secret;
    std::string api_version = "2026-10";
    double time_scale = 1.0;
    std::chrono::milliseconds connect_timeout{1000};
    std::chrono::milliseconds total_timeout{5000};
  };

  dispatcher(boost::asio::any_io_executor ex, store::store& st, options o);

  /// Sends `payload` to every subscription of `topic` in the shop (applying drop/duplicate faults).
  void publish(store::shop& s, const std::string& topic, const boost::json::value& payload);
  /// Sends `payload` to one address (compliance topics, or one subscription when subscription_id != 0).
  void send(store::shop& s, const std::string& topic, const std::string& uri, const boost::json::value& payload,
            std::uint64_t subscription_id = 0);
  /// The deliveries of one shop as JSON, oldest first; `topic` filters, `limit` keeps the newest N.
  boost::json::array deliveries(const std::string& shop, const std::string& topic = "", std::size_t limit = 0) const;
  /// Deliveries still pending or retrying.
  std::size_t in_flight() const;

 private:
  void start(store::shop& s, const std::string& topic, const std::string& uri, const std::string& body,
             std::uint64_t subscription_id, const std::string& event_id, const std::string& triggered_at);
  boost::asio::awaitable<void> run(std::shared_ptr<delivery> d, std::uint32_t shop_number);

  boost::asio::any_io_executor ex_;
  store::store& store_;
  options options_;
  std::deque<std::shared_ptr<delivery>> log_;  ///< bounded: the oldest finished deliveries are forgotten
  std::uint64_t seq_ = 0;
};

/// A random RFC 4122 version 4 UUID.
std::string uuid4();

}  // namespace nexsync::sim::webhooks
