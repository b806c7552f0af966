#pragma once
// A blocking HTTP/1.1 client for integration tests, with a cookie jar and helpers to sign in.

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cctype>
#include <cstdio>
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

  /// One request on a fresh connection (tests/support/http_client.cpp: Beast is compiled there once,
  /// not in every test file that includes this header).
  reply request(const std::string& method, const std::string& target, const std::string& body = {},
                const std::map<std::string, std::string>& headers = {});

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
