#include "crypto/seal.hpp"

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace nexsync::crypto {
namespace {

constexpr std::string_view version = "v1";
constexpr std::size_t key_size = 32;
constexpr std::size_t nonce_size = 12;
constexpr std::size_t tag_size = 16;

using cipher_ctx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

cipher_ctx new_ctx() {
  cipher_ctx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!ctx) throw std::runtime_error("EVP_CIPHER_CTX_new failed");
  return ctx;
}

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// "v1.<id>." — authenticated along with the caller's associated data, so a text cannot be relabelled
// with another key id (even one that maps to the same key bytes) or another version. The header ends
// in '.', which no id contains, so header + associated data splits in exactly one way.
std::string header(std::string_view id) {
  std::string h;
  h.reserve(version.size() + id.size() + 2);
  h.append(version).append(".").append(id).append(".");
  return h;
}

// Feeds additional authenticated data (no output) to an initialised GCM context.
bool add_aad(EVP_CIPHER_CTX* ctx, bool encrypt, std::string_view aad) {
  if (aad.empty()) return true;
  int len = 0;
  return encrypt ? EVP_EncryptUpdate(ctx, nullptr, &len, bytes(aad), static_cast<int>(aad.size())) == 1
                 : EVP_DecryptUpdate(ctx, nullptr, &len, bytes(aad), static_cast<int>(aad.size())) == 1;
}

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

bool is_valid_key_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_';
    if (!ok) return false;
  }
  return true;
}

keyring::keyring(sealing_key current, std::vector<sealing_key> previous) {
  keys_.reserve(previous.size() + 1);
  keys_.push_back(std::move(current));
  for (auto& k : previous) keys_.push_back(std::move(k));
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (!is_valid_key_id(keys_[i].id)) throw std::invalid_argument("sealing key id is invalid");
    if (keys_[i].key.size() != key_size) throw std::invalid_argument("sealing key must be 32 bytes");
    for (std::size_t j = 0; j < i; ++j)
      if (keys_[j].id == keys_[i].id) throw std::invalid_argument("duplicate sealing key id");
  }
}

const sealing_key* keyring::find(std::string_view id) const {
  for (const auto& k : keys_)
    if (k.id == id) return &k;
  return nullptr;
}

std::string seal(const keyring& keys, std::string_view plaintext, std::string_view associated_data) {
  const sealing_key& key = keys.current();
  const std::string head = header(key.id);
  std::string blob = random_bytes(nonce_size);
  blob.resize(nonce_size + plaintext.size() + tag_size);
  auto* out = reinterpret_cast<unsigned char*>(blob.data());

  auto ctx = new_ctx();
  int len = 0;
  bool ok = EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, nonce_size, nullptr) == 1 &&
            EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key.key), out) == 1 &&
            add_aad(ctx.get(), true, head) && add_aad(ctx.get(), true, associated_data);
  if (ok && !plaintext.empty())
    ok = EVP_EncryptUpdate(ctx.get(), out + nonce_size, &len, bytes(plaintext),
                           static_cast<int>(plaintext.size())) == 1;
  ok = ok && EVP_EncryptFinal_ex(ctx.get(), out + nonce_size + len, &len) == 1 &&
       EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, tag_size, out + nonce_size + plaintext.size()) == 1;
  if (!ok) throw std::runtime_error("AES-256-GCM encryption failed");
  return head + base64url_encode(blob);
}

std::optional<std::string> unseal(const keyring& keys, std::string_view sealed,
                                  std::string_view associated_data) {
  auto first = sealed.find('.');
  if (first == std::string_view::npos || sealed.substr(0, first) != version) return std::nullopt;
  auto second = sealed.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  std::string_view id = sealed.substr(first + 1, second - first - 1);
  const sealing_key* key = keys.find(id);
  if (key == nullptr) return std::nullopt;
  auto blob = base64url_decode(sealed.substr(second + 1));  // rejects any further '.'
  if (!blob || blob->size() < nonce_size + tag_size) return std::nullopt;

  const auto* in = reinterpret_cast<const unsigned char*>(blob->data());
  const std::size_t text_size = blob->size() - nonce_size - tag_size;
  std::string plain(text_size, '\0');
  auto* out = reinterpret_cast<unsigned char*>(plain.data());
  std::string tag = blob->substr(nonce_size + text_size);

  auto ctx = new_ctx();
  int len = 0;
  bool ok = EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, nonce_size, nullptr) == 1 &&
            EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key->key), in) == 1 &&
            add_aad(ctx.get(), false, header(id)) && add_aad(ctx.get(), false, associated_data);
  if (ok && text_size > 0)
    ok = EVP_DecryptUpdate(ctx.get(), out, &len, in + nonce_size, static_cast<int>(text_size)) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, tag_size, tag.data()) == 1 &&
       EVP_DecryptFinal_ex(ctx.get(), out + len, &len) == 1;  // fails on a tag mismatch
  if (!ok) return std::nullopt;
  return plain;
}

std::optional<sealing_key> parse_master_key(std::string_view id, std::string_view text) {
  if (!is_valid_key_id(id)) return std::nullopt;
  text = trim(text);
  std::optional<std::string> raw;
  if (text.size() == 2 * key_size)
    raw = from_hex(text);
  else
    raw = base64_decode(text);
  if (!raw || raw->size() != key_size) return std::nullopt;
  return sealing_key{std::string(id), std::move(*raw)};
}

}  // namespace nexsync::crypto
