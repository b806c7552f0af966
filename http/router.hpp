#pragma once
// Maps method + path pattern ("/api/sales/{id}") to a handler; answers 404/405 itself.

#include "http/server.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace nexsync::http {

/// Routes requests by method and path pattern; "{name}" matches one non-empty segment.
class router {
 public:
  /// Adds a route; patterns are tried in the order added.
  router& add(std::string_view method, std::string_view pattern, handler h);
  /// Adds a prefix route: every path under prefix (e.g. "/static/") goes to h.
  router& add_prefix(std::string_view method, std::string_view prefix, handler h);
  /// Dispatches a request (sets path_params and route); 404 or 405 when nothing matches.
  boost::asio::awaitable<response> operator()(request& req) const;
  /// This router as a server handler (the router must outlive the server).
  handler as_handler() const;

 private:
  struct route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    bool prefix = false;
    handler h;
  };
  static bool match(const route& r, std::string_view path, const std::vector<std::string_view>& parts,
                    std::map<std::string, std::string>& params);
  std::vector<route> routes_;
};

}  // namespace nexsync::http
