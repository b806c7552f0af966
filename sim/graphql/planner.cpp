#include "sim/graphql/planner.hpp"

#include <boost/json/serialize.hpp>

#include <charconv>
#include <limits>
#include <set>

namespace nexsync::sim::graphql {

namespace json = boost::json;

json::object make_error(std::string_view message, location loc, json::array path, json::object extensions) {
  json::object e;
  e["message"] = message;
  e["locations"] = json::array{json::object{{"line", loc.line}, {"column", loc.column}}};
  if (!path.empty()) e["path"] = std::move(path);
  if (!extensions.empty()) e["extensions"] = std::move(extensions);
  return e;
}

namespace {

std::string print(const value& v) {
  switch (v.k) {
    case value::kind::null: return "null";
    case value::kind::integer:
    case value::kind::floating:
    case value::kind::enumeration: return v.text;
    case value::kind::string: return json::serialize(json::value(v.text));
    case value::kind::boolean: return v.boolean ? "true" : "false";
    case value::kind::variable: return "$" + v.text;
    case value::kind::list: {
      std::string s = "[";
      for (std::size_t i = 0; i < v.items.size(); ++i) s += (i ? ", " : "") + print(v.items[i]);
      return s + "]";
    }
    case value::kind::object: {
      std::string s = "{";
      for (std::size_t i = 0; i < v.fields.size(); ++i)
        s += (i ? ", " : "") + v.fields[i].first + ": " + print(v.fields[i].second);
      return s + "}";
    }
  }
  return "";
}

class planner {
 public:
  planner(const document& doc, const json::object& vars, const schema::schema& s)
      : doc_(doc), raw_vars_(vars), s_(s) {}

  plan_result run(std::string_view operation_name) {
    plan_result r;
    const operation* op = nullptr;
    if (doc_.operations.empty()) {
      r.errors.push_back(make_error("No operations in query document", {}));
      return r;
    }
    if (operation_name.empty()) {
      if (doc_.operations.size() > 1) {
        r.errors.push_back(make_error("An operation name is required", doc_.operations[1].loc));
        return r;
      }
      op = &doc_.operations.front();
    } else {
      for (const auto& o : doc_.operations)
        if (o.name == operation_name) op = &o;
      if (!op) {
        r.errors.push_back(make_error("No operation named \"" + std::string(operation_name) + "\"", {}));
        return r;
      }
    }
    const schema::type_def* root = nullptr;
    if (op->kind == "query") {
      root = &s_.query();
    } else if (op->kind == "mutation") {
      root = &s_.mutation();
    } else {
      errors_.push_back(make_error("Schema is not configured for subscriptions", op->loc));
      r.errors = std::move(errors_);
      return r;
    }
    coerce_variables(*op);
    if (errors_.empty()) {
      plan p;
      p.kind = op->kind;
      path_.push_back(json::value(op->kind == "query" ? "query" : "mutation"));
      if (!op->name.empty()) path_.back() = json::value(op->kind + " " + op->name);
      collect(op->selections, *root, "", p.fields);
      if (errors_.empty()) r.value = std::move(p);
    }
    r.errors = std::move(errors_);
    return r;
  }

 private:
  // ----- variables -----
  void coerce_variables(const operation& op) {
    for (const auto& def : op.variables) {
      schema::type_ref t{def.type};
      const schema::type_def* named = s_.find(t.named());
      if (!named || (named->kind != schema::type_kind::scalar && named->kind != schema::type_kind::enumeration &&
                     named->kind != schema::type_kind::input_object)) {
        errors_.push_back(make_error("Variable $" + def.name + " is declared by " + (op.name.empty() ? "anonymous query" : op.name) +
                                         " but not used", def.loc,
                                     {}, {{"code", "variableRequiresValidType"}, {"typeName", std::string(t.named())}, {"variableName", def.name}}));
        errors_.back().as_object()["message"] = named ? "Variable $" + def.name + " must be an input type"
                                                      : def.type + " isn't a defined input type (on $" + def.name + ")";
        continue;
      }
      auto it = raw_vars_.find(def.name);
      json::value v;
      if (it == raw_vars_.end()) {
        if (def.default_value) {
          std::string why;
          if (!coerce_literal(*def.default_value, t, v, why)) {
            errors_.push_back(make_error("Default value for $" + def.name + " doesn't match type " + def.type, def.loc));
            continue;
          }
          vars_[def.name] = std::move(v);
          continue;
        }
        if (t.non_null()) {
          errors_.push_back(variable_error(def, nullptr, "Expected value to not be null"));
        }
        continue;  // absent
      }
      std::string why;
      if (!coerce_json(it->value(), t, v, why)) {
        errors_.push_back(variable_error(def, it->value(), why));
        continue;
      }
      vars_[def.name] = std::move(v);
    }
  }

  json::object variable_error(const variable_definition& def, const json::value& given, const std::string& why) {
    json::object ext{{"value", given},
                     {"problems", json::array{json::object{{"path", json::array{}}, {"explanation", why}}}}};
    return make_error("Variable $" + def.name + " of type " + def.type + " was provided invalid value", def.loc, {},
                      std::move(ext));
  }

  // Coerces a JSON variable value to `t`.
  bool coerce_json(const json::value& in, const schema::type_ref& t, json::value& out, std::string& why) {
    if (in.is_null()) {
      if (t.non_null()) {
        why = "Expected value to not be null";
        return false;
      }
      out = nullptr;
      return true;
    }
    if (t.is_list()) {
      schema::type_ref item = t.item();
      json::array arr;
      if (in.is_array()) {
        for (const auto& x : in.as_array()) {
          json::value c;
          if (!coerce_json(x, item, c, why)) return false;
          arr.push_back(std::move(c));
        }
      } else {
        json::value c;
        if (!coerce_json(in, item, c, why)) return false;
        arr.push_back(std::move(c));
      }
      out = std::move(arr);
      return true;
    }
    const schema::type_def* named = s_.find(t.named());
    if (!named) {
      why = "Unknown type";
      return false;
    }
    std::string n = named->name;
    auto bad = [&] {
      why = "Could not coerce value " + json::serialize(in) + " to " + n;
      return false;
    };
    switch (named->kind) {
      case schema::type_kind::enumeration:
        if (!in.is_string()) return bad();
        for (const auto& e : named->enum_values)
          if (e == in.as_string()) {
            out = in;
            return true;
          }
        why = "Expected \"" + std::string(in.as_string()) + "\" to be one of: ";
        for (std::size_t i = 0; i < named->enum_values.size(); ++i) why += (i ? ", " : "") + named->enum_values[i];
        return false;
      case schema::type_kind::input_object: {
        if (!in.is_object()) return bad();
        json::object o;
        for (const auto& [k, v] : in.as_object()) {
          const schema::input_value* f = nullptr;
          for (const auto& iv : named->input_fields)
            if (iv.name == k) f = &iv;
          if (!f) {
            why = "Field is not defined on " + n;
            return false;
          }
          json::value c;
          if (!coerce_json(v, f->type, c, why)) return false;
          o[k] = std::move(c);
        }
        for (const auto& iv : named->input_fields) {
          if (!o.contains(iv.name)) {
            if (iv.default_value) o[iv.name] = *iv.default_value;
            else if (iv.type.non_null()) {
              why = "Expected value to not be null";
              return false;
            }
          }
        }
        out = std::move(o);
        return true;
      }
      default:
        break;
    }
    if (n == "Int") {
      if (in.is_int64() && in.as_int64() >= std::numeric_limits<int32_t>::min() && in.as_int64() <= std::numeric_limits<int32_t>::max()) {
        out = in;
        return true;
      }
      if (in.is_uint64() && in.as_uint64() <= static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
        out = static_cast<int64_t>(in.as_uint64());
        return true;
      }
      if (in.is_double() && in.as_double() == static_cast<double>(static_cast<int64_t>(in.as_double()))) {
        out = static_cast<int64_t>(in.as_double());
        return true;
      }
      return bad();
    }
    if (n == "Float") {
      if (in.is_number()) {
        out = in.to_number<double>();
        return true;
      }
      return bad();
    }
    if (n == "Boolean") {
      if (in.is_bool()) {
        out = in;
        return true;
      }
      return bad();
    }
    if (n == "ID" || n == "UnsignedInt64") {
      if (in.is_string()) {
        out = in;
        return true;
      }
      if (in.is_int64() || in.is_uint64()) {
        out = json::value(json::serialize(in));
        return true;
      }
      return bad();
    }
    if (n == "Money" || n == "Decimal") {
      if (in.is_string() || in.is_number()) {
        out = in.is_string() ? in : json::value(json::serialize(in));
        return true;
      }
      return bad();
    }
    if (n == "JSON") {
      out = in;
      return true;
    }
    if (in.is_string()) {
      out = in;
      return true;
    }
    return bad();
  }

  // Coerces a literal (possibly with variables) to `t`.
  bool coerce_literal(const value& in, const schema::type_ref& t, json::value& out, std::string& why) {
    if (in.k == value::kind::variable) {
      auto it = vars_.find(in.text);
      if (it == vars_.end()) {
        out = nullptr;
        return !t.non_null() || (why = "Expected value to not be null", false);
      }
      // Variables were coerced to their declared type; re-check against the location's type.
      return coerce_json(it->value(), t, out, why);
    }
    if (in.k == value::kind::null) {
      if (t.non_null()) {
        why = "Expected value to not be null";
        return false;
      }
      out = nullptr;
      return true;
    }
    if (t.is_list()) {
      schema::type_ref item = t.item();
      json::array arr;
      if (in.k == value::kind::list) {
        for (const auto& x : in.items) {
          json::value c;
          if (!coerce_literal(x, item, c, why)) return false;
          arr.push_back(std::move(c));
        }
      } else {
        json::value c;
        if (!coerce_literal(in, item, c, why)) return false;
        arr.push_back(std::move(c));
      }
      out = std::move(arr);
      return true;
    }
    const schema::type_def* named = s_.find(t.named());
    if (!named) return false;
    if (named->kind == schema::type_kind::enumeration) {
      if (in.k != value::kind::enumeration) return false;
      for (const auto& e : named->enum_values)
        if (e == in.text) {
          out = json::value(in.text);
          return true;
        }
      return false;
    }
    if (named->kind == schema::type_kind::input_object) {
      if (in.k != value::kind::object) return false;
      json::object o;
      for (const auto& [k, v] : in.fields) {
        const schema::input_value* f = nullptr;
        for (const auto& iv : named->input_fields)
          if (iv.name == k) f = &iv;
        if (!f) {
          why = "Field '" + k + "' is not defined on " + named->name;
          return false;
        }
        json::value c;
        if (!coerce_literal(v, f->type, c, why)) return false;
        if (v.k == value::kind::variable && c.is_null() && !vars_.contains(v.text)) continue;
        o[k] = std::move(c);
      }
      for (const auto& iv : named->input_fields) {
        if (!o.contains(iv.name)) {
          if (iv.default_value) o[iv.name] = *iv.default_value;
          else if (iv.type.non_null()) {
            why = "Argument '" + iv.name + "' on InputObject '" + named->name + "' is required";
            return false;
          }
        }
      }
      out = std::move(o);
      return true;
    }
    const std::string& n = named->name;
    switch (in.k) {
      case value::kind::integer: {
        long long x = 0;
        auto [p, ec] = std::from_chars(in.text.data(), in.text.data() + in.text.size(), x);
        (void)p;
        if (n == "Int") {
          if (ec != std::errc() || x < std::numeric_limits<int32_t>::min() || x > std::numeric_limits<int32_t>::max()) return false;
          out = static_cast<int64_t>(x);
          return true;
        }
        if (n == "Float") {
          out = std::stod(in.text);
          return true;
        }
        if (n == "ID" || n == "UnsignedInt64" || n == "Money" || n == "Decimal") {
          out = json::value(in.text);
          return true;
        }
        return false;
      }
      case value::kind::floating:
        if (n == "Float") {
          out = std::stod(in.text);
          return true;
        }
        if (n == "Money" || n == "Decimal") {
          out = json::value(in.text);
          return true;
        }
        return false;
      case value::kind::boolean:
        if (n != "Boolean") return false;
        out = in.boolean;
        return true;
      case value::kind::string:
        if (n == "Int" || n == "Float" || n == "Boolean") return false;
        out = json::value(in.text);
        return true;
      case value::kind::object:
      case value::kind::list:
        if (n == "JSON") {
          out = json::value(print(in));
          return true;
        }
        return false;
      default:
        return false;
    }
  }

  // ----- selections -----
  bool skipped(const std::vector<directive>& ds, bool on_field, std::optional<std::string>* idem) {
    for (const auto& d : ds) {
      if (d.name == "skip" || d.name == "include") {
        bool cond = false;
        bool found = false;
        for (const auto& a : d.arguments) {
          if (a.name != "if") continue;
          json::value v;
          std::string why;
          if (coerce_literal(a.val, schema::type_ref{"Boolean!"}, v, why)) {
            cond = v.as_bool();
            found = true;
          }
        }
        if (!found) {
          errors_.push_back(make_error("Directive '" + d.name + "' is missing required arguments: if", d.loc, path(),
                                       {{"code", "missingRequiredArguments"}, {"className", "Directive"}, {"name", d.name}, {"arguments", "if"}}));
          continue;
        }
        if ((d.name == "skip") == cond) return true;
      } else if (d.name == "idempotent" && on_field) {
        json::value v;
        std::string why;
        bool ok = false;
        for (const auto& a : d.arguments)
          if (a.name == "key" && coerce_literal(a.val, schema::type_ref{"String!"}, v, why)) ok = true;
        if (!ok) {
          errors_.push_back(make_error("Directive 'idempotent' is missing required arguments: key", d.loc, path(),
                                       {{"code", "missingRequiredArguments"}, {"className", "Directive"}, {"name", "idempotent"}, {"arguments", "key"}}));
          continue;
        }
        if (idem) *idem = std::string(v.as_string());
      } else if (d.name != "deprecated" && d.name != "inContext") {
        errors_.push_back(make_error("Directive @" + d.name + " is not defined", d.loc, path(),
                                     {{"code", "undefinedDirective"}, {"directiveName", d.name}}));
      }
    }
    return false;
  }

  void collect(const std::vector<selection>& sels, const schema::type_def& parent, const std::string& on_type,
               std::vector<planned_field>& out) {
    for (const auto& sel : sels) {
      switch (sel.k) {
        case selection::kind::field:
          plan_field(sel, parent, on_type, out);
          break;
        case selection::kind::inline_fragment: {
          if (skipped(sel.directives, false, nullptr)) break;
          std::string cond = on_type;
          const schema::type_def* target = &parent;
          if (!sel.type_condition.empty()) {
            target = s_.find(sel.type_condition);
            if (!target || (target->kind != schema::type_kind::object && target->kind != schema::type_kind::interface)) {
              errors_.push_back(make_error("No such type " + sel.type_condition + ", so it can't be a fragment condition",
                                           sel.loc, path(), {{"code", "undefinedType"}, {"typeName", sel.type_condition}}));
              break;
            }
            if (!narrow(parent, *target, sel.loc, cond)) break;
          }
          collect(sel.selections, *target, cond, out);
          break;
        }
        case selection::kind::fragment_spread: {
          if (skipped(sel.directives, false, nullptr)) break;
          auto it = doc_.fragments.find(sel.name);
          if (it == doc_.fragments.end()) {
            errors_.push_back(make_error("Fragment " + sel.name + " was used, but not defined", sel.loc, path(),
                                         {{"code", "useAndDefineFragment"}, {"fragmentName", sel.name}}));
            break;
          }
          if (active_fragments_.count(sel.name)) {
            errors_.push_back(make_error("Fragment " + sel.name + " contains an infinite loop", sel.loc, path(),
                                         {{"code", "infiniteLoop"}, {"fragmentName", sel.name}}));
            break;
          }
          const schema::type_def* target = s_.find(it->second.type_condition);
          if (!target) {
            errors_.push_back(make_error("No such type " + it->second.type_condition + ", so it can't be a fragment condition",
                                         it->second.loc, path(), {{"code", "undefinedType"}, {"typeName", it->second.type_condition}}));
            break;
          }
          std::string cond = on_type;
          if (!narrow(parent, *target, sel.loc, cond)) break;
          active_fragments_.insert(sel.name);
          collect(it->second.selections, *target, cond, out);
          active_fragments_.erase(sel.name);
          break;
        }
      }
    }
  }

  // Works out the runtime-type condition when a fragment on `target` is spread inside `parent`.
  bool narrow(const schema::type_def& parent, const schema::type_def& target, location loc, std::string& cond) {
    if (&parent == &target) return true;
    if (parent.kind == schema::type_kind::object) {
      if (s_.satisfies(parent.name, target.name)) return true;
    } else if (target.kind == schema::type_kind::object && s_.satisfies(target.name, parent.name)) {
      cond = target.name;
      return true;
    } else if (target.kind == schema::type_kind::interface) {
      return true;  // interface inside interface: fields resolve on any object that has them
    }
    errors_.push_back(make_error("Fragment on " + target.name + " can't be spread inside " + parent.name, loc, path(),
                                 {{"code", "cannotSpreadFragment"}, {"typeName", target.name}}));
    return false;
  }

  void plan_field(const selection& sel, const schema::type_def& parent, const std::string& on_type,
                  std::vector<planned_field>& out) {
    planned_field pf;
    if (skipped(sel.directives, true, &pf.idempotency_key)) return;
    pf.key = sel.response_key();
    pf.name = sel.name;
    pf.on_type = on_type;
    pf.loc = sel.loc;
    path_.push_back(json::value(pf.key));
    struct pop {
      std::vector<json::value>& p;
      ~pop() { p.pop_back(); }
    } popper{path_};
    if (sel.name == "__typename") {
      if (!sel.selections.empty()) {
        errors_.push_back(make_error("Selections can't be made on scalars (field '__typename' returns String but has selections)", sel.loc, path()));
        return;
      }
      merge(out, std::move(pf));
      return;
    }
    const schema::field_def* def = parent.field(sel.name);
    if (!def) {
      errors_.push_back(make_error("Field '" + sel.name + "' doesn't exist on type '" + parent.name + "'", sel.loc, path(),
                                   {{"code", "undefinedField"}, {"typeName", parent.name}, {"fieldName", sel.name}}));
      return;
    }
    pf.def = def;
    pf.type = s_.find(def->type.named());
    // Arguments.
    std::set<std::string> given;
    for (const auto& a : sel.arguments) {
      const schema::input_value* iv = def->arg(a.name);
      if (!iv) {
        errors_.push_back(make_error("Field '" + sel.name + "' doesn't accept argument '" + a.name + "'", a.loc, path(),
                                     {{"code", "argumentNotAccepted"}, {"name", sel.name}, {"typeName", "Field"}, {"argumentName", a.name}}));
        continue;
      }
      json::value v;
      std::string why;
      if (!coerce_literal(a.val, iv->type, v, why)) {
        if (a.val.k == value::kind::variable) {
          errors_.push_back(make_error("Nullability mismatch on variable $" + a.val.text + " and argument " + a.name +
                                           " (" + iv->type.text + ")",
                                       a.loc, path(), {{"code", "variableMismatch"}, {"variableName", a.val.text}, {"argName", a.name}}));
        } else {
          errors_.push_back(make_error("Argument '" + a.name + "' on Field '" + sel.name + "' has an invalid value (" + print(a.val) +
                                           "). Expected type '" + iv->type.text + "'.",
                                       a.loc, path(),
                                       {{"code", "argumentLiteralsIncompatible"}, {"typeName", "Field"}, {"argumentName", a.name}}));
        }
        continue;
      }
      if (a.val.k == value::kind::variable && !vars_.contains(a.val.text)) continue;  // absent variable: default applies
      given.insert(a.name);
      pf.args[a.name] = std::move(v);
    }
    std::string missing;
    for (const auto& iv : def->args) {
      if (given.count(iv.name)) continue;
      if (iv.default_value) pf.args[iv.name] = *iv.default_value;
      else if (iv.type.non_null()) missing += (missing.empty() ? "" : ", ") + iv.name;
    }
    if (!missing.empty()) {
      errors_.push_back(make_error("Field '" + sel.name + "' is missing required arguments: " + missing, sel.loc, path(),
                                   {{"code", "missingRequiredArguments"}, {"className", "Field"}, {"name", sel.name}, {"arguments", missing}}));
    }
    if (!pf.type) return;
    if (pf.type->is_leaf()) {
      if (!sel.selections.empty()) {
        errors_.push_back(make_error("Selections can't be made on " + std::string(pf.type->kind == schema::type_kind::enumeration ? "enums" : "scalars") +
                                         " (field '" + sel.name + "' returns " + pf.type->name + " but has selections [" + selection_names(sel) + "])",
                                     sel.loc, path(), {{"code", "selectionMismatch"}, {"nodeName", "field '" + sel.name + "'"}, {"typeName", pf.type->name}}));
      }
    } else {
      if (sel.selections.empty()) {
        errors_.push_back(make_error("Field must have selections (field '" + sel.name + "' returns " + pf.type->name +
                                         " but has no selections. Did you mean '" + sel.name + " { ... }'?)",
                                     sel.loc, path(), {{"code", "selectionMismatch"}, {"nodeName", "field '" + sel.name + "'"}, {"typeName", pf.type->name}}));
      } else {
        collect(sel.selections, *pf.type, "", pf.children);
      }
    }
    merge(out, std::move(pf));
  }

  static std::string selection_names(const selection& sel) {
    std::string s;
    for (const auto& c : sel.selections) s += (s.empty() ? "" : ", ") + c.name;
    return s;
  }

  // Fields with the same response key (and condition) merge their sub-selections, as GraphQL requires.
  static void merge(std::vector<planned_field>& out, planned_field pf) {
    for (auto& f : out) {
      if (f.key == pf.key && f.on_type == pf.on_type && f.name == pf.name) {
        for (auto& c : pf.children) merge(f.children, std::move(c));
        return;
      }
    }
    out.push_back(std::move(pf));
  }

  json::array path() const { return json::array(path_.begin(), path_.end()); }

  const document& doc_;
  const json::object& raw_vars_;
  const schema::schema& s_;
  json::object vars_;
  json::array errors_;
  std::vector<json::value> path_;
  std::set<std::string> active_fragments_;
};

}  // namespace

plan_result make_plan(const document& doc, std::string_view operation_name, const json::object& variables,
                      const schema::schema& s) {
  return planner(doc, variables, s).run(operation_name);
}

}  // namespace nexsync::sim::graphql
