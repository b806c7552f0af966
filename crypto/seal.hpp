#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nexsync::crypto {

/// An AES-256 key and the identifier written into every text it seals.
struct sealing_key {
  std::string id;   ///< Non-empty, at most 64 characters of [A-Za-z0-9_-] (no '.').
  std::string key;  ///< 32 raw bytes.
};

/// The current sealing key plus older keys that may still open texts sealed before a rotation.
class keyring {
public:
  /// Takes the current key and the retired ones; throws std::invalid_argument on a bad id, a key that
  /// is not 32 bytes, or a duplicate id.
  explicit keyring(sealing_key current, std::vector<sealing_key> previous = {});

  /// Returns the key that new seals use.
  const sealing_key& current() const { return keys_.front(); }

  /// Returns the key with this id (current or previous), or nullptr if there is none.
  const sealing_key* find(std::string_view id) const;

private:
  std::vector<sealing_key> keys_;  // keys_[0] is the current key.
};

/// Returns true if `id` is usable as a sealing key id (non-empty, ≤ 64 chars of [A-Za-z0-9_-]).
bool is_valid_key_id(std::string_view id);

/// Encrypts with AES-256-GCM under the current key and a fresh random nonce, binding the version, the
/// key id and `associated_data`; returns `v1.<key id>.<base64url(nonce | ciphertext | tag)>`.
std::string seal(const keyring& keys, std::string_view plaintext, std::string_view associated_data);

/// Opens a text made by seal(); nullopt on an unknown key id, malformed input, any tampering, or
/// different associated data.
std::optional<std::string> unseal(const keyring& keys, std::string_view sealed,
                                  std::string_view associated_data);

/// Reads a master key given as 64 hex characters or base64 of 32 bytes (surrounding whitespace is
/// ignored); nullopt if the text is neither or the id is invalid.
std::optional<sealing_key> parse_master_key(std::string_view id, std::string_view text);

}  // namespace nexsync::crypto
