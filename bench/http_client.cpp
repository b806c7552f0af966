#include "bench/http_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <regex>

namespace nexsync::bench {

namespace bhttp = boost::beast::http;

reply http_client::request(const std::string& method, const std::string& target, const std::string& body,
                           const std::map<std::string, std::string>& headers, std::chrono::seconds timeout) {
  boost::asio::io_context io;
  boost::beast::tcp_stream stream{io};
  stream.expires_after(timeout);
  stream.connect({boost::asio::ip::make_address(host_), port_});
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, host_ + ":" + std::to_string(port_));
  std::string cookie_header;
  for (auto& [k, v] : cookies) cookie_header += (cookie_header.empty() ? "" : "; ") + k + "=" + v;
  if (!cookie_header.empty()) req.set(bhttp::field::cookie, cookie_header);
  for (auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  stream.expires_after(timeout);
  bhttp::write(stream, req);
  boost::beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  // tcp_stream's timeout applies to async operations only; run the read asynchronously.
  boost::beast::error_code read_ec;
  bhttp::async_read(stream, buffer, parser, [&read_ec](boost::beast::error_code ec, std::size_t) { read_ec = ec; });
  io.run();
  if (read_ec) throw boost::system::system_error(read_ec, method + " " + target);
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

std::string http_client::encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string http_client::extract(const std::string& text, const std::string& pattern) {
  std::smatch m;
  return std::regex_search(text, m, std::regex(pattern)) ? m[1].str() : std::string{};
}

void http_client::remember_cookie(const std::string& line) {
  auto eq = line.find('=');
  auto semi = line.find(';');
  if (eq == std::string::npos) return;
  auto name = line.substr(0, eq);
  auto value = line.substr(eq + 1, semi == std::string::npos ? std::string::npos : semi - eq - 1);
  if (value.empty() || line.find("Max-Age=0") != std::string::npos) cookies.erase(name);
  else cookies[name] = value;
}

}  // namespace nexsync::bench
