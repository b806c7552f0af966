#pragma once
// Server-rendered pages: a body template inside the shared layout, and the embedded static assets.

#include "http/message.hpp"
#include "storage/accounts_repo.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string_view>

namespace nexsync::app {

/// Renders templates/<name>.html with context inside the layout (nav, account, CSRF meta tag).
/// nav names the active section ("inventory", "customers", ...).
http::response render_page(std::string_view name, std::string_view title, boost::json::object context,
                           const storage::session_row* session, std::string_view nav = {}, unsigned status = 200);

/// A page explaining an error to a person.
http::response error_page(unsigned status, std::string_view heading, std::string_view message,
                          const storage::session_row* session = nullptr);

/// The user's details as template context (email, tenant_name, role, role_label, csrf).
boost::json::object user_context(const storage::session_row& session);

/// A static asset (path under /static/), or nullopt.
std::optional<http::response> static_asset(std::string_view path);

}  // namespace nexsync::app
