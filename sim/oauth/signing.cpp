#include "sim/oauth/signing.hpp"

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"

#include <algorithm>
#include <cctype>

namespace nexsync::sim::oauth {

std::string form_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
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

std::string query_message(std::vector<std::pair<std::string, std::string>> params) {
  params.erase(std::remove_if(params.begin(), params.end(),
                              [](const auto& p) { return p.first == "hmac" || p.first == "signature"; }),
               params.end());
  std::stable_sort(params.begin(), params.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string m;
  for (const auto& [k, v] : params) {
    if (!m.empty()) m += '&';
    m += form_encode(k);
    m += '=';
    m += form_encode(v);
  }
  return m;
}

std::string sign_query(const std::vector<std::pair<std::string, std::string>>& params, std::string_view secret) {
  return crypto::to_hex(crypto::hmac_sha256(secret, query_message(params)));
}

std::string sign_webhook(std::string_view body, std::string_view secret) {
  return crypto::base64_encode(crypto::hmac_sha256(secret, body));
}

}  // namespace nexsync::sim::oauth
