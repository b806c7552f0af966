#pragma once
// Shared pieces of the executor's translation units: the entity handle, completion helpers, pagination.

#include "sim/executor/executor.hpp"

#include <functional>
#include <optional>
#include <vector>

namespace nexsync::sim::executor::detail {

namespace json = boost::json;
using graphql::planned_field;
using fields = std::vector<planned_field>;

/// A handle on one object being resolved.
struct entity {
  enum class kind : std::uint8_t {
    shop, app, app_installation, product, variant, inventory_item, inventory_level, location, customer,
    order, line_item, bulk_operation, subscription, json
  };
  kind k = kind::json;
  std::uint32_t a = 0;              ///< primary index (product, variant, order, ...)
  std::uint32_t b = 0;              ///< secondary index (location of a level, line of an order)
  const json::value* j = nullptr;   ///< for kind::json
  const char* json_type = "";       ///< GraphQL type name for kind::json
};

/// The GraphQL type name of an entity.
const char* type_name(const entity& e);

/// One resolved page of a connection.
struct page {
  std::vector<entity> items;
  std::vector<std::uint64_t> ids;   ///< cursor ids, encoded only when a cursor is selected
  bool has_next = false;
  bool has_previous = false;
};

/// Resolves an object's selected fields (adds 1 to the actual cost).
json::value complete_object(context& ctx, const entity& e, const fields& fs);
/// Renders a connection (nodes, edges, pageInfo) from a page (adds 2 to the actual cost).
json::value complete_connection(context& ctx, const page& p, const planned_field& f);
/// Resolves a field of a JSON-backed object (payloads, money, errors).
json::value resolve_json_field(context& ctx, const entity& e, const planned_field& f);

/// The storage of the response being built (set by execute for its duration).
json::storage_ptr& current_storage();

/// A JSON value that also converts implicitly from std::string (resolvers return many strings);
/// strings go straight into the response's storage.
struct jv : json::value {
  using json::value::value;
  jv(json::value v) : json::value(std::move(v)) {}
  jv(const std::string& s) : json::value(json::string_view(s), current_storage()) {}
};

/// Per-kind field resolvers.
jv resolve_catalog_field(context& ctx, const entity& e, const planned_field& f);
jv resolve_commerce_field(context& ctx, const entity& e, const planned_field& f);
json::value resolve_root_field(context& ctx, const planned_field& f);
json::value resolve_mutation_field(context& ctx, const planned_field& f);

/// Adds a field error with the field's location.
void add_error(context& ctx, const planned_field& f, const std::string& message, json::object extensions = {});

/// Sort order for pagination: nullptr means id order.
using less_fn = std::function<bool(std::uint32_t, std::uint32_t)>;

/// Pages through indexes [0, n) that pass `keep`, ordered by `less` (or id), using the field's
/// first/after/last/before/reverse arguments; ids come from `id_of`. Returns nullopt (and records an
/// error) on a bad cursor.
std::optional<std::vector<std::uint32_t>> paginate(context& ctx, const planned_field& f, std::size_t n,
                                                   const std::function<bool(std::uint32_t)>& keep,
                                                   const std::function<std::uint64_t(std::uint32_t)>& id_of,
                                                   const less_fn& less, bool& has_next, bool& has_previous);

/// Builds a page of entities of one kind from indexes (cursor = the id).
page make_page(const std::vector<std::uint32_t>& idx, entity::kind k,
               const std::function<std::uint64_t(std::uint32_t)>& id_of, bool has_next, bool has_previous);

/// The opaque cursor for an id.
std::string encode_cursor(std::uint64_t id);

/// "123.45" from cents.
std::string money(std::int64_t cents);
/// A MoneyBag-shaped JSON value.
json::value money_bag(std::int64_t cents, const std::string& currency);

/// The string argument `name`, or "".
std::string arg_string(const planned_field& f, std::string_view name);
/// Resolves an id argument to an index of the shop's `type` records; nullopt (with an error) if invalid.
std::optional<std::uint32_t> lookup_id(context& ctx, const planned_field& f, std::string_view id_text,
                                       std::string_view type, std::size_t count, bool report_missing_as_error);

/// Records an extensions.search warning for an unknown search field.
void search_warning(context& ctx, const planned_field& f, const std::string& query, const std::string& field);

}  // namespace nexsync::sim::executor::detail
