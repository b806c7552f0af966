#include "app/pages.hpp"

#include "http/template.hpp"

#include <stdexcept>

namespace nexsync::app {

namespace templates {
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_files();
}
namespace static_files {
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_files();
}

namespace {

std::optional<std::string_view> find_template(std::string_view name) {
  for (auto& [file, text] : templates::embedded_files()) {
    if (file.size() == name.size() + 5 && file.starts_with(name) && file.ends_with(".html")) return text;
  }
  return std::nullopt;
}

std::string_view role_label(std::string_view role) {
  if (role == "owner") return "owner";
  if (role == "integration_manager") return "integration manager";
  return "staff";
}

}  // namespace

boost::json::object user_context(const storage::session_row& s) {
  return {{"email", s.email},
          {"tenant_name", s.tenant_name},
          {"role", s.role},
          {"role_label", role_label(s.role)},
          {"can_manage_integrations", s.role == "owner" || s.role == "integration_manager"}};
}

http::response render_page(std::string_view name, std::string_view title, boost::json::object context,
                           const storage::session_row* session, std::string_view nav, unsigned status) {
  auto body_template = find_template(name);
  if (!body_template) throw std::runtime_error("no template " + std::string{name});
  if (session) {
    context["user"] = user_context(*session);
    context["csrf"] = session->csrf_token;
  }
  auto body = http::render_template(*body_template, context, find_template);
  boost::json::object layout{{"title", title}, {"body", body}};
  if (session) {
    auto user = user_context(*session);
    layout["user"] = user;
    layout["tenant_name"] = session->tenant_name;
    layout["email"] = session->email;
    layout["csrf"] = session->csrf_token;
  }
  if (!nav.empty()) layout["nav_" + std::string{nav}] = true;
  auto res = http::response::html(status, http::render_template(*find_template("layout"), layout, find_template));
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
  return res;
}

http::response error_page(unsigned status, std::string_view heading, std::string_view message,
                          const storage::session_row* session) {
  return render_page("error", heading, {{"heading", heading}, {"message", message}}, session, {}, status);
}

std::optional<http::response> static_asset(std::string_view path) {
  for (auto& [file, text] : static_files::embedded_files()) {
    if (path != file) continue;
    auto type = file.ends_with(".css") ? "text/css; charset=utf-8"
                : file.ends_with(".js") ? "text/javascript; charset=utf-8"
                                         : "application/octet-stream";
    http::response res;
    res.body = std::string{text};
    res.set_header("Content-Type", type);
    res.set_header("Cache-Control", "public, max-age=300");
    return res;
  }
  return std::nullopt;
}

}  // namespace nexsync::app
