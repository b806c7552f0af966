#pragma once
// Structured logs: one JSON object per line on stderr (spdlog underneath), with the module name,
// a message and fields such as request_id. Secrets must never be passed as fields.

#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>

#include <initializer_list>
#include <string_view>
#include <utility>

namespace nexsync::log {

/// One extra field of a log line: a name and any value Boost.JSON can represent.
struct field {
  template <class T>
  field(std::string_view k, T&& v) : key(k), value(boost::json::value_from(std::forward<T>(v))) {}
  std::string_view key;
  boost::json::value value;
};

/// Extra fields of one log line.
using fields = std::initializer_list<field>;

/// Configures the process-wide logger ("debug", "info", "warn", "error"); false if the level is unknown.
bool set_level(std::string_view level);

void debug(std::string_view module, std::string_view message, fields f = {});
void info(std::string_view module, std::string_view message, fields f = {});
void warn(std::string_view module, std::string_view message, fields f = {});
void error(std::string_view module, std::string_view message, fields f = {});

}  // namespace nexsync::log
