#include "http/router.hpp"

#include <boost/asio/use_awaitable.hpp>

namespace nexsync::http {

namespace {

// The path's segments as views into it (repeated slashes yield no empty segment).
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    auto end = path.find('/');
    out.emplace_back(path.substr(0, end));
    path = end == std::string_view::npos ? std::string_view{} : path.substr(end);
  }
  return out;
}

}  // namespace

router& router::add(std::string_view method, std::string_view pattern, handler h) {
  std::vector<std::string> segments;
  for (auto seg : split_path(pattern)) segments.emplace_back(seg);
  routes_.push_back(route{std::string{method}, std::string{pattern}, std::move(segments), false, std::move(h)});
  return *this;
}

router& router::add_prefix(std::string_view method, std::string_view prefix, handler h) {
  routes_.push_back(route{std::string{method}, std::string{prefix}, {}, true, std::move(h)});
  return *this;
}

bool router::match(const route& r, std::string_view path, const std::vector<std::string_view>& parts,
                   std::map<std::string, std::string>& params) {
  if (r.prefix) return path.starts_with(r.pattern);
  if (parts.size() != r.segments.size()) return false;
  if (path.size() > 1 && path.back() == '/') return false;  // "/inventory/" is not "/inventory"
  std::map<std::string, std::string> found;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto& seg = r.segments[i];
    if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
      if (parts[i].empty()) return false;
      found[seg.substr(1, seg.size() - 2)] = std::string{parts[i]};
    } else if (seg != parts[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

boost::asio::awaitable<response> router::operator()(request& req) const {
  bool path_known = false;
  std::string allowed;
  const auto parts = split_path(req.path);  // once, not once per route tried
  for (auto& r : routes_) {
    std::map<std::string, std::string> params;
    if (!match(r, req.path, parts, params)) continue;
    bool method_ok = r.method == req.method || (r.method == "GET" && req.method == "HEAD");
    if (!method_ok) {
      path_known = true;
      allowed += allowed.empty() ? r.method : ", " + r.method;
      continue;
    }
    req.path_params = std::move(params);
    req.route = r.method + " " + r.pattern;
    co_return co_await r.h(req);
  }
  if (path_known) {
    req.route = "405";
    auto res = response::json_error(405, "method_not_allowed", "This address does not accept " + req.method + ".");
    res.set_header("Allow", allowed);
    co_return res;
  }
  req.route = "404";
  co_return response::json_error(404, "not_found", "There is nothing at this address.");
}

handler router::as_handler() const {
  return [this](request& req) { return (*this)(req); };
}

}  // namespace nexsync::http
