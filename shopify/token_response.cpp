#include "shopify/token_response.hpp"

#include <boost/json.hpp>

namespace nexsync::shopify {
namespace {

parse_error fail(std::string_view field, std::string_view problem) {
  return parse_error{"token response: \"" + std::string(field) + "\" " + std::string(problem)};
}

// Shopify sends whole seconds; accept a non-negative integer (or an integral double) only.
std::optional<std::int64_t> seconds(const boost::json::value& v) {
  if (auto* i = v.if_int64()) return *i >= 0 ? std::optional(*i) : std::nullopt;
  if (auto* d = v.if_double()) {
    if (*d >= 0 && *d < 9e15 && static_cast<double>(static_cast<std::int64_t>(*d)) == *d)
      return static_cast<std::int64_t>(*d);
  }
  return std::nullopt;
}

}  // namespace

parse_result<token_response> parse_token_response(std::string_view body) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec);
  if (ec) return parse_error{"token response: not JSON (" + ec.message() + ")"};
  const auto* o = value.if_object();
  if (o == nullptr) return parse_error{"token response: not a JSON object"};

  token_response out;
  for (auto [name, target] : {std::pair{"access_token", &out.access_token}, std::pair{"scope", &out.scope}}) {
    const auto* v = o->if_contains(name);
    if (v == nullptr) return fail(name, "is missing");
    const auto* s = v->if_string();
    if (s == nullptr) return fail(name, "is not a string");
    *target = std::string(*s);
  }
  if (out.access_token.empty()) return fail("access_token", "is empty");

  const auto* expires_in = o->if_contains("expires_in");
  const auto* refresh_token = o->if_contains("refresh_token");
  const auto* refresh_expires_in = o->if_contains("refresh_token_expires_in");
  if (!expires_in && !refresh_token && !refresh_expires_in) return out;  // non-expiring token

  // An expiring token without its refresh half would strand us after an hour: demand all three.
  if (!expires_in) return fail("expires_in", "is missing");
  if (!refresh_token) return fail("refresh_token", "is missing");
  if (!refresh_expires_in) return fail("refresh_token_expires_in", "is missing");
  token_refresh refresh;
  auto e = seconds(*expires_in);
  if (!e) return fail("expires_in", "is not a non-negative integer");
  refresh.expires_in = *e;
  const auto* rt = refresh_token->if_string();
  if (rt == nullptr || rt->empty()) return fail("refresh_token", "is not a non-empty string");
  refresh.refresh_token = std::string(*rt);
  auto r = seconds(*refresh_expires_in);
  if (!r) return fail("refresh_token_expires_in", "is not a non-negative integer");
  refresh.refresh_token_expires_in = *r;
  out.refresh = std::move(refresh);
  return out;
}

}  // namespace nexsync::shopify
