#include "tests/support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cctype>

namespace nexsync::test {

reply http_client::request(const std::string& method, const std::string& target, const std::string& body,
                          const std::map<std::string, std::string>& headers) {
  namespace bhttp = boost::beast::http;
  boost::asio::io_context io;
  boost::beast::tcp_stream stream{io};
  stream.connect({boost::asio::ip::make_address(host_), port_});
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, host_ + ":" + std::to_string(port_));
  std::string cookie_header;
  for (auto& [k, v] : cookies) cookie_header += (cookie_header.empty() ? "" : "; ") + k + "=" + v;
  if (!cookie_header.empty()) req.set(bhttp::field::cookie, cookie_header);
  for (auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  bhttp::write(stream, req);
  boost::beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  bhttp::read(stream, buffer, parser);
  auto res = parser.release();
  reply out;
  out.status = res.result_int();
  out.body = res.body();
  for (auto& f : res) {
    std::string name{f.name_string()};
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value{f.value()};
    if (name == "set-cookie") remember_cookie(value);
    auto& slot = out.headers[name];
    slot += (slot.empty() ? "" : "\n") + value;
  }
  boost::beast::error_code ec;
  stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  return out;
}

}  // namespace nexsync::test
