#include "sim/graphql/parser.hpp"

#include "sim/graphql/lexer.hpp"

#include <stdexcept>

namespace nexsync::sim::graphql {

namespace {

struct syntax_error : std::runtime_error {
  location loc;
  syntax_error(const std::string& m, location l) : std::runtime_error(m), loc(l) {}
};

class parser {
 public:
  explicit parser(std::string_view src) : lex_(src) { shift(); }

  document parse_document() {
    document doc;
    if (tok_.k == token::kind::end) fail("Unexpected end of document");
    while (tok_.k != token::kind::end) {
      if (is_punct("{")) {
        operation op;
        op.loc = tok_.loc;
        op.selections = parse_selection_set();
        doc.operations.push_back(std::move(op));
      } else if (tok_.k == token::kind::name &&
                 (tok_.text == "query" || tok_.text == "mutation" || tok_.text == "subscription")) {
        doc.operations.push_back(parse_operation());
      } else if (tok_.k == token::kind::name && tok_.text == "fragment") {
        fragment f = parse_fragment();
        if (doc.fragments.count(f.name)) fail("Fragment name \"" + f.name + "\" must be unique", f.loc);
        std::string name = f.name;
        doc.fragments.emplace(name, std::move(f));
      } else {
        fail_unexpected();
      }
    }
    return doc;
  }

 private:
  [[noreturn]] void fail(const std::string& m) { throw syntax_error(m, tok_.loc); }
  [[noreturn]] void fail(const std::string& m, location l) { throw syntax_error(m, l); }
  [[noreturn]] void fail_unexpected() {
    if (tok_.k == token::kind::error) fail(tok_.text);
    if (tok_.k == token::kind::end) fail("Unexpected end of document");
    fail("Parse error on \"" + tok_.text + "\" at [" + std::to_string(tok_.loc.line) + ", " +
         std::to_string(tok_.loc.column) + "]");
  }

  void shift() {
    tok_ = lex_.next();
    if (tok_.k == token::kind::error) fail(tok_.text);
  }
  bool is_punct(std::string_view p) const { return tok_.k == token::kind::punct && tok_.text == p; }
  void expect(std::string_view p) {
    if (!is_punct(p)) fail_unexpected();
    shift();
  }
  std::string expect_name() {
    if (tok_.k != token::kind::name) fail_unexpected();
    std::string n = std::move(tok_.text);
    shift();
    return n;
  }

  operation parse_operation() {
    operation op;
    op.loc = tok_.loc;
    op.kind = expect_name();
    if (tok_.k == token::kind::name) op.name = expect_name();
    if (is_punct("(")) {
      shift();
      while (!is_punct(")")) op.variables.push_back(parse_variable_definition());
      shift();
      if (op.variables.empty()) fail("Expected a variable definition");
    }
    op.directives = parse_directives(false);
    op.selections = parse_selection_set();
    return op;
  }

  variable_definition parse_variable_definition() {
    variable_definition v;
    v.loc = tok_.loc;
    expect("$");
    v.name = expect_name();
    expect(":");
    v.type = parse_type();
    if (is_punct("=")) {
      shift();
      v.default_value = std::make_unique<value>(parse_value(true));
    }
    parse_directives(true);
    return v;
  }

  std::string parse_type() {
    depth_guard guard(*this);
    std::string t;
    if (is_punct("[")) {
      shift();
      std::string inner = parse_type();
      t.push_back('[');
      t.append(inner);
      t.push_back(']');
      expect("]");
    } else {
      t = expect_name();
    }
    if (is_punct("!")) {
      shift();
      t += "!";
    }
    return t;
  }

  fragment parse_fragment() {
    fragment f;
    f.loc = tok_.loc;
    shift();  // "fragment"
    f.name = expect_name();
    if (f.name == "on") fail("Fragment name cannot be \"on\"");
    if (tok_.k != token::kind::name || tok_.text != "on") fail_unexpected();
    shift();
    f.type_condition = expect_name();
    f.directives = parse_directives(false);
    f.selections = parse_selection_set();
    return f;
  }

  // Bounds recursion so a hostile document cannot exhaust the stack.
  struct depth_guard {
    parser& p;
    explicit depth_guard(parser& q) : p(q) {
      if (++p.depth_ > max_depth) p.fail("Query is nested too deeply (more than " + std::to_string(max_depth) + " levels)");
    }
    ~depth_guard() { --p.depth_; }
  };
  static constexpr int max_depth = 100;

  std::vector<selection> parse_selection_set() {
    depth_guard guard(*this);
    expect("{");
    std::vector<selection> out;
    while (!is_punct("}")) out.push_back(parse_selection());
    shift();
    if (out.empty()) fail("Selection set must not be empty");
    return out;
  }

  selection parse_selection() {
    selection s;
    s.loc = tok_.loc;
    if (is_punct("...")) {
      shift();
      if (tok_.k == token::kind::name && tok_.text != "on") {
        s.k = selection::kind::fragment_spread;
        s.name = expect_name();
        s.directives = parse_directives(false);
        return s;
      }
      s.k = selection::kind::inline_fragment;
      if (tok_.k == token::kind::name && tok_.text == "on") {
        shift();
        s.type_condition = expect_name();
      }
      s.directives = parse_directives(false);
      s.selections = parse_selection_set();
      return s;
    }
    s.k = selection::kind::field;
    s.name = expect_name();
    if (is_punct(":")) {
      shift();
      s.alias = std::move(s.name);
      s.name = expect_name();
    }
    if (is_punct("(")) s.arguments = parse_arguments(false);
    s.directives = parse_directives(false);
    if (is_punct("{")) s.selections = parse_selection_set();
    return s;
  }

  std::vector<argument> parse_arguments(bool is_const) {
    expect("(");
    std::vector<argument> out;
    while (!is_punct(")")) {
      argument a;
      a.loc = tok_.loc;
      a.name = expect_name();
      expect(":");
      a.val = parse_value(is_const);
      out.push_back(std::move(a));
    }
    shift();
    if (out.empty()) fail("Expected an argument");
    return out;
  }

  std::vector<directive> parse_directives(bool is_const) {
    std::vector<directive> out;
    while (is_punct("@")) {
      directive d;
      d.loc = tok_.loc;
      shift();
      d.name = expect_name();
      if (is_punct("(")) d.arguments = parse_arguments(is_const);
      out.push_back(std::move(d));
    }
    return out;
  }

  value parse_value(bool is_const) {
    depth_guard guard(*this);
    value v;
    switch (tok_.k) {
      case token::kind::integer: v.k = value::kind::integer; v.text = tok_.text; shift(); return v;
      case token::kind::floating: v.k = value::kind::floating; v.text = tok_.text; shift(); return v;
      case token::kind::string: v.k = value::kind::string; v.text = tok_.text; shift(); return v;
      case token::kind::name:
        if (tok_.text == "true" || tok_.text == "false") {
          v.k = value::kind::boolean;
          v.boolean = tok_.text == "true";
        } else if (tok_.text == "null") {
          v.k = value::kind::null;
        } else {
          v.k = value::kind::enumeration;
          v.text = tok_.text;
        }
        shift();
        return v;
      case token::kind::punct:
        if (tok_.text == "$") {
          if (is_const) fail("Variables are not allowed here");
          shift();
          v.k = value::kind::variable;
          v.text = expect_name();
          return v;
        }
        if (tok_.text == "[") {
          shift();
          v.k = value::kind::list;
          while (!is_punct("]")) v.items.push_back(parse_value(is_const));
          shift();
          return v;
        }
        if (tok_.text == "{") {
          shift();
          v.k = value::kind::object;
          while (!is_punct("}")) {
            std::string n = expect_name();
            expect(":");
            v.fields.emplace_back(std::move(n), parse_value(is_const));
          }
          shift();
          return v;
        }
        break;
      default:
        break;
    }
    fail_unexpected();
  }

  lexer lex_;
  token tok_;
  int depth_ = 0;
};

}  // namespace

std::variant<document, parse_error> parse(std::string_view source) {
  try {
    parser p(source);
    return p.parse_document();
  } catch (const syntax_error& e) {
    return parse_error{e.what(), e.loc};
  }
}

}  // namespace nexsync::sim::graphql
