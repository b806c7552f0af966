#pragma once
// Validates an operation against the schema and flattens it into a tree of fields to execute:
// fragments inlined, @skip/@include applied, arguments coerced (variables and defaults resolved).

#include "sim/graphql/ast.hpp"
#include "sim/schema/schema.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nexsync::sim::graphql {

/// One field to resolve, with its sub-fields.
struct planned_field {
  std::string key;                               ///< response key (alias or name)
  std::string name;                              ///< schema field name
  const schema::field_def* def = nullptr;        ///< nullptr for __typename
  const schema::type_def* type = nullptr;        ///< named return type; nullptr for __typename
  boost::json::object args;                      ///< coerced argument values, defaults applied
  std::vector<planned_field> children;           ///< selected sub-fields (objects only)
  std::string on_type;                           ///< only for runtime objects of this type (empty: all)
  location loc;
  std::optional<std::string> idempotency_key;    ///< from @idempotent(key:)

  /// True when the field's return type is a list (outermost, ignoring non-null).
  bool is_list() const { return def && def->type.is_list(); }
};

/// A validated operation ready to cost and execute.
struct plan {
  std::string kind;                      ///< "query" or "mutation"
  std::vector<planned_field> fields;     ///< root fields
};

/// Either a plan or the GraphQL errors (Shopify/graphql-ruby shaped objects).
struct plan_result {
  std::optional<plan> value;
  boost::json::array errors;
};

/// Plans the operation named `operation_name` (or the only one) of `doc` with `variables`.
plan_result make_plan(const document& doc, std::string_view operation_name, const boost::json::object& variables,
                      const schema::schema& s);

/// Builds a GraphQL error object {message, locations, path?, extensions?}.
boost::json::object make_error(std::string_view message, location loc, boost::json::array path = {},
                               boost::json::object extensions = {});

}  // namespace nexsync::sim::graphql
