#pragma once
// Parses an executable GraphQL document (operations and fragments) into the syntax tree.

#include "sim/graphql/ast.hpp"

#include <string>
#include <string_view>
#include <variant>

namespace nexsync::sim::graphql {

/// A syntax error with its position.
struct parse_error {
  std::string message;
  location loc;
};

/// Parses `source`; returns the document or the first syntax error.
std::variant<document, parse_error> parse(std::string_view source);

}  // namespace nexsync::sim::graphql
