#include "http/template.hpp"

#include "http/message.hpp"

#include <boost/json/serialize.hpp>

#include <stdexcept>
#include <vector>

namespace nexsync::http {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

const boost::json::value* lookup_in(const boost::json::value& ctx, std::string_view name) {
  if (name == ".") return &ctx;
  const boost::json::value* cur = &ctx;
  while (!name.empty()) {
    auto dot = name.find('.');
    auto part = name.substr(0, dot);
    name = dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
    if (!cur->is_object()) return nullptr;
    auto* next = cur->as_object().if_contains(part);
    if (!next) return nullptr;
    cur = next;
  }
  return cur;
}

bool truthy(const boost::json::value* v) {
  if (!v || v->is_null()) return false;
  if (v->is_bool()) return v->as_bool();
  if (v->is_array()) return !v->as_array().empty();
  if (v->is_string()) return !v->as_string().empty();
  if (v->is_int64()) return v->as_int64() != 0;
  return true;
}

std::string to_text(const boost::json::value& v) {
  if (v.is_string()) return std::string{v.as_string()};
  if (v.is_null()) return {};
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  return boost::json::serialize(v);
}

class renderer {
 public:
  explicit renderer(const partial_lookup& p) : partials_(p) {}

  void render(std::string_view t, std::string& out, int depth = 0) {
    if (depth > 20) throw std::runtime_error("template partials nest too deeply");
    std::size_t pos = 0;
    while (pos < t.size()) {
      auto open = t.find("{{", pos);
      if (open == std::string_view::npos) {
        out.append(t.substr(pos));
        return;
      }
      out.append(t.substr(pos, open - pos));
      bool triple = t.substr(open, 3) == "{{{";
      auto close = t.find(triple ? "}}}" : "}}", open);
      if (close == std::string_view::npos) throw std::runtime_error("unclosed {{ in template");
      auto tag = t.substr(open + (triple ? 3 : 2), close - open - (triple ? 3 : 2));
      pos = close + (triple ? 3 : 2);
      if (triple) {
        if (auto* v = find(trim(tag))) out += to_text(*v);
        continue;
      }
      if (tag.empty()) continue;
      char kind = tag.front();
      auto name = trim(kind == '#' || kind == '^' || kind == '/' || kind == '!' || kind == '>' || kind == '&'
                           ? tag.substr(1)
                           : tag);
      switch (kind) {
        case '!': break;
        case '&':
          if (auto* v = find(name)) out += to_text(*v);
          break;
        case '>': {
          auto p = partials_ ? partials_(name) : std::nullopt;
          if (!p) throw std::runtime_error("unknown partial " + std::string{name});
          render(*p, out, depth + 1);
          break;
        }
        case '#':
        case '^': {
          auto end = find_section_end(t, pos, name);
          auto inner = t.substr(pos, end.first - pos);
          pos = end.second;
          section(kind == '^', name, inner, out, depth);
          break;
        }
        case '/': throw std::runtime_error("unexpected {{/" + std::string{name} + "}}");
        default:
          if (auto* v = find(name)) out += html_escape(to_text(*v));
      }
    }
  }

  std::vector<const boost::json::value*> stack;

 private:
  const boost::json::value* find(std::string_view name) const {
    if (name == ".") return stack.back();
    for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
      auto first = name.substr(0, name.find('.'));
      if (((*it)->is_object() && (*it)->as_object().contains(first))) return lookup_in(**it, name);
    }
    return nullptr;
  }

  // Returns (start of the closing tag, position after it), honouring nested sections of the same name.
  static std::pair<std::size_t, std::size_t> find_section_end(std::string_view t, std::size_t from, std::string_view name) {
    int depth = 1;
    std::size_t pos = from;
    while (true) {
      auto open = t.find("{{", pos);
      if (open == std::string_view::npos) throw std::runtime_error("unclosed section " + std::string{name});
      auto close = t.find("}}", open);
      if (close == std::string_view::npos) throw std::runtime_error("unclosed {{ in template");
      auto tag = t.substr(open + 2, close - open - 2);
      if (!tag.empty() && (tag.front() == '#' || tag.front() == '^') && trim(tag.substr(1)) == name) ++depth;
      if (!tag.empty() && tag.front() == '/' && trim(tag.substr(1)) == name && --depth == 0) return {open, close + 2};
      pos = close + 2;
    }
  }

  void section(bool inverted, std::string_view name, std::string_view inner, std::string& out, int depth) {
    auto* v = find(name);
    if (inverted) {
      if (!truthy(v)) render(inner, out, depth);
      return;
    }
    if (!truthy(v)) return;
    if (v->is_array()) {
      for (auto& item : v->as_array()) {
        stack.push_back(&item);
        render(inner, out, depth);
        stack.pop_back();
      }
    } else {
      stack.push_back(v);
      render(inner, out, depth);
      stack.pop_back();
    }
  }

  const partial_lookup& partials_;
};

}  // namespace

std::string render_template(std::string_view tmpl, const boost::json::value& context, const partial_lookup& partials) {
  renderer r{partials};
  r.stack.push_back(&context);
  std::string out;
  out.reserve(tmpl.size() * 2);
  r.render(tmpl, out);
  return out;
}

}  // namespace nexsync::http
