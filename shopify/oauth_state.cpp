#include "shopify/oauth_state.hpp"

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"

#include <boost/json.hpp>

namespace nexsync::shopify {
namespace {

// Domain separation: the same key may sign other things; a state MAC is never valid as anything else.
constexpr std::string_view mac_context = "nexsync.oauth_state.v1.";
constexpr std::size_t max_state_length = 2048;

std::string mac(std::string_view key, std::string_view payload) {
  std::string message(mac_context);
  message.append(payload);
  return crypto::hmac_sha256(key, message);
}

const boost::json::string* string_field(const boost::json::object& o, std::string_view name) {
  auto* v = o.if_contains(name);
  return v != nullptr ? v->if_string() : nullptr;
}

const std::int64_t* int_field(const boost::json::object& o, std::string_view name) {
  auto* v = o.if_contains(name);
  return v != nullptr ? v->if_int64() : nullptr;
}

}  // namespace

std::string sign_state(std::string_view key, const oauth_state& state) {
  boost::json::object o;
  o["n"] = state.nonce;
  o["t"] = state.tenant_id;
  o["s"] = state.session_hash;
  o["h"] = state.shop;
  o["e"] = state.expires_at;
  std::string payload = crypto::base64url_encode(boost::json::serialize(o));
  std::string signature = crypto::base64url_encode(mac(key, payload));
  return payload + "." + signature;
}

std::optional<oauth_state> verify_state(std::string_view key, std::string_view text, std::int64_t now) {
  if (key.empty() || text.size() > max_state_length) return std::nullopt;
  auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::string_view payload = text.substr(0, dot);
  auto signature = crypto::base64url_decode(text.substr(dot + 1));  // a second '.' fails here
  if (!signature || !crypto::constant_time_equal(mac(key, payload), *signature)) return std::nullopt;

  // Signed by us, so well-formed unless the format changed: still check every field.
  auto json = crypto::base64url_decode(payload);
  if (!json) return std::nullopt;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(*json, ec);
  if (ec || !value.is_object()) return std::nullopt;
  const auto& o = value.get_object();
  auto* nonce = string_field(o, "n");
  auto* tenant = int_field(o, "t");
  auto* session = string_field(o, "s");
  auto* shop = string_field(o, "h");
  auto* expires = int_field(o, "e");
  if (!nonce || !tenant || !session || !shop || !expires) return std::nullopt;
  if (now >= *expires) return std::nullopt;
  return oauth_state{std::string(*nonce), *tenant, std::string(*session), std::string(*shop), *expires};
}

}  // namespace nexsync::shopify
