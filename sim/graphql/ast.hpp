#pragma once
// The syntax tree of an executable GraphQL document (the subset clients send to the Admin API).

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace nexsync::sim::graphql {

/// A position in the document text, 1-based, for error "locations".
struct location {
  int line = 1;
  int column = 1;
};

/// A literal or variable reference as written in the document.
struct value {
  enum class kind { null, integer, floating, string, boolean, enumeration, list, object, variable };
  kind k = kind::null;
  std::string text;  ///< string contents, enum name, variable name, or the number as written
  bool boolean = false;
  std::vector<value> items;                            ///< list items
  std::vector<std::pair<std::string, value>> fields;   ///< object fields in order
};

/// One `name: value` argument.
struct argument {
  std::string name;
  value val;
  location loc;
};

/// One `@name(args)` directive.
struct directive {
  std::string name;
  std::vector<argument> arguments;
  location loc;
};

/// A field, a fragment spread or an inline fragment inside a selection set.
struct selection {
  enum class kind { field, fragment_spread, inline_fragment };
  kind k = kind::field;
  std::string alias;            ///< field alias, empty if none
  std::string name;             ///< field name or spread fragment name
  std::string type_condition;   ///< inline fragment's `on Type`, empty if none
  std::vector<argument> arguments;
  std::vector<directive> directives;
  std::vector<selection> selections;
  location loc;

  /// The key the field's value has in the response (alias or name).
  const std::string& response_key() const { return alias.empty() ? name : alias; }
};

/// A `$name: Type = default` variable definition.
struct variable_definition {
  std::string name;
  std::string type;  ///< the type as written, e.g. "[ID!]!"
  std::unique_ptr<value> default_value;
  location loc;
};

/// A query, mutation or subscription.
struct operation {
  std::string kind = "query";
  std::string name;
  std::vector<variable_definition> variables;
  std::vector<directive> directives;
  std::vector<selection> selections;
  location loc;
};

/// A named fragment definition.
struct fragment {
  std::string name;
  std::string type_condition;
  std::vector<directive> directives;
  std::vector<selection> selections;
  location loc;
};

/// A parsed document: operations in order and fragments by name.
struct document {
  std::vector<operation> operations;
  std::map<std::string, fragment> fragments;
};

}  // namespace nexsync::sim::graphql
