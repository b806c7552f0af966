#include "sim/graphql/lexer.hpp"

#include <cctype>

namespace nexsync::sim::graphql {

namespace {

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

void lexer::advance(std::size_t n) {
  for (std::size_t i = 0; i < n && pos_ < src_.size(); ++i) {
    if (src_[pos_] == '\n') {
      ++loc_.line;
      loc_.column = 1;
    } else {
      ++loc_.column;
    }
    ++pos_;
  }
}

void lexer::skip_ignored() {
  while (pos_ < src_.size()) {
    char c = src_[pos_];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',') {
      advance();
    } else if (c == '#') {
      while (pos_ < src_.size() && src_[pos_] != '\n') advance();
    } else if (static_cast<unsigned char>(c) == 0xEF && peek(1) == '\xBB' && peek(2) == '\xBF') {
      advance(3);  // byte order mark
    } else {
      break;
    }
  }
}

token lexer::next() {
  skip_ignored();
  token t;
  t.loc = loc_;
  if (pos_ >= src_.size()) return t;
  char c = src_[pos_];
  if (c == '.') {
    if (peek(1) == '.' && peek(2) == '.') {
      advance(3);
      t.k = token::kind::punct;
      t.text = "...";
      return t;
    }
    t.k = token::kind::error;
    t.text = "Expected \"...\"";
    return t;
  }
  static constexpr std::string_view puncts = "!$&()[]{}:=@|";
  if (puncts.find(c) != std::string_view::npos) {
    advance();
    t.k = token::kind::punct;
    t.text = std::string(1, c);
    return t;
  }
  if (is_name_start(c)) {
    std::size_t start = pos_;
    while (pos_ < src_.size() && is_name_char(src_[pos_])) advance();
    t.k = token::kind::name;
    t.text = std::string(src_.substr(start, pos_ - start));
    return t;
  }
  if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) {
    token n = lex_number();
    n.loc = t.loc;
    return n;
  }
  if (c == '"') {
    token s = (peek(1) == '"' && peek(2) == '"') ? lex_block_string() : lex_string();
    s.loc = t.loc;
    return s;
  }
  t.k = token::kind::error;
  t.text = std::string("Unexpected character \"") + c + "\"";
  return t;
}

token lexer::lex_number() {
  token t;
  std::size_t start = pos_;
  bool is_float = false;
  if (peek() == '-') advance();
  if (!std::isdigit(static_cast<unsigned char>(peek()))) {
    t.k = token::kind::error;
    t.text = "Invalid number";
    return t;
  }
  while (std::isdigit(static_cast<unsigned char>(peek()))) advance();
  if (peek() == '.' && std::isdigit(static_cast<unsigned char>(peek(1)))) {
    is_float = true;
    advance();
    while (std::isdigit(static_cast<unsigned char>(peek()))) advance();
  }
  if (peek() == 'e' || peek() == 'E') {
    is_float = true;
    advance();
    if (peek() == '+' || peek() == '-') advance();
    if (!std::isdigit(static_cast<unsigned char>(peek()))) {
      t.k = token::kind::error;
      t.text = "Invalid number";
      return t;
    }
    while (std::isdigit(static_cast<unsigned char>(peek()))) advance();
  }
  if (is_name_start(peek()) || peek() == '.') {
    t.k = token::kind::error;
    t.text = "Invalid number";
    return t;
  }
  t.k = is_float ? token::kind::floating : token::kind::integer;
  t.text = std::string(src_.substr(start, pos_ - start));
  return t;
}

token lexer::lex_string() {
  token t;
  advance();  // opening quote
  std::string out;
  while (true) {
    if (pos_ >= src_.size() || peek() == '\n' || peek() == '\r') {
      t.k = token::kind::error;
      t.text = "Unterminated string";
      return t;
    }
    char c = peek();
    if (c == '"') {
      advance();
      break;
    }
    if (c == '\\') {
      char e = peek(1);
      advance(2);
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned cp = 0;
          for (int i = 0; i < 4; ++i) {
            char h = peek();
            if (!std::isxdigit(static_cast<unsigned char>(h))) {
              t.k = token::kind::error;
              t.text = "Invalid unicode escape";
              return t;
            }
            cp = cp * 16 + static_cast<unsigned>(std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
            advance();
          }
          if (cp >= 0xD800 && cp <= 0xDBFF && peek() == '\\' && peek(1) == 'u') {
            unsigned lo = 0;
            std::size_t save = pos_;
            location save_loc = loc_;
            advance(2);
            bool ok = true;
            for (int i = 0; i < 4; ++i) {
              char h = peek();
              if (!std::isxdigit(static_cast<unsigned char>(h))) { ok = false; break; }
              lo = lo * 16 + static_cast<unsigned>(std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
              advance();
            }
            if (ok && lo >= 0xDC00 && lo <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else {
              pos_ = save;
              loc_ = save_loc;
            }
          }
          append_utf8(out, cp);
          break;
        }
        default:
          t.k = token::kind::error;
          t.text = std::string("Invalid escape \\") + e;
          return t;
      }
      continue;
    }
    out += c;
    advance();
  }
  t.k = token::kind::string;
  t.text = std::move(out);
  return t;
}

token lexer::lex_block_string() {
  token t;
  advance(3);
  std::string raw;
  while (true) {
    if (pos_ >= src_.size()) {
      t.k = token::kind::error;
      t.text = "Unterminated string";
      return t;
    }
    if (peek() == '"' && peek(1) == '"' && peek(2) == '"') {
      advance(3);
      break;
    }
    if (peek() == '\\' && peek(1) == '"' && peek(2) == '"' && peek(3) == '"') {
      raw += "\"\"\"";
      advance(4);
      continue;
    }
    raw += peek();
    advance();
  }
  // Block string value: strip common indentation and blank leading/trailing lines (spec 2.9.4).
  std::vector<std::string> lines;
  std::size_t s = 0;
  for (std::size_t i = 0; i <= raw.size(); ++i) {
    if (i == raw.size() || raw[i] == '\n') {
      std::string line = raw.substr(s, i - s);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines.push_back(std::move(line));
      s = i + 1;
    }
  }
  std::size_t common = std::string::npos;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::size_t ind = lines[i].find_first_not_of(" \t");
    if (ind == std::string::npos) continue;
    common = std::min(common, ind);
  }
  if (common != std::string::npos)
    for (std::size_t i = 1; i < lines.size(); ++i) lines[i].erase(0, std::min(common, lines[i].size()));
  auto blank = [](const std::string& l) { return l.find_first_not_of(" \t") == std::string::npos; };
  while (!lines.empty() && blank(lines.front())) lines.erase(lines.begin());
  while (!lines.empty() && blank(lines.back())) lines.pop_back();
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i) out += '\n';
    out += lines[i];
  }
  t.k = token::kind::string;
  t.text = std::move(out);
  return t;
}

}  // namespace nexsync::sim::graphql
