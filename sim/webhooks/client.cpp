#include "sim/webhooks/client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

namespace nexsync::sim::webhooks {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::ip::tcp;

asio::awaitable<post_result> post(std::string url, std::vector<std::pair<std::string, std::string>> headers, std::string body,
                                  std::chrono::milliseconds connect_timeout, std::chrono::milliseconds total_timeout) {
  constexpr auto use = asio::as_tuple(asio::use_awaitable);
  post_result out;
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    out.error = "invalid url";
    co_return out;
  }
  if (parsed->scheme() != "http") {
    out.error = "unsupported scheme (shopify-sim delivers over plain http)";
    co_return out;
  }
  std::string host(parsed->host_address());
  if (!host.empty() && host.front() == '[') host = host.substr(1, host.size() - 2);
  std::string port = parsed->has_port() ? std::string(parsed->port()) : "80";
  std::string target(parsed->encoded_target());
  if (target.empty()) target = "/";

  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  auto [rec, results] = co_await resolver.async_resolve(host, port, use);
  if (rec) {
    out.error = "resolve failed: " + rec.message();
    co_return out;
  }
  beast::tcp_stream stream(executor);
  auto deadline = std::chrono::steady_clock::now() + total_timeout;
  stream.expires_after(std::min(connect_timeout, total_timeout));
  auto [cec, ep] = co_await stream.async_connect(results, use);
  if (cec) {
    out.error = cec == beast::error::timeout ? "connect timeout" : "connect failed: " + cec.message();
    co_return out;
  }
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, target, 11};
  req.set(bhttp::field::host, std::string(parsed->encoded_host_and_port()));
  req.set(bhttp::field::user_agent, "Shopify-Captain-Hook");
  req.set(bhttp::field::content_type, "application/json");
  req.set(bhttp::field::accept, "*/*");
  for (auto& [k, v] : headers) req.set(k, v);
  req.body() = std::move(body);
  req.keep_alive(false);
  req.prepare_payload();
  stream.expires_at(deadline);
  auto [wec, wn] = co_await bhttp::async_write(stream, req, use);
  if (wec) {
    out.error = wec == beast::error::timeout ? "timeout" : "write failed: " + wec.message();
    co_return out;
  }
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(1024 * 1024);
  auto [hec, hn] = co_await bhttp::async_read(stream, buffer, parser, use);
  if (hec) {
    out.error = hec == beast::error::timeout ? "timeout" : "read failed: " + hec.message();
    co_return out;
  }
  out.status = parser.get().result_int();
  beast::error_code ignore;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignore);
  co_return out;
}

}  // namespace nexsync::sim::webhooks
