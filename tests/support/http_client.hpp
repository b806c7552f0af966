#pragma once
// A blocking HTTP/1.1 client for integration tests, with a cookie jar and helpers to sign in.

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <map>
#include <regex>
#include <string>

namespace nexsync::test {

/// One response as the test sees it.
struct reply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; Set-Cookie lines joined by "\n"
  std::string body;
  boost::json::value json() const { return boost::json::parse(body); }
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string{} : it->second;
  }
};

/// A browser-like client: keeps cookies, does not follow redirects.
class http_client {
 public:
  http_client(std::string host, unsigned short port) : host_(std::move(host)), port_(port) {}

  reply request(const std::string& method, const std::string& target, const std::string& body = {},
                const std::map<std::string, std::string>& headers = {}) {
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

  reply get(const std::string& target) { return request("GET", target); }

  /// A form POST (application/x-www-form-urlencoded).
  reply post_form(const std::string& target, const std::string& form) {
    return request("POST", target, form, {{"Content-Type", "application/x-www-form-urlencoded"}});
  }

  /// A JSON call carrying the CSRF token as the browser's fetch does.
  reply send_json(const std::string& method, const std::string& target, const std::string& json) {
    return request(method, target, json, {{"Content-Type", "application/json"}, {"X-CSRF-Token", csrf}});
  }

  /// Signs in through the login form; stores the page's CSRF token in `csrf`. Returns the POST's reply.
  reply login(const std::string& email, const std::string& password) {
    auto form = get("/login");
    auto token = extract(form.body, R"(name="csrf" value="([^"]+)\")");
    auto res = post_form("/login", "csrf=" + token + "&email=" + encode(email) + "&password=" + encode(password) + "&next=/");
    if (res.status == 303) csrf = extract(get("/").body, R"(<meta name="csrf-token" content="([^"]*)\")");
    return res;
  }

  static std::string extract(const std::string& text, const std::string& pattern) {
    std::smatch m;
    return std::regex_search(text, m, std::regex(pattern)) ? m[1].str() : std::string{};
  }

  static std::string encode(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out.push_back(static_cast<char>(c));
      else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", c);
        out += buf;
      }
    }
    return out;
  }

  std::map<std::string, std::string> cookies;
  std::string csrf;

 private:
  void remember_cookie(const std::string& line) {
    auto eq = line.find('=');
    auto semi = line.find(';');
    if (eq == std::string::npos) return;
    auto name = line.substr(0, eq);
    auto value = line.substr(eq + 1, semi == std::string::npos ? std::string::npos : semi - eq - 1);
    if (value.empty() || line.find("Max-Age=0") != std::string::npos) cookies.erase(name);
    else cookies[name] = value;
  }

  std::string host_;
  unsigned short port_;
};

}  // namespace nexsync::test
