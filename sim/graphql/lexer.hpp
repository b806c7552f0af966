#pragma once
// Splits GraphQL source text into tokens (names, punctuators, numbers, strings), skipping ignored text.

#include "sim/graphql/ast.hpp"

#include <string>
#include <string_view>

namespace nexsync::sim::graphql {

/// One token of the source.
struct token {
  enum class kind { end, punct, name, integer, floating, string, error };
  kind k = kind::end;
  std::string text;  ///< punctuator ("{", "...", ...), name, number as written, decoded string, or error
  location loc;
};

/// A pull lexer over one document.
class lexer {
 public:
  /// Lexes `source`, which must outlive the lexer.
  explicit lexer(std::string_view source) : src_(source) {}
  /// Returns the next token; kind::error carries a message in `text`.
  token next();

 private:
  void skip_ignored();
  token lex_number();
  token lex_string();
  token lex_block_string();
  char peek(std::size_t ahead = 0) const { return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0'; }
  void advance(std::size_t n = 1);

  std::string_view src_;
  std::size_t pos_ = 0;
  location loc_;
};

}  // namespace nexsync::sim::graphql
