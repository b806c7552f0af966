#pragma once
// Shopify operations nexsync performs, over an http_transport: probe a shop, exchange an OAuth code,
// refresh a token, run a GraphQL document, revoke. The request builders and the reply readers are
// pure functions (declared below) so they can be tested without sockets.

#include "shopify/http_transport.hpp"
#include "shopify/throttle.hpp"
#include "shopify/token_response.hpp"

#include <boost/assert/source_location.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace nexsync::shopify {

/// Why an operation failed, in terms the caller acts on.
enum class client_error_kind {
  transport,     ///< could not connect, TLS failure, timeout, truncated reply
  not_found,     ///< 404: no such shop (or endpoint)
  unauthorized,  ///< 401/403: token missing, expired or revoked
  rejected,      ///< 400/422: Shopify refused the request (bad code, bad refresh token, wrong secret)
  throttled,     ///< 429 (retry_after set)
  server,        ///< 5xx
  bad_response,  ///< a reply we could not read (not JSON, missing fields)
};

/// An operation's failure: kind, HTTP status (0 for transport), a log-safe message (never a token).
struct client_error {
  client_error_kind kind = client_error_kind::transport;
  unsigned status = 0;
  std::string message;
  std::optional<std::chrono::milliseconds> retry_after;  ///< from a 429's Retry-After
};

/// Writes the error's message (for test output and logs; it never holds a token).
std::ostream& operator<<(std::ostream& os, const client_error& e);

/// Lets result<T, client_error>::value() throw std::runtime_error with the message.
[[noreturn]] void throw_exception_from_error(const client_error& e, const boost::source_location& loc);

/// A value or the reason the operation failed.
template <class T>
using client_result = boost::system::result<T, client_error>;

/// The app's credentials as Shopify issued them.
struct app_credentials {
  std::string api_key;     ///< client id
  std::string api_secret;  ///< client secret
};

/// A parsed GraphQL reply (HTTP 200): the whole body, its cost extension and top-level errors.
/// THROTTLED and other GraphQL-level errors arrive here, not as client_error: the caller decides.
struct graphql_reply {
  boost::json::value body;           ///< `{"data": …, "errors": …, "extensions": …}`
  std::optional<query_cost> cost;    ///< extensions.cost, if present
  std::vector<graphql_error> errors; ///< top-level errors (empty on success)
};

/// Where a shop lives: the shop URL template with `{shop}` replaced (e.g.
/// `https://acme.myshopify.com`, or `http://127.0.0.1:PORT/shops/acme` for the simulator).
std::string shop_base_url(std::string_view url_template, std::string_view subdomain);

/// GET {base}/admin: the probe that a shop exists.
http_call probe_call(std::string_view base_url);
/// POST {base}/admin/oauth/access_token with the code and `expiring: "1"` (JSON).
http_call code_exchange_call(std::string_view base_url, const app_credentials& app, std::string_view code);
/// POST {base}/admin/oauth/access_token with the refresh grant (JSON).
http_call refresh_call(std::string_view base_url, const app_credentials& app, std::string_view refresh_token);
/// POST {base}/admin/api/{version}/graphql.json with the token header and `{query, variables}`.
http_call graphql_call(std::string_view base_url, std::string_view api_version, std::string_view token,
                       std::string_view query, const boost::json::object& variables);
/// DELETE {base}/admin/api_permissions/current.json with the token header.
http_call revoke_call(std::string_view base_url, std::string_view token);
/// GET of a file URL Shopify handed out (a bulk operation's result). The URL is signed and points at
/// Shopify's storage, not at the shop: no access token goes with it.
http_call download_call(std::string_view url);

/// Maps a non-2xx reply to an error (kind by status, Shopify's message if the body has one).
client_error status_error(const http_reply& reply, std::string_view operation);
/// Reads a token endpoint reply (2xx: the token; otherwise the error).
client_result<token_response> read_token_reply(const http_reply& reply, std::string_view operation);
/// Reads a GraphQL endpoint reply.
client_result<graphql_reply> read_graphql_reply(const http_reply& reply);

/// The operations, for one app against shops addressed by a URL template.
class admin_client {
 public:
  /// transport must outlive the client.
  admin_client(http_transport& transport, app_credentials app, std::string shop_url_template, std::string api_version);

  /// The base URL of a shop subdomain.
  std::string base_url(std::string_view subdomain) const { return shop_base_url(template_, subdomain); }

  /// True if the shop exists, false if Shopify answers 404.
  boost::asio::awaitable<client_result<bool>> shop_exists(std::string subdomain);
  /// Exchanges an authorization code for an expiring offline token.
  boost::asio::awaitable<client_result<token_response>> exchange_code(std::string subdomain, std::string code);
  /// Exchanges a refresh token for a new access/refresh pair.
  boost::asio::awaitable<client_result<token_response>> refresh(std::string subdomain, std::string refresh_token);
  /// Runs one GraphQL document with the token.
  boost::asio::awaitable<client_result<graphql_reply>> graphql(std::string subdomain, std::string token, std::string query,
                                                               boost::json::object variables = {});
  /// Revokes the token (and with it the app's access to the shop).
  boost::asio::awaitable<client_result<void>> revoke(std::string subdomain, std::string token);
  /// Streams the file at `url` (download_call) into sink, at most max_bytes; the number of bytes received.
  /// Over the limit: bad_response; a refused or expired URL: the status's kind (403: unauthorized).
  boost::asio::awaitable<client_result<std::uint64_t>> download(std::string url, std::size_t max_bytes, body_sink sink);

 private:
  http_transport& transport_;
  app_credentials app_;
  std::string template_;
  std::string version_;
};

}  // namespace nexsync::shopify
