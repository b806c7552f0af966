#pragma once
// Helpers shared by the record handlers (inventory, customers, sales): list paging from the query string,
// the JSON shapes of records, and record ids read from the raw request target.

#include "http/message.hpp"
#include "storage/customers_repo.hpp"
#include "storage/inventory_repo.hpp"
#include "storage/sales_repo.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <optional>
#include <string>
#include <variant>

namespace nexsync::app::records {

/// Rows per page of every record list.
inline constexpr std::int64_t per_page = 50;
/// The longest search text accepted.
inline constexpr std::size_t max_query_length = 100;

/// A whole number in decimal, if s is exactly one (no sign unless allow_negative, no spaces).
inline std::optional<std::int64_t> parse_int(std::string_view s, bool allow_negative = false) {
  if (s.empty() || s.size() > 18 || (!allow_negative && s.front() == '-')) return std::nullopt;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

/// The list slice asked for by ?query=&page=, or a message saying what is wrong with it.
inline std::variant<storage::page_request, std::string> page_from(const http::request& req) {
  storage::page_request p;
  p.per_page = per_page;
  p.query = req.query_param("query").value_or("");
  if (storage::text_length(p.query) > max_query_length || storage::has_control_chars(p.query))
    return std::string{"The search text is too long (100 characters at most)."};
  auto page = req.query_param("page").value_or("");
  if (!page.empty()) {
    auto n = parse_int(page);
    if (!n || *n < 1 || *n > 100000) return std::string{"page must be a whole number from 1."};
    p.page = *n;
  }
  return p;
}

/// Total pages of a list (at least 1).
template <class T>
std::int64_t page_count(const storage::page_of<T>& p) {
  return std::max<std::int64_t>(1, (p.total + p.per_page - 1) / p.per_page);
}

/// Paging fields of a JSON list answer.
template <class T>
void add_paging(boost::json::object& o, const storage::page_of<T>& p) {
  o["page"] = p.page;
  o["per_page"] = p.per_page;
  o["total"] = p.total;
  o["pages"] = page_count(p);
}

/// Template context for a list's pager: query, page, pages, prev_url, next_url.
template <class T>
boost::json::object pager(std::string_view base, const std::string& query, const storage::page_of<T>& p) {
  auto url = [&](std::int64_t page) {
    std::string u{base};
    u += "?query=" + http::url_encode(query) + "&page=" + std::to_string(page);
    return u;
  };
  boost::json::object o{{"query", query}, {"page", p.page}, {"pages", page_count(p)}, {"total", p.total}};
  if (p.page > 1) o["prev_url"] = url(p.page - 1);
  if (p.page < page_count(p)) o["next_url"] = url(p.page + 1);
  return o;
}

inline boost::json::value opt(const std::optional<std::string>& s) {
  if (s) return boost::json::value(*s);
  return nullptr;
}

/// An item as the JSON API shows it.
inline boost::json::object item_json(const storage::inventory_item& i) {
  return {{"id", i.id},
          {"sku", i.sku},
          {"title", i.title},
          {"variant_title", i.variant_title},
          {"price", i.price},
          {"quantity", i.quantity},
          {"linked_to_shopify", i.shopify_variant_id.has_value()},
          {"shopify",
           {{"product_id", opt(i.shopify_product_id)},
            {"variant_id", opt(i.shopify_variant_id)},
            {"inventory_item_id", opt(i.shopify_inventory_item_id)}}},
          {"last_synced_at", opt(i.last_synced_at)},
          {"updated_at", i.updated_at}};
}

/// A stock movement as the JSON API shows it.
inline boost::json::object movement_json(const storage::stock_movement& m) {
  boost::json::object o{{"id", m.id},       {"kind", m.kind}, {"delta", m.delta}, {"quantity_after", m.quantity_after},
                        {"note", m.note},   {"user", opt(m.user_email)},          {"created_at", m.created_at}};
  o["sale_id"] = m.sale_id ? boost::json::value(*m.sale_id) : boost::json::value(nullptr);
  return o;
}

/// A customer as the JSON API shows it.
inline boost::json::object customer_json(const storage::customer& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"email", opt(c.email)},
          {"phone", c.phone},
          {"accepts_marketing", c.accepts_marketing},
          {"marketing_consent_updated_at", opt(c.consent_updated_at)},
          {"marketing_consent_source", c.consent_source},
          {"shopify_customer_id", opt(c.shopify_customer_id)},
          {"created_at", c.created_at}};
}

/// A sale (with its lines when loaded) as the JSON API shows it.
inline boost::json::object sale_json(const storage::sale& s, bool with_lines) {
  boost::json::object o{{"id", s.id},
                        {"number", s.number},
                        {"shopify_order_id", opt(s.shopify_order_id)},
                        {"shopify_order_name", opt(s.shopify_order_name)},
                        {"source", s.source},
                        {"currency", s.currency},
                        {"subtotal", s.subtotal},
                        {"total_tax", s.total_tax},
                        {"total", s.total},
                        {"financial_status", s.financial_status},
                        {"created_at", s.created_at},
                        {"line_count", s.line_count}};
  if (s.customer_id)
    o["customer"] = {{"id", *s.customer_id}, {"name", opt(s.customer_name)}, {"email", opt(s.customer_email)}};
  else
    o["customer"] = nullptr;
  if (with_lines) {
    boost::json::array lines;
    for (auto& l : s.lines) {
      boost::json::object lj{{"line_no", l.line_no}, {"sku", l.sku},           {"title", l.title},
                             {"quantity", l.quantity}, {"unit_price", l.unit_price}};
      lj["item_id"] = l.item_id ? boost::json::value(*l.item_id) : boost::json::value(nullptr);
      lines.push_back(std::move(lj));
    }
    o["lines"] = std::move(lines);
  }
  return o;
}

/// The part of the raw (still percent-encoded) request path after prefix, so that an encoded '/' inside
/// a SKU stays inside it; nullopt if the path does not start with prefix.
inline std::optional<std::string> raw_path_after(const http::request& req, std::string_view prefix) {
  std::string_view target = req.target;
  target = target.substr(0, target.find('?'));
  if (!target.starts_with(prefix)) return std::nullopt;
  return std::string{target.substr(prefix.size())};
}

}  // namespace nexsync::app::records
