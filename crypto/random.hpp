#pragma once

#include <cstddef>
#include <string>

namespace nexsync::crypto {

/// Returns n bytes from OpenSSL's CSPRNG; throws std::runtime_error if it cannot deliver.
std::string random_bytes(std::size_t n);

/// Returns `bytes` random bytes as lower-case hex (2 × bytes characters).
std::string random_hex(std::size_t bytes);

}  // namespace nexsync::crypto
