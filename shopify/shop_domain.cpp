#include "shopify/shop_domain.hpp"

namespace nexsync::shopify {
namespace {

constexpr std::string_view suffix = ".myshopify.com";
constexpr std::string_view admin_host = "admin.shopify.com";
constexpr std::size_t max_input_length = 256;

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

bool is_subdomain(std::string_view s, std::size_t max_length) {
  if (s.empty() || s.size() > max_length || !is_alnum(s[0])) return false;
  for (char c : s)
    if (!is_alnum(c) && c != '-') return false;
  return true;
}

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool consume(std::string_view& s, std::string_view prefix) {
  if (!s.starts_with(prefix)) return false;
  s.remove_prefix(prefix.size());
  return true;
}

// A path pasted after the shop's host (`/admin`, `/admin/products/`): plain segments only, so nothing
// like `/../` or an encoded character can smuggle meaning past us.
bool is_harmless_path(std::string_view path) {
  if (path.empty()) return true;
  if (path[0] != '/') return false;
  std::string_view rest = path.substr(1);
  while (!rest.empty()) {
    auto slash = rest.find('/');
    std::string_view segment = rest.substr(0, slash);
    if (segment == "." || segment == "..") return false;
    for (char c : segment)
      if (!is_lower_alnum(c) && c != '-' && c != '_' && c != '.') return false;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return true;
}

}  // namespace

std::optional<std::string> normalise_shop(std::string_view user_input) {
  std::string_view trimmed = trim(user_input);
  if (trimmed.empty() || trimmed.size() > max_input_length) return std::nullopt;

  // Lower-case ASCII; any control character, space, non-ASCII byte (look-alikes, IDN), percent-escape
  // or backslash means this is not something a person copied from their admin: refuse it whole.
  std::string text;
  text.reserve(trimmed.size());
  for (char c : trimmed) {
    auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b >= 0x7f || c == '%' || c == '\\') return std::nullopt;
    text += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }

  std::string_view rest = text;
  bool had_scheme = consume(rest, "https://") || consume(rest, "http://");
  auto host_end = rest.find('/');
  std::string_view host = rest.substr(0, host_end);
  std::string_view path = host_end == std::string_view::npos ? std::string_view{} : rest.substr(host_end);

  // A credentials part, a port, a query or a fragment never belongs in a shop name.
  for (char c : rest)
    if (c == '@' || c == ':' || c == '?' || c == '#') return std::nullopt;

  if (host == admin_host && had_scheme) {
    // The current admin URL: https://admin.shopify.com/store/<subdomain>[/...]
    std::string_view p = path;
    if (!consume(p, "/store/")) return std::nullopt;
    auto end = p.find('/');
    std::string_view sub = p.substr(0, end);
    if (!is_harmless_path(end == std::string_view::npos ? std::string_view{} : p.substr(end)))
      return std::nullopt;
    if (!is_subdomain(sub, max_subdomain_length)) return std::nullopt;
    return std::string(sub);
  }

  std::string_view sub = host;
  bool full_domain = host.ends_with(suffix);
  if (full_domain) sub.remove_suffix(suffix.size());
  // A bare subdomain stands alone; a scheme or a path only makes sense with the full domain.
  if (!full_domain && (had_scheme || !path.empty())) return std::nullopt;
  if (!is_harmless_path(path)) return std::nullopt;
  if (!is_subdomain(sub, max_subdomain_length)) return std::nullopt;
  return std::string(sub);
}

std::string shop_domain(std::string_view subdomain) {
  std::string out(subdomain);
  out.append(suffix);
  return out;
}

bool is_valid_shop_domain(std::string_view domain) {
  if (!domain.ends_with(suffix)) return false;
  domain.remove_suffix(suffix.size());
  return is_subdomain(domain, 63);
}

}  // namespace nexsync::shopify
