#pragma once

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <string>

namespace nexsync::shopify {

/// Why a Shopify response could not be read, in words fit for a log line (names the missing field).
struct parse_error {
  std::string message;  ///< e.g. `token response: "access_token" is missing`.
};

/// Lets result<T, parse_error>::value() throw std::runtime_error carrying the message.
[[noreturn]] void throw_exception_from_error(const parse_error& e, const boost::source_location& loc);

/// A parsed value or the reason it could not be parsed.
template <class T>
using parse_result = boost::system::result<T, parse_error>;

}  // namespace nexsync::shopify
