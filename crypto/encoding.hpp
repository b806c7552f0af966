#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nexsync::crypto {

/// Encodes bytes as lower-case hexadecimal, two characters per byte.
std::string to_hex(std::string_view bytes);

/// Decodes hexadecimal (either case, even length); nullopt on any other character or odd length.
std::optional<std::string> from_hex(std::string_view hex);

/// Encodes bytes as standard base64 (RFC 4648 section 4) with '=' padding.
std::string base64_encode(std::string_view bytes);

/// Decodes strict padded base64: nullopt on bad characters, bad length, misplaced or missing padding,
/// or non-zero trailing bits.
std::optional<std::string> base64_decode(std::string_view text);

/// Encodes bytes as base64url (RFC 4648 section 5) without padding.
std::string base64url_encode(std::string_view bytes);

/// Decodes strict unpadded base64url: nullopt on bad characters (including '='), an impossible length
/// or non-zero trailing bits.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace nexsync::crypto
