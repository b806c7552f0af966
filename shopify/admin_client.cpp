#include "shopify/admin_client.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <memory>

#include <ostream>
#include <stdexcept>

namespace nexsync::shopify {

namespace {

std::string_view strip_slash(std::string_view s) {
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return s;
}

client_error_kind kind_of(unsigned status) {
  if (status == 404) return client_error_kind::not_found;
  if (status == 401 || status == 403) return client_error_kind::unauthorized;
  if (status == 429) return client_error_kind::throttled;
  if (status >= 500) return client_error_kind::server;
  return client_error_kind::rejected;
}

// Shopify's error bodies: {"error":"invalid_request","error_description":"…"} (OAuth) or
// {"errors":"…"} / {"errors":[…]} (Admin API). Only short descriptive text is kept; never tokens.
std::string shopify_message(std::string_view body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  auto& o = v.get_object();
  std::string out;
  if (auto* e = o.if_contains("error"); e && e->is_string()) out = std::string{e->get_string()};
  if (auto* d = o.if_contains("error_description"); d && d->is_string())
    out += (out.empty() ? "" : ": ") + std::string{d->get_string()};
  if (auto* e = o.if_contains("errors"); out.empty() && e && e->is_string()) out = std::string{e->get_string()};
  if (out.size() > 200) out.resize(200);
  return out;
}

client_error transport_error(const boost::system::error_code& ec, std::string_view operation) {
  return client_error{client_error_kind::transport, 0, std::string{operation} + ": " + ec.message(), std::nullopt};
}

const std::pair<std::string, std::string> json_type{"Content-Type", "application/json"};
const std::pair<std::string, std::string> json_accept{"Accept", "application/json"};

}  // namespace

std::ostream& operator<<(std::ostream& os, const client_error& e) { return os << e.message; }

void throw_exception_from_error(const client_error& e, const boost::source_location&) {
  throw std::runtime_error("shopify: " + e.message);
}

std::string shop_base_url(std::string_view url_template, std::string_view subdomain) {
  std::string out{strip_slash(url_template)};
  for (auto at = out.find("{shop}"); at != std::string::npos; at = out.find("{shop}", at + subdomain.size()))
    out.replace(at, 6, subdomain);
  return out;
}

http_call probe_call(std::string_view base_url) {
  return http_call{"GET", std::string{base_url} + "/admin", {{"Accept", "text/html"}}, {}};
}

http_call code_exchange_call(std::string_view base_url, const app_credentials& app, std::string_view code) {
  boost::json::object body{{"client_id", app.api_key}, {"client_secret", app.api_secret}, {"code", code}, {"expiring", "1"}};
  return http_call{"POST", std::string{base_url} + "/admin/oauth/access_token", {json_type, json_accept},
                   boost::json::serialize(body)};
}

http_call refresh_call(std::string_view base_url, const app_credentials& app, std::string_view refresh_token) {
  boost::json::object body{{"client_id", app.api_key},
                           {"client_secret", app.api_secret},
                           {"grant_type", "refresh_token"},
                           {"refresh_token", refresh_token}};
  return http_call{"POST", std::string{base_url} + "/admin/oauth/access_token", {json_type, json_accept},
                   boost::json::serialize(body)};
}

http_call graphql_call(std::string_view base_url, std::string_view api_version, std::string_view token,
                       std::string_view query, const boost::json::object& variables) {
  boost::json::object body{{"query", query}, {"variables", variables}};
  return http_call{"POST",
                   std::string{base_url} + "/admin/api/" + std::string{api_version} + "/graphql.json",
                   {json_type, json_accept, {"X-Shopify-Access-Token", std::string{token}}},
                   boost::json::serialize(body)};
}

http_call revoke_call(std::string_view base_url, std::string_view token) {
  return http_call{"DELETE", std::string{base_url} + "/admin/api_permissions/current.json",
                   {json_accept, {"X-Shopify-Access-Token", std::string{token}}}, {}};
}

http_call download_call(std::string_view url) { return http_call{"GET", std::string{url}, {}, {}}; }

client_error status_error(const http_reply& reply, std::string_view operation) {
  client_error e{kind_of(reply.status), reply.status,
                 std::string{operation} + ": HTTP " + std::to_string(reply.status), std::nullopt};
  if (auto detail = shopify_message(reply.body); !detail.empty()) e.message += " (" + detail + ")";
  if (reply.status == 429)
    if (auto h = reply.header("Retry-After")) e.retry_after = parse_retry_after(*h);
  return e;
}

client_result<token_response> read_token_reply(const http_reply& reply, std::string_view operation) {
  if (reply.status < 200 || reply.status >= 300) return status_error(reply, operation);
  auto parsed = parse_token_response(reply.body);
  if (!parsed) return client_error{client_error_kind::bad_response, reply.status, parsed.error().message, std::nullopt};
  return std::move(*parsed);
}

client_result<graphql_reply> read_graphql_reply(const http_reply& reply) {
  if (reply.status < 200 || reply.status >= 300) return status_error(reply, "graphql");
  boost::system::error_code ec;
  auto body = boost::json::parse(reply.body, ec);
  if (ec || !body.is_object())
    return client_error{client_error_kind::bad_response, reply.status, "graphql: the reply is not a JSON object", std::nullopt};
  graphql_reply out;
  out.cost = parse_query_cost(body);
  out.errors = parse_errors(body);
  out.body = std::move(body);
  return out;
}

admin_client::admin_client(http_transport& transport, app_credentials app, std::string shop_url_template,
                           std::string api_version)
    : transport_(transport), app_(std::move(app)), template_(std::move(shop_url_template)), version_(std::move(api_version)) {}

boost::asio::awaitable<client_result<bool>> admin_client::shop_exists(std::string subdomain) {
  auto call = probe_call(base_url(subdomain));
  auto reply = co_await transport_.send(std::move(call));
  if (!reply) co_return transport_error(reply.error(), "shop probe");
  if (reply->status == 404) co_return false;
  if (reply->status >= 200 && reply->status < 400) co_return true;
  co_return status_error(*reply, "shop probe");
}

boost::asio::awaitable<client_result<token_response>> admin_client::exchange_code(std::string subdomain, std::string code) {
  auto call = code_exchange_call(base_url(subdomain), app_, code);
  auto reply = co_await transport_.send(std::move(call));
  if (!reply) co_return transport_error(reply.error(), "code exchange");
  co_return read_token_reply(*reply, "code exchange");
}

boost::asio::awaitable<client_result<token_response>> admin_client::refresh(std::string subdomain, std::string refresh_token) {
  auto call = refresh_call(base_url(subdomain), app_, refresh_token);
  auto reply = co_await transport_.send(std::move(call));
  if (!reply) co_return transport_error(reply.error(), "token refresh");
  co_return read_token_reply(*reply, "token refresh");
}

boost::asio::awaitable<client_result<graphql_reply>> admin_client::graphql(std::string subdomain, std::string token,
                                                                           std::string query, boost::json::object variables) {
  auto call = graphql_call(base_url(subdomain), version_, token, query, variables);
  auto reply = co_await transport_.send(std::move(call));
  if (!reply) co_return transport_error(reply.error(), "graphql");
  co_return read_graphql_reply(*reply);
}

boost::asio::awaitable<client_result<void>> admin_client::revoke(std::string subdomain, std::string token) {
  auto call = revoke_call(base_url(subdomain), token);
  auto reply = co_await transport_.send(std::move(call));
  if (!reply) co_return transport_error(reply.error(), "revoke");
  if (reply->status >= 200 && reply->status < 300) co_return client_result<void>{};
  co_return status_error(*reply, "revoke");
}

boost::asio::awaitable<client_result<std::uint64_t>> admin_client::download(std::string url, std::size_t max_bytes,
                                                                             body_sink sink) {
  // Counted here, whatever the transport: the sink runs on the transport's thread, the count is read after.
  auto received = std::make_shared<std::atomic<std::uint64_t>>(0);
  body_sink counting = [received, sink = std::move(sink)](std::string_view piece) {
    *received += piece.size();
    return sink(piece);
  };
  auto call = download_call(url);
  auto reply = co_await transport_.download(std::move(call), max_bytes, std::move(counting));
  if (!reply && reply.error() == boost::beast::http::error::body_limit)
    co_return client_error{client_error_kind::bad_response, 0,
                           "download: the file is larger than " + std::to_string(max_bytes / (1024 * 1024)) + " MB",
                           std::nullopt};
  if (!reply) co_return transport_error(reply.error(), "download");
  if (reply->status < 200 || reply->status >= 300) co_return status_error(*reply, "download");
  co_return received->load();
}

}  // namespace nexsync::shopify
