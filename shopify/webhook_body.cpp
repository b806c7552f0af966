#include "shopify/webhook_body.hpp"

#include "shopify/shop_domain.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <cctype>
#include <cstdint>

namespace nexsync::shopify {

namespace {

using boost::json::error_code;
using boost::json::string_view;

std::string lower(std::string_view s) {
  std::string out{s};
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// The top-level and customer fields this reader keeps; every other value is only validated.
enum class slot { none, shop_domain, myshopify_domain, order_status_url, customer, customer_id, customer_email, id, graphql_id };

// Handler of boost::json::basic_parser: follows the depth and the current key, and copies only the
// values of the slots above (the last of a repeated key wins, as in a JSON tree).
struct fact_handler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  int depth = 0;                // 1 inside the top-level object, 2 inside a value of it, ...
  bool top_is_object = false;
  bool in_customer = false;     // depth 2 is the top-level "customer" object
  std::string key;              // the current key, while it arrives in parts
  slot pending = slot::none;    // the slot the next value at this depth fills
  std::string value;            // the string value being read, while it arrives in parts
  std::string shop_domain, myshopify_domain, order_status_url, customer_id, customer_email;
  std::string id, graphql_id;   // the top-level id (only a positive integer is kept) and admin_graphql_api_id

  std::string* target(slot s) {
    switch (s) {
      case slot::shop_domain: return &shop_domain;
      case slot::myshopify_domain: return &myshopify_domain;
      case slot::order_status_url: return &order_status_url;
      case slot::customer_id: return &customer_id;
      case slot::customer_email: return &customer_email;
      case slot::id: return &id;
      case slot::graphql_id: return &graphql_id;
      default: return nullptr;
    }
  }

  slot slot_of(std::string_view k) const {
    if (depth == 1) {
      if (k == "shop_domain") return slot::shop_domain;
      if (k == "myshopify_domain") return slot::myshopify_domain;
      if (k == "order_status_url") return slot::order_status_url;
      if (k == "customer") return slot::customer;
      if (k == "id") return slot::id;
      if (k == "admin_graphql_api_id") return slot::graphql_id;
    } else if (depth == 2 && in_customer) {
      if (k == "id") return slot::customer_id;
      if (k == "email") return slot::customer_email;
    }
    return slot::none;
  }

  // A value other than a string or integer in a slot clears it (a tree reader finds no text there).
  void scalar(std::string text) {
    if (auto* t = target(pending)) *t = std::move(text);
    pending = slot::none;
  }

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) {
    if (depth == 0) top_is_object = true;
    if (depth == 1) in_customer = pending == slot::customer;
    if (pending != slot::customer) scalar({});
    pending = slot::none;
    ++depth;
    return true;
  }
  bool on_object_end(std::size_t, error_code&) {
    --depth;
    if (depth == 1) in_customer = false;
    return true;
  }
  bool on_array_begin(error_code&) {
    scalar({});
    ++depth;
    return true;
  }
  bool on_array_end(std::size_t, error_code&) {
    --depth;
    return true;
  }
  bool on_key_part(string_view s, std::size_t, error_code&) {
    key.append(s.data(), s.size());
    return true;
  }
  bool on_key(string_view s, std::size_t, error_code&) {
    key.append(s.data(), s.size());
    pending = slot_of(key);
    key.clear();
    if (pending == slot::customer && depth == 1) customer_id.clear(), customer_email.clear();  // a later "customer" replaces
    return true;
  }
  bool on_string_part(string_view s, std::size_t, error_code&) {
    if (target(pending)) value.append(s.data(), s.size());
    return true;
  }
  bool on_string(string_view s, std::size_t, error_code&) {
    if (target(pending)) {
      value.append(s.data(), s.size());
      scalar(pending == slot::id ? std::string{} : std::move(value));  // an order's id is a number
      value.clear();
    }
    pending = slot::none;
    return true;
  }
  bool on_number_part(string_view, error_code&) { return true; }
  bool on_int64(std::int64_t i, string_view, error_code&) {
    scalar(pending == slot::id && i <= 0 ? std::string{} : std::to_string(i));
    return true;
  }
  bool on_uint64(std::uint64_t u, string_view, error_code&) {
    scalar(std::to_string(u));
    return true;
  }
  bool on_double(double, string_view, error_code&) {
    scalar({});
    return true;
  }
  bool on_bool(bool, error_code&) {
    scalar({});
    return true;
  }
  bool on_null(error_code&) {
    scalar({});
    return true;
  }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }
};

std::string shop_named_by(const fact_handler& h) {
  if (!h.shop_domain.empty()) return lower(h.shop_domain);
  if (!h.myshopify_domain.empty()) return lower(h.myshopify_domain);
  auto& url = h.order_status_url;
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  auto host = std::string_view{url}.substr(scheme + 3);
  host = host.substr(0, host.find_first_of("/:?#"));
  auto domain = lower(host);
  return is_valid_shop_domain(domain) ? domain : std::string{};
}

std::string order_named_by(const fact_handler& h) {
  constexpr std::string_view order_gid_prefix = "gid://shopify/Order/";
  if (h.graphql_id.starts_with(order_gid_prefix)) return h.graphql_id;
  if (!h.id.empty()) return std::string{order_gid_prefix} + h.id;
  return {};
}

}  // namespace

bool is_order_topic(std::string_view topic) { return topic == "orders/create" || topic == "orders/paid"; }

std::string inbox_order_body(std::string_view topic, const webhook_body_facts& facts) {
  if (!is_order_topic(topic) || facts.order_gid.empty()) return {};
  return boost::json::serialize(boost::json::object{{"admin_graphql_api_id", facts.order_gid}});
}

webhook_body_facts read_webhook_body(std::string_view body) {
  boost::json::basic_parser<fact_handler> parser{boost::json::parse_options{}};
  error_code ec;
  auto used = parser.write_some(false, body.data(), body.size(), ec);
  if (!ec && used != body.size()) ec = boost::json::error::extra_data;
  webhook_body_facts f;
  auto& h = parser.handler();
  if (ec) {
    f.problem = "malformed JSON body: " + ec.message();
  } else if (!h.top_is_object) {
    f.problem = "the body is not a JSON object";
  } else {
    f.is_object = true;
    f.named_shop = shop_named_by(h);
    f.customer_id = h.customer_id;
    f.customer_email = h.customer_email;
    f.order_gid = order_named_by(h);
  }
  return f;
}

}  // namespace nexsync::shopify
