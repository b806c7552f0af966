#include "sim/store/search.hpp"

#include <cctype>

namespace nexsync::sim::store {

std::vector<search_term> parse_search(std::string_view q) {
  std::vector<search_term> out;
  std::size_t i = 0;
  auto skip_ws = [&] {
    while (i < q.size() && std::isspace(static_cast<unsigned char>(q[i]))) ++i;
  };
  auto read_value = [&]() {
    std::string v;
    if (i < q.size() && (q[i] == '\'' || q[i] == '"')) {
      char quote = q[i++];
      while (i < q.size() && q[i] != quote) {
        if (q[i] == '\\' && i + 1 < q.size()) ++i;
        v += q[i++];
      }
      if (i < q.size()) ++i;
    } else {
      while (i < q.size() && !std::isspace(static_cast<unsigned char>(q[i]))) v += q[i++];
    }
    return v;
  };
  while (true) {
    skip_ws();
    if (i >= q.size()) break;
    search_term t;
    if (q[i] == '-' ) {
      t.negated = true;
      ++i;
    }
    std::size_t start = i;
    while (i < q.size() && (std::isalnum(static_cast<unsigned char>(q[i])) || q[i] == '_' || q[i] == '.')) ++i;
    std::string word(q.substr(start, i - start));
    if (i < q.size() && q[i] == ':' && !word.empty()) {
      ++i;
      for (auto& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      t.field = word;
      t.op = "=";
      if (q.substr(i, 2) == ">=" || q.substr(i, 2) == "<=") {
        t.op = std::string(q.substr(i, 2));
        i += 2;
      } else if (i < q.size() && (q[i] == '>' || q[i] == '<')) {
        t.op = std::string(1, q[i]);
        ++i;
      }
      t.value = read_value();
      out.push_back(std::move(t));
      continue;
    }
    i = start;
    t.op = "=";
    t.value = read_value();
    if (!t.negated && (t.value == "AND" || t.value.empty())) continue;
    out.push_back(std::move(t));
  }
  return out;
}

bool compare(long long actual, const std::string& op, long long wanted) {
  if (op == ">") return actual > wanted;
  if (op == ">=") return actual >= wanted;
  if (op == "<") return actual < wanted;
  if (op == "<=") return actual <= wanted;
  return actual == wanted;
}

}  // namespace nexsync::sim::store
