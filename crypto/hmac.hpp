#pragma once

#include <string>
#include <string_view>

namespace nexsync::crypto {

/// Returns the 32 raw bytes of HMAC-SHA256(key, data) (RFC 2104).
std::string hmac_sha256(std::string_view key, std::string_view data);

/// Returns the 32 raw bytes of SHA-256(data).
std::string sha256(std::string_view data);

/// Compares two byte strings in time independent of their content; different lengths compare unequal.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace nexsync::crypto
