#include "app/session.hpp"

#include "app/pages.hpp"
#include "auth/session_token.hpp"
#include "log/log.hpp"

#include <boost/asio/use_awaitable.hpp>

namespace nexsync::app {

namespace {

bool changes_state(const http::request& req) {
  return req.method != "GET" && req.method != "HEAD" && req.method != "OPTIONS";
}

http::response unavailable_response(bool json) {
  constexpr auto message = "The database is not reachable right now; please try again in a moment.";
  auto res = json ? http::response::json_error(503, "database_unavailable", message)
                  : error_page(503, "Temporarily unavailable", message);
  res.set_header("Retry-After", "5");
  return res;
}

// Runs a handler, turning a database outage into a 503 instead of a generic 500.
boost::asio::awaitable<http::response> guarded(context& ctx, http::request& req, bool json, const authed_handler& h) {
  try {
    auto session = co_await current_session(ctx, req);
    if (!session) {
      if (json) co_return http::response::json_error(401, "not_signed_in", "Please sign in first.");
      auto next = req.method == "GET" ? req.target : std::string{"/"};
      co_return http::response::redirect("/login?next=" + http::url_encode(next));
    }
    if (changes_state(req) && !csrf_ok(req, *session)) {
      constexpr auto message = "This form has expired or did not come from nexsync. Reload the page and try again.";
      if (json) co_return http::response::json_error(403, "csrf_failed", message);
      co_return error_page(403, "Please try again", message, &*session);
    }
    co_return co_await h(req, *session);
  } catch (const storage::unavailable& e) {
    log::warn("app", "database unavailable", {{"request_id", req.request_id}, {"error", e.what()}});
  }
  co_return unavailable_response(json);
}

}  // namespace

boost::asio::awaitable<std::optional<storage::session_row>> current_session(context& ctx, const http::request& req) {
  auto token = req.cookie(session_cookie_name);
  if (!token || token->empty() || token->size() > 100) co_return std::nullopt;
  auto hash = auth::token_hash(*token);
  auto idle = ctx.settings.session_idle_minutes * 60;
  auto lookup = [hash, idle](storage::connection& c) { return storage::find_session(c, hash, idle); };
  co_return co_await ctx.db->query(lookup);
}

bool csrf_ok(const http::request& req, const storage::session_row& s) {
  if (auto header = req.header("X-CSRF-Token")) return auth::csrf_matches(s.csrf_token, *header);
  auto type = req.header("Content-Type").value_or("");
  if (type.starts_with("application/x-www-form-urlencoded"))
    return auth::csrf_matches(s.csrf_token, req.form_param("csrf").value_or(""));
  return false;
}

http::handler page(context& ctx, authed_handler h) {
  return [&ctx, h = std::move(h)](http::request& req) { return guarded(ctx, req, false, h); };
}

http::handler api(context& ctx, authed_handler h) {
  return [&ctx, h = std::move(h)](http::request& req) { return guarded(ctx, req, true, h); };
}

bool can_manage_integrations(const storage::session_row& s) {
  return s.role == "owner" || s.role == "integration_manager";
}

}  // namespace nexsync::app
