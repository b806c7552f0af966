#pragma once
// The slice of Shopify's Admin GraphQL schema the simulator serves: types, fields, arguments, enums.

#include <boost/json/value.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nexsync::sim::schema {

/// A type reference as written in SDL, e.g. "[ProductVariant!]!".
struct type_ref {
  std::string text;

  /// The innermost named type ("ProductVariant").
  std::string_view named() const;
  /// True when the outermost wrapper is non-null.
  bool non_null() const { return !text.empty() && text.back() == '!'; }
  /// True when the (non-null-stripped) outer type is a list.
  bool is_list() const { return !text.empty() && text.front() == '['; }
  /// The item type of a list ("[A!]!" -> "A!").
  type_ref item() const;
};

/// An argument or input-object field.
struct input_value {
  std::string name;
  type_ref type;
  std::optional<boost::json::value> default_value;
};

/// A field of an object or interface type.
struct field_def {
  std::string name;
  type_ref type;
  std::vector<input_value> args;
  std::string required_access;  ///< e.g. "read_customers"; empty when no scope is needed

  /// The argument called `name`, or nullptr.
  const input_value* arg(std::string_view name) const;
};

/// The kinds of named types.
enum class type_kind { scalar, enumeration, object, interface, input_object };

/// A named type.
struct type_def {
  std::string name;
  type_kind kind = type_kind::scalar;
  std::map<std::string, field_def, std::less<>> fields;   ///< object and interface fields
  std::vector<input_value> input_fields;                  ///< input object fields
  std::vector<std::string> enum_values;
  std::vector<std::string> interfaces;                    ///< interfaces an object implements
  bool connection = false;                                ///< a Relay connection type (XConnection)

  /// The field called `name`, or nullptr.
  const field_def* field(std::string_view name) const;
  /// True for scalars and enums (leaf types: cost 0, no selections).
  bool is_leaf() const { return kind == type_kind::scalar || kind == type_kind::enumeration; }
};

/// The whole schema.
class schema {
 public:
  /// The named type, or nullptr.
  const type_def* find(std::string_view name) const;
  /// The Query root.
  const type_def& query() const { return *find("QueryRoot"); }
  /// The Mutation root.
  const type_def& mutation() const { return *find("Mutation"); }
  /// True when object type `object` is `abstract` or implements it.
  bool satisfies(std::string_view object, std::string_view abstract) const;
  /// Adds a type (used while building).
  type_def& add(type_def t);

 private:
  std::map<std::string, type_def, std::less<>> types_;
};

/// The Admin API subset, built once.
const schema& admin_schema();

}  // namespace nexsync::sim::schema
