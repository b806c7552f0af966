#pragma once
// Who is asking: the session cookie resolved to a user and tenant, and the wrappers that make every
// page and API call require one (and a CSRF token for anything that changes state).

#include "app/context.hpp"
#include "http/server.hpp"
#include "storage/accounts_repo.hpp"

#include <functional>
#include <optional>

namespace nexsync::app {

/// The session cookie's name.
inline constexpr std::string_view session_cookie_name = "nexsync_session";

/// A handler that runs only for a signed-in user; the session names the tenant for every query.
using authed_handler = std::function<boost::asio::awaitable<http::response>(http::request&, const storage::session_row&)>;

/// The session of this request, if its cookie names a live one.
boost::asio::awaitable<std::optional<storage::session_row>> current_session(context& ctx, const http::request& req);

/// A browser page: no session → redirect to /login?next=…; POST without the session's CSRF token
/// (form field `csrf` or header X-CSRF-Token) → 403.
http::handler page(context& ctx, authed_handler h);

/// A JSON API call: no session → 401 JSON; a state-changing method without X-CSRF-Token → 403 JSON.
http::handler api(context& ctx, authed_handler h);

/// Whether this role may connect, disconnect and sync integrations.
bool can_manage_integrations(const storage::session_row& s);

/// Whether the submitted CSRF token (form field or header) matches the session's.
bool csrf_ok(const http::request& req, const storage::session_row& s);

}  // namespace nexsync::app
