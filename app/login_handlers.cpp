#include "app/login_handlers.hpp"

#include "app/pages.hpp"
#include "app/session.hpp"
#include "auth/password.hpp"
#include "auth/session_token.hpp"
#include "log/log.hpp"

#include <boost/asio/use_awaitable.hpp>

namespace nexsync::app {

namespace {

constexpr std::string_view login_csrf_cookie = "nexsync_login_csrf";

// Only local paths: "/inventory?x" yes; "//evil.com", "/\evil.com" or "https://…" no. Printable ASCII
// only, no backslash: the value becomes a Location header ("\r\n" would start a header of its own) and
// browsers drop tabs and newlines from URLs ("/\t/evil.com" would be "//evil.com").
std::string safe_next(std::string_view next) {
  bool local = next.size() > 1 && next.size() < 2000 && next.front() == '/' && next[1] != '/';
  for (char ch : next) {
    auto byte = static_cast<unsigned char>(ch);
    if (byte <= 0x20 || byte >= 0x7f || ch == '\\') local = false;
  }
  return local ? std::string{next} : "/";
}

http::response login_form(context& ctx, unsigned status, std::string_view error, std::string_view email,
                          std::string_view next) {
  auto token = auth::new_token();
  auto res = render_page("login", "Sign in",
                         {{"login_csrf", token}, {"error", error}, {"email_value", email}, {"next", safe_next(next)}},
                         nullptr, {}, status);
  res.add_header("Set-Cookie", auth::session_cookie(login_csrf_cookie, token, 3600, ctx.secure_cookies()));
  return res;
}

struct login_outcome {
  bool ok = false;
  std::string token;
};

boost::asio::awaitable<http::response> show_login(context& ctx, http::request& req) {
  // (Bound to a variable first: g++ 12 miscompiles co_await inside an if condition.)
  auto session = co_await current_session(ctx, req);
  if (session) co_return http::response::redirect("/");
  co_return login_form(ctx, 200, {}, {}, req.query_param("next").value_or("/"));
}

boost::asio::awaitable<http::response> submit_login(context& ctx, http::request& req) {
  auto email = req.form_param("email").value_or("");
  auto password = req.form_param("password").value_or("");
  auto next = req.form_param("next").value_or("/");
  auto cookie = req.cookie(login_csrf_cookie).value_or("");
  if (!auth::csrf_matches(cookie, req.form_param("csrf").value_or("")))
    co_return login_form(ctx, 403, "This sign-in form expired. Please try again.", email, next);
  if (email.empty() || password.empty() || email.size() > 254 || password.size() > 200)
    co_return login_form(ctx, 400, "Enter your email and password.", email, next);

  auto now = auth::login_limiter::clock::now();
  std::string email_key = "email:";
  for (char c : email) email_key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  auto ip_key = "ip:" + req.remote_address;
  // The attempt counts before the password is checked (see login_limiter) and is withdrawn if it succeeds.
  bool allowed = ctx.login_by_email.try_attempt(email_key, now);
  if (allowed && !ctx.login_by_ip.try_attempt(ip_key, now)) {
    ctx.login_by_email.withdraw(email_key, now);
    allowed = false;
  }
  if (!allowed) {
    log::warn("auth", "login rate limited", {{"request_id", req.request_id}, {"ip", req.remote_address}});
    co_return login_form(ctx, 429, "Too many failed sign-ins. Wait 15 minutes and try again.", email, next);
  }

  auto absolute = ctx.settings.session_absolute_hours * 3600;
  login_outcome outcome;
  try {
    auto sign_in = [email, password, absolute](storage::connection& c) {
          auto user = storage::find_user_by_email(c, email);
          // Hash even for unknown emails so response time does not reveal which accounts exist.
          static const std::string decoy = auth::hash_password("decoy password for timing");
          bool ok = auth::verify_password(user ? user->password_hash : decoy, password) && user.has_value();
          if (!ok) return login_outcome{};
          auto token = auth::new_token();
          storage::create_session(c, auth::token_hash(token), user->id, user->tenant_id, auth::new_token(), absolute);
          return login_outcome{true, token};
        };
    outcome = co_await ctx.db->query(sign_in);
  } catch (const storage::unavailable&) {
    ctx.login_by_email.withdraw(email_key, now);  // not a guess: nothing was checked
    ctx.login_by_ip.withdraw(ip_key, now);
    co_return login_form(ctx, 503, "The database is not reachable right now; please try again in a moment.", email, next);
  }
  if (!outcome.ok) {
    log::info("auth", "login failed", {{"request_id", req.request_id}, {"ip", req.remote_address}});
    co_return login_form(ctx, 401, "Wrong email or password.", email, next);
  }
  ctx.login_by_email.succeeded(email_key);
  ctx.login_by_ip.withdraw(ip_key, now);  // an office signing in all day is not guessing
  log::info("auth", "login", {{"request_id", req.request_id}});
  auto res = http::response::redirect(safe_next(next));
  res.add_header("Set-Cookie", auth::session_cookie(session_cookie_name, outcome.token, absolute, ctx.secure_cookies()));
  res.add_header("Set-Cookie", auth::expired_cookie(login_csrf_cookie, ctx.secure_cookies()));
  co_return res;
}

boost::asio::awaitable<http::response> logout(context& ctx, http::request& req, const storage::session_row&) {
  auto hash = auth::token_hash(req.cookie(session_cookie_name).value_or(""));
  auto end_session = [hash](storage::connection& c) { storage::delete_session(c, hash); };
  co_await ctx.db->query(end_session);
  auto res = http::response::redirect("/login");
  res.add_header("Set-Cookie", auth::expired_cookie(session_cookie_name, ctx.secure_cookies()));
  co_return res;
}

}  // namespace

void add_login_routes(http::router& r, context& ctx) {
  r.add("GET", "/login", [&ctx](http::request& req) { return show_login(ctx, req); });
  r.add("POST", "/login", [&ctx](http::request& req) { return submit_login(ctx, req); });
  r.add("POST", "/logout", page(ctx, [&ctx](http::request& req, const storage::session_row& s) { return logout(ctx, req, s); }));
}

}  // namespace nexsync::app
