#include "sim/cost/cost.hpp"

#include <algorithm>
#include <map>

namespace nexsync::sim::cost {

namespace json = boost::json;
using graphql::planned_field;

namespace {

int page_size(const planned_field& f) {
  for (const char* k : {"first", "last"}) {
    auto it = f.args.find(k);
    if (it != f.args.end() && it->value().is_int64()) return static_cast<int>(std::max<int64_t>(0, it->value().as_int64()));
  }
  return 0;
}

int children_cost(const std::vector<planned_field>& children) {
  int always = 0;
  std::map<std::string, int> by_type;
  for (const auto& c : children) {
    int k = field_cost(c);
    if (c.on_type.empty()) always += k;
    else by_type[c.on_type] += k;
  }
  int branch = 0;
  for (const auto& [t, k] : by_type) branch = std::max(branch, k);
  return always + branch;
}

}  // namespace

int field_cost(const planned_field& f) {
  if (!f.def || !f.type || f.type->is_leaf()) return 0;
  if (f.type->connection) {
    int node = 0;
    for (const auto& c : f.children) {
      if (c.name == "nodes") node = std::max(node, field_cost(c));
      if (c.name == "edges")
        for (const auto& e : c.children)
          if (e.name == "node") node = std::max(node, field_cost(e));
    }
    return 2 + page_size(f) * node;
  }
  if (f.is_list()) {
    auto ids = f.args.find("ids");
    if (ids != f.args.end() && ids->value().is_array())
      return static_cast<int>(ids->value().as_array().size()) * (1 + children_cost(f.children));
  }
  return 1 + children_cost(f.children);
}

int requested_cost(const graphql::plan& p) {
  if (p.kind == "mutation") {
    int n = 0;
    for (const auto& f : p.fields)
      if (f.def) n += mutation_cost;
    return n;
  }
  return children_cost(p.fields);
}

namespace {

void check(const std::vector<planned_field>& fields, json::array& path, json::array& errors) {
  for (const auto& f : fields) {
    path.push_back(json::value(f.key));
    if (f.type && f.type->connection) {
      auto first = f.args.find("first");
      auto last = f.args.find("last");
      bool has_first = first != f.args.end() && !first->value().is_null();
      bool has_last = last != f.args.end() && !last->value().is_null();
      if (!has_first && !has_last) {
        errors.push_back(graphql::make_error("you must provide one of first or last", f.loc, path));
      } else if (has_first && has_last) {
        errors.push_back(graphql::make_error("providing both first and last is not supported", f.loc, path));
      } else {
        int64_t n = has_first ? first->value().as_int64() : last->value().as_int64();
        if (n < 0) {
          errors.push_back(graphql::make_error(std::string("Argument '") + (has_first ? "first" : "last") +
                                                   "' on Field '" + f.name + "' must be non-negative",
                                               f.loc, path));
        } else if (n > 250) {
          errors.push_back(graphql::make_error(std::string("The ") + (has_first ? "first" : "last") +
                                                   " argument must be less than or equal to 250.",
                                               f.loc, path, json::object{{"code", "BAD_REQUEST"}}));
        }
      }
    }
    check(f.children, path, errors);
    path.pop_back();
  }
}

}  // namespace

json::array pagination_errors(const graphql::plan& p) {
  json::array errors;
  json::array path;
  check(p.fields, path, errors);
  return errors;
}

}  // namespace nexsync::sim::cost
