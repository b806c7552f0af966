#pragma once
// Shopify's `query:` search syntax for the subset nexsync uses: `field:value`, comparators
// (`:>=`, `:<=`, `:>`, `:<`), quoted values, `-field:value` negation, terms joined by spaces (AND).

#include <string>
#include <string_view>
#include <vector>

namespace nexsync::sim::store {

/// One `field:op value` term.
struct search_term {
  std::string field;   ///< lower-case field name; empty for a bare word
  std::string op;      ///< "=", ">", ">=", "<", "<="
  std::string value;   ///< unquoted value
  bool negated = false;
};

/// Splits a search string into terms (the connective AND is dropped; OR is not supported).
std::vector<search_term> parse_search(std::string_view query);

/// Compares `actual` with a term's value under its operator (numbers compare as numbers).
bool compare(long long actual, const std::string& op, long long wanted);

}  // namespace nexsync::sim::store
