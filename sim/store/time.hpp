#pragma once
// ISO 8601 timestamps as Shopify writes them ("2026-10-01T12:00:00Z").

#include "sim/store/model.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace nexsync::sim::store {

/// Formats seconds since the epoch as "YYYY-MM-DDTHH:MM:SSZ".
std::string format_time(seconds t);
/// Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)"; nullopt if malformed.
std::optional<seconds> parse_time(std::string_view s);
/// The current wall-clock time in seconds.
seconds now_seconds();

}  // namespace nexsync::sim::store
