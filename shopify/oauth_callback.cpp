#include "shopify/oauth_callback.hpp"

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"

#include <algorithm>
#include <cctype>

namespace nexsync::shopify {

std::string form_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '*' || c == '-' || c == '.' || c == '_') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string form_hmac_message(query_params params) {
  std::erase_if(params, [](const auto& p) { return p.first == "hmac" || p.first == "signature"; });
  std::sort(params.begin(), params.end());
  std::string message;
  for (const auto& [key, value] : params) {
    if (!message.empty()) message += '&';
    message += form_encode(key);
    message += '=';
    message += form_encode(value);
  }
  return message;
}

bool verify_callback_hmac(std::string_view secret, const query_params& params) {
  if (secret.empty()) return false;
  const std::string* given = nullptr;
  for (const auto& [key, value] : params) {
    if (key != "hmac") continue;
    if (given != nullptr) return false;  // two hmac parameters: ambiguous, refuse
    given = &value;
  }
  if (given == nullptr) return false;
  auto form = crypto::to_hex(crypto::hmac_sha256(secret, form_hmac_message(params)));
  bool form_ok = crypto::constant_time_equal(form, *given);
  bool legacy_ok = verify_query(secret, params);
  return form_ok || legacy_ok;
}

}  // namespace nexsync::shopify
