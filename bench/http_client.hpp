#pragma once
// A blocking HTTP/1.1 client for the bench's set-up and control calls (not the load itself): one
// connection per request, a cookie jar, no redirects followed.

#include <chrono>
#include <map>
#include <string>

namespace nexsync::bench {

/// One response.
struct reply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  ///< lower-case names; repeated ones joined by "\n"
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string{} : it->second;
  }
};

/// A browser-like client of one host:port.
class http_client {
 public:
  http_client(std::string host, unsigned short port) : host_(std::move(host)), port_(port) {}

  /// One request; throws on transport errors or after timeout.
  reply request(const std::string& method, const std::string& target, const std::string& body = {},
                const std::map<std::string, std::string>& headers = {},
                std::chrono::seconds timeout = std::chrono::seconds(60));
  reply get(const std::string& target) { return request("GET", target); }
  /// application/x-www-form-urlencoded POST.
  reply post_form(const std::string& target, const std::string& form) {
    return request("POST", target, form, {{"Content-Type", "application/x-www-form-urlencoded"}});
  }

  /// Percent-encodes everything but unreserved characters.
  static std::string encode(const std::string& s);
  /// The first capture group of pattern in text, or empty.
  static std::string extract(const std::string& text, const std::string& pattern);

  std::map<std::string, std::string> cookies;
  unsigned short port() const { return port_; }

 private:
  void remember_cookie(const std::string& line);
  std::string host_;
  unsigned short port_;
};

}  // namespace nexsync::bench
