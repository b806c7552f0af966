#pragma once
// Plain request and response structs: what every handler sees instead of sockets or Beast types.

#include <boost/asio/awaitable.hpp>
#include <boost/json/fwd.hpp>

#include <functional>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nexsync::http {

/// Orders header names case-insensitively, as HTTP compares them.
struct header_name_less {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};

using header_map = std::map<std::string, std::string, header_name_less>;

/// One parsed HTTP request, decoupled from the transport.
struct request {
  std::string method;             ///< "GET", "POST", ...
  std::string target;             ///< raw request target, e.g. "/a%20b?x=1"
  std::string path;               ///< percent-decoded path, e.g. "/a b"
  std::string query;              ///< raw query string without '?', e.g. "x=1"
  header_map headers;             ///< request headers (one value per name, repeated ones joined by ", ")
  std::string body;               ///< raw body bytes
  std::string remote_address;     ///< the client's IP address (the peer's, or a trusted proxy's X-Forwarded-For)
  std::string request_id;         ///< id for logs, set by the server
  std::map<std::string, std::string> path_params;  ///< filled by the router from "{name}" segments
  std::string route;              ///< the matched route pattern, for metrics ("GET /api/x/{id}")

  /// A header's value, if present.
  std::optional<std::string_view> header(std::string_view name) const;
  /// A cookie's value from the Cookie header, if present.
  std::optional<std::string> cookie(std::string_view name) const;
  /// The first value of a query parameter (percent-decoded, '+' as space), if present.
  std::optional<std::string> query_param(std::string_view name) const;
  /// Every query parameter in order (percent-decoded).
  std::vector<std::pair<std::string, std::string>> query_params() const;
  /// Fields of an application/x-www-form-urlencoded body (percent-decoded).
  std::vector<std::pair<std::string, std::string>> form_params() const;
  /// The first value of a form field, if present.
  std::optional<std::string> form_param(std::string_view name) const;
};

/// One HTTP response. Headers keep their order; Set-Cookie may repeat.
/// Where a streamed response writes its body, piece by piece (server-sent events).
class body_stream {
 public:
  virtual ~body_stream() = default;
  /// Sends one piece at once; false when the client has gone (stop then).
  virtual boost::asio::awaitable<bool> write(std::string_view piece) = 0;
  /// Whether the server is shutting down (stop then, too).
  virtual bool stopping() const = 0;
};

struct response {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// When set, the body is not `body`: the server sends the headers (chunked), then runs this until it
  /// returns, then closes the connection.
  std::function<boost::asio::awaitable<void>(body_stream&)> stream;

  /// Sets (replaces) a header. Both throw std::invalid_argument for a CR, LF or NUL in the name or
  /// value: Beast would send it as is, and "\r\n" inside a value starts a header of the sender's choosing.
  response& set_header(std::string_view name, std::string_view value);
  /// Adds a header line even if the name exists (Set-Cookie).
  response& add_header(std::string_view name, std::string_view value);
  /// The first value of a header, if present.
  std::optional<std::string_view> header(std::string_view name) const;

  /// A JSON response.
  static response json(unsigned status, const boost::json::value& body);
  /// A JSON error body {"error": code, "message": message}.
  static response json_error(unsigned status, std::string_view code, std::string_view message);
  /// A text/plain response.
  static response text(unsigned status, std::string body);
  /// A text/html response.
  static response html(unsigned status, std::string body);
  /// A 303 See Other to a local or absolute URL.
  static response redirect(std::string_view location, unsigned status = 303);
};

/// Percent-decodes a URL component; '+' becomes a space when plus_as_space. Invalid escapes stay as is.
std::string url_decode(std::string_view s, bool plus_as_space);
/// Percent-encodes everything but unreserved characters (RFC 3986), spaces as %20.
std::string url_encode(std::string_view s);
/// Parses "a=1&b=2" into decoded pairs ('+' as space).
std::vector<std::pair<std::string, std::string>> parse_urlencoded(std::string_view s);
/// Escapes text for HTML element content and attribute values.
std::string html_escape(std::string_view s);

}  // namespace nexsync::http
