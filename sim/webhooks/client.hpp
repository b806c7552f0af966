#pragma once
// A minimal HTTP/1.1 POST client on Beast for webhook deliveries (plain http only).

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace nexsync::sim::webhooks {

/// Outcome of one POST.
struct post_result {
  unsigned status = 0;  ///< HTTP status, 0 when no response arrived
  std::string error;    ///< transport error ("connect timeout", "timeout", ...), empty on a response
};

/// POSTs `body` to `url` with `headers`; connect and total timeouts as Shopify uses (1 s, 5 s).
boost::asio::awaitable<post_result> post(std::string url, std::vector<std::pair<std::string, std::string>> headers,
                                         std::string body, std::chrono::milliseconds connect_timeout,
                                         std::chrono::milliseconds total_timeout);

}  // namespace nexsync::sim::webhooks
