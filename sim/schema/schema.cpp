#include "sim/schema/schema.hpp"

#include "sim/graphql/lexer.hpp"

#include <stdexcept>

namespace nexsync::sim::schema {

std::string_view type_ref::named() const {
  std::string_view s = text;
  while (!s.empty() && (s.front() == '[')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ']' || s.back() == '!')) s.remove_suffix(1);
  return s;
}

type_ref type_ref::item() const {
  std::string_view s = text;
  if (!s.empty() && s.back() == '!') s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') return type_ref{std::string(s.substr(1, s.size() - 2))};
  return type_ref{std::string(s)};
}

const input_value* field_def::arg(std::string_view n) const {
  for (const auto& a : args)
    if (a.name == n) return &a;
  return nullptr;
}

const field_def* type_def::field(std::string_view n) const {
  auto it = fields.find(n);
  return it == fields.end() ? nullptr : &it->second;
}

const type_def* schema::find(std::string_view name) const {
  auto it = types_.find(name);
  return it == types_.end() ? nullptr : &it->second;
}

bool schema::satisfies(std::string_view object, std::string_view abstract) const {
  if (object == abstract) return true;
  const type_def* t = find(object);
  if (!t) return false;
  for (const auto& i : t->interfaces)
    if (i == abstract) return true;
  return false;
}

type_def& schema::add(type_def t) {
  std::string name = t.name;
  return types_.insert_or_assign(std::move(name), std::move(t)).first->second;
}

namespace {

using graphql::lexer;
using graphql::token;

// A small SDL reader for the embedded schema text (scalar, enum, interface, type, input, and the
// shorthand `connection X` that declares XConnection and XEdge).
class sdl_reader {
 public:
  sdl_reader(std::string_view text, schema& s) : lex_(text), s_(s) { shift(); }

  void read() {
    while (tok_.k != token::kind::end) {
      std::string kw = name();
      if (kw == "scalar") {
        s_.add(type_def{name(), type_kind::scalar, {}, {}, {}, {}, false});
      } else if (kw == "enum") {
        type_def t{name(), type_kind::enumeration, {}, {}, {}, {}, false};
        expect("{");
        while (!punct("}")) t.enum_values.push_back(name());
        shift();
        s_.add(std::move(t));
      } else if (kw == "interface" || kw == "type") {
        type_def t{name(), kw == "type" ? type_kind::object : type_kind::interface, {}, {}, {}, {}, false};
        if (tok_.k == token::kind::name && tok_.text == "implements") {
          shift();
          t.interfaces.push_back(name());
          while (punct("&")) {
            shift();
            t.interfaces.push_back(name());
          }
        }
        expect("{");
        while (!punct("}")) {
          field_def f = read_field();
          std::string n = f.name;
          t.fields.emplace(std::move(n), std::move(f));
        }
        shift();
        s_.add(std::move(t));
      } else if (kw == "input") {
        type_def t{name(), type_kind::input_object, {}, {}, {}, {}, false};
        expect("{");
        while (!punct("}")) t.input_fields.push_back(read_input_value());
        shift();
        s_.add(std::move(t));
      } else if (kw == "connection") {
        std::string n = name();
        type_def edge{n + "Edge", type_kind::object, {}, {}, {}, {}, false};
        edge.fields.emplace("cursor", field_def{"cursor", {"String!"}, {}, {}});
        edge.fields.emplace("node", field_def{"node", {n + "!"}, {}, {}});
        s_.add(std::move(edge));
        type_def conn{n + "Connection", type_kind::object, {}, {}, {}, {}, true};
        conn.fields.emplace("nodes", field_def{"nodes", {"[" + n + "!]!"}, {}, {}});
        conn.fields.emplace("edges", field_def{"edges", {"[" + n + "Edge!]!"}, {}, {}});
        conn.fields.emplace("pageInfo", field_def{"pageInfo", {"PageInfo!"}, {}, {}});
        s_.add(std::move(conn));
      } else {
        throw std::logic_error("schema: unexpected " + kw);
      }
    }
  }

 private:
  void shift() {
    tok_ = lex_.next();
    if (tok_.k == token::kind::error) throw std::logic_error("schema: " + tok_.text);
  }
  bool punct(std::string_view p) const { return tok_.k == token::kind::punct && tok_.text == p; }
  void expect(std::string_view p) {
    if (!punct(p)) throw std::logic_error("schema: expected " + std::string(p) + " got " + tok_.text);
    shift();
  }
  std::string name() {
    if (tok_.k != token::kind::name) throw std::logic_error("schema: expected a name, got " + tok_.text);
    std::string n = tok_.text;
    shift();
    return n;
  }
  std::string type() {
    std::string t;
    if (punct("[")) {
      shift();
      std::string inner = type();
      t.push_back('[');
      t.append(inner);
      t.push_back(']');
      expect("]");
    } else {
      t = name();
    }
    if (punct("!")) {
      shift();
      t += "!";
    }
    return t;
  }
  boost::json::value literal() {
    if (tok_.k == token::kind::name) {
      std::string n = name();
      if (n == "true") return true;
      if (n == "false") return false;
      if (n == "null") return nullptr;
      return boost::json::value(n);  // enum
    }
    if (tok_.k == token::kind::integer) {
      auto v = std::stoll(tok_.text);
      shift();
      return v;
    }
    if (tok_.k == token::kind::string) {
      std::string v = tok_.text;
      shift();
      return boost::json::value(v);
    }
    throw std::logic_error("schema: unsupported default " + tok_.text);
  }
  input_value read_input_value() {
    input_value v;
    v.name = name();
    expect(":");
    v.type.text = type();
    if (punct("=")) {
      shift();
      v.default_value = literal();
    }
    return v;
  }
  field_def read_field() {
    field_def f;
    f.name = name();
    if (punct("(")) {
      shift();
      while (!punct(")")) f.args.push_back(read_input_value());
      shift();
    }
    expect(":");
    f.type.text = type();
    while (punct("@")) {
      shift();
      std::string d = name();
      expect("(");
      std::string arg = name();
      expect(":");
      if (tok_.k != token::kind::string) throw std::logic_error("schema: expected a string");
      if (d == "access" && arg == "scope") f.required_access = tok_.text;
      shift();
      expect(")");
    }
    return f;
  }

  lexer lex_;
  token tok_;
  schema& s_;
};

constexpr std::string_view admin_sdl =
#include "sim/schema/admin.graphql.inc"
    ;

}  // namespace

const schema& admin_schema() {
  static const schema s = [] {
    schema built;
    sdl_reader(admin_sdl, built).read();
    return built;
  }();
  return s;
}

}  // namespace nexsync::sim::schema
