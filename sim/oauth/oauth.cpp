// OAuth endpoints of a shop: consent screen, install redirect, token exchange and refresh, revocation.

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "sim/app.hpp"
#include "sim/oauth/signing.hpp"
#include "sim/store/time.hpp"

#include <boost/json/parse.hpp>

namespace nexsync::sim {

namespace json = boost::json;

namespace {

http::response error_page(unsigned status, const std::string& title, const std::string& detail) {
  return http::response::html(status, "<!DOCTYPE html><html><head><title>" + http::html_escape(title) +
                                          "</title></head><body><h1>Oops, something went wrong.</h1><p>" +
                                          http::html_escape(title) + "</p><p>" + http::html_escape(detail) +
                                          "</p></body></html>");
}

http::response oauth_error(const std::string& description, const char* code = "invalid_request") {
  return http::response::json(400, json::object{{"error", code}, {"error_description", description}});
}

std::optional<std::string> param(const std::vector<std::pair<std::string, std::string>>& ps, std::string_view k) {
  for (const auto& [a, b] : ps)
    if (a == k) return b;
  return std::nullopt;
}

}  // namespace

http::response app::oauth_authorize(store::shop& s, http::request& req) {
  auto ps = req.query_params();
  std::string client_id = param(ps, "client_id").value_or("");
  std::string redirect = param(ps, "redirect_uri").value_or("");
  std::string scope = param(ps, "scope").value_or("");
  std::string state = param(ps, "state").value_or("");
  if (client_id != cfg_.app_key) return error_page(400, "Oauth error invalid_request: The client_id is invalid", "Unknown app: " + client_id);
  if (redirect.empty() || !webhook_uri_allowed(redirect))
    return error_page(400, "Oauth error invalid_request: The redirect_uri is not whitelisted",
                      "The redirect URI must be under the app URL " + cfg_.app_url + ".");
  std::string granted = normalize_scopes(scope);
  std::string items;
  std::string cur;
  for (char c : granted + ",") {
    if (c == ',') {
      if (!cur.empty()) items += "<li>" + http::html_escape(cur) + "</li>";
      cur.clear();
    } else {
      cur += c;
    }
  }
  auto hidden = [](const char* n, const std::string& v) {
    return std::string("<input type=\"hidden\" name=\"") + n + "\" value=\"" + http::html_escape(v) + "\">";
  };
  std::string html =
      "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Install app - " + http::html_escape(s.domain()) +
      "</title></head><body><main><h1>Install nexsync</h1>"
      "<p>Shop: <strong id=\"shop\">" + http::html_escape(s.domain()) + "</strong></p>"
      "<p>nexsync is requesting access to:</p><ul id=\"scopes\">" + items + "</ul>"
      "<form method=\"post\" action=\"" + http::html_escape(req.path) + "\">" +
      hidden("client_id", client_id) + hidden("scope", scope) + hidden("redirect_uri", redirect) + hidden("state", state) +
      "<button type=\"submit\" id=\"install\">Install app</button></form></main></body></html>";
  return http::response::html(200, html);
}

http::response app::oauth_install(store::shop& s, http::request& req) {
  auto ps = req.form_params();
  if (ps.empty()) ps = req.query_params();
  std::string client_id = param(ps, "client_id").value_or("");
  std::string redirect = param(ps, "redirect_uri").value_or("");
  std::string scope = param(ps, "scope").value_or("");
  std::string state = param(ps, "state").value_or("");
  if (client_id != cfg_.app_key) return error_page(400, "Oauth error invalid_request: The client_id is invalid", "Unknown app.");
  if (redirect.empty() || !webhook_uri_allowed(redirect))
    return error_page(400, "Oauth error invalid_request: The redirect_uri is not whitelisted", "Bad redirect URI.");
  std::string code = crypto::random_hex(16);
  auto over = granted_override_.find(s.number);
  codes_[code] = code_info{s.number, over != granted_override_.end() ? over->second : normalize_scopes(scope),
                           std::chrono::steady_clock::now() + std::chrono::seconds(60), redirect};
  std::vector<std::pair<std::string, std::string>> q{
      {"code", code},
      {"host", crypto::base64_encode(s.domain() + "/admin")},
      {"shop", s.domain()},
      {"state", state},
      {"timestamp", std::to_string(store::now_seconds())},
  };
  std::string hmac = oauth::sign_query(q, cfg_.app_secret);
  q.insert(q.begin() + 1, {"hmac", hmac});
  std::string location = redirect + (redirect.find('?') == std::string::npos ? "?" : "&");
  for (std::size_t i = 0; i < q.size(); ++i)
    location += (i ? "&" : "") + oauth::form_encode(q[i].first) + "=" + oauth::form_encode(q[i].second);
  return http::response::redirect(location, 302);
}

http::response app::oauth_token(store::shop& s, http::request& req) {
  std::vector<std::pair<std::string, std::string>> ps;
  auto ct = req.header("Content-Type").value_or("");
  if (ct.find("json") != std::string_view::npos) {
    boost::system::error_code ec;
    json::value v = json::parse(req.body, ec);
    if (ec || !v.is_object()) return oauth_error("The request body is not valid JSON.");
    for (const auto& kv : v.as_object()) {
      if (kv.value().is_string()) ps.emplace_back(kv.key(), std::string(kv.value().as_string()));
      else if (kv.value().is_number()) ps.emplace_back(kv.key(), std::to_string(kv.value().to_number<long long>()));
      else if (kv.value().is_bool()) ps.emplace_back(kv.key(), kv.value().as_bool() ? "1" : "0");
    }
  } else {
    ps = req.form_params();
    if (ps.empty()) ps = req.query_params();
  }
  std::string client_id = param(ps, "client_id").value_or("");
  std::string secret = param(ps, "client_secret").value_or("");
  if (client_id.empty() || secret.empty()) return oauth_error("Missing client_id or client_secret.");
  if (client_id != cfg_.app_key || secret != cfg_.app_secret)
    return oauth_error("Client authentication failed: invalid client_id or client_secret.", "invalid_client");
  const store::seconds now = store::now_seconds();
  auto issue_pair = [&](const std::string& scopes, const std::string& predecessor) {
    std::string access = issue_token(s, scopes, true);
    std::string refresh = "shprt_" + crypto::random_hex(16);
    refresh_tokens_[refresh] = token_info{s.number, scopes, now + cfg_.refresh_token_ttl, false, predecessor};
    return json::object{{"access_token", access},
                        {"scope", scopes},
                        {"expires_in", cfg_.access_token_ttl},
                        {"refresh_token", refresh},
                        {"refresh_token_expires_in", cfg_.refresh_token_ttl}};
  };
  std::string grant = param(ps, "grant_type").value_or("");
  if (grant == "refresh_token") {
    std::string rt = param(ps, "refresh_token").value_or("");
    auto it = refresh_tokens_.find(rt);
    if (it == refresh_tokens_.end() || it->second.shop != s.number || it->second.revoked || now >= it->second.expires_at)
      return oauth_error("The refresh token is invalid, expired or revoked.", "invalid_request");
    token_info used = it->second;
    // Using this token retires the one it replaced (which stayed valid until now).
    if (!used.predecessor.empty())
      if (auto p = refresh_tokens_.find(used.predecessor); p != refresh_tokens_.end()) p->second.revoked = true;
    return http::response::json(200, issue_pair(used.scopes, rt));
  }
  if (!grant.empty() && grant != "authorization_code") return oauth_error("Unsupported grant_type.", "unsupported_grant_type");
  std::string code = param(ps, "code").value_or("");
  auto it = codes_.find(code);
  if (code.empty() || it == codes_.end() || it->second.shop != s.number)
    return oauth_error("The authorization code was not found or was already used");
  code_info info = it->second;
  codes_.erase(it);  // single use
  if (std::chrono::steady_clock::now() > info.expires) return oauth_error("The authorization code has expired");
  std::string expiring = param(ps, "expiring").value_or("0");
  if (expiring == "1" || expiring == "true") return http::response::json(200, issue_pair(info.scopes, ""));
  std::string access = issue_token(s, info.scopes, false);
  return http::response::json(200, json::object{{"access_token", access}, {"scope", info.scopes}});
}

http::response app::revoke_permissions(store::shop& s, http::request& req) {
  if (!check_token(s, req))
    return http::response::json(401, json::object{{"errors", "[API] Invalid API key or access token (unrecognized login or wrong password)"}});
  uninstall(s);
  return http::response::json(200, json::object{});
}

}  // namespace nexsync::sim
