#include "app/pages.hpp"
#include "app/records_handlers.hpp"
#include "app/records_support.hpp"
#include "app/session.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include <cmath>

namespace nexsync::app {

namespace {

using http::response;
using awaitable_response = boost::asio::awaitable<response>;

response bad_request(std::string_view code, std::string_view message) { return response::json_error(400, code, message); }

response unknown_sku(const std::string& sku) {
  return response::json_error(404, "unknown_sku", "There is no item with SKU \"" + sku + "\".");
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string{s};
}

// The body as a JSON object, or nullopt.
std::optional<boost::json::object> json_body(const http::request& req) {
  boost::system::error_code ec;
  auto v = boost::json::parse(req.body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return v.as_object();
}

// A JSON whole number (2, not 2.5 or "2"), if v is one.
std::optional<std::int64_t> whole_number(const boost::json::value& v) {
  if (v.is_int64()) return v.as_int64();
  if (v.is_uint64() && v.as_uint64() <= 1'000'000'000'000ULL) return static_cast<std::int64_t>(v.as_uint64());
  return std::nullopt;
}

// The SKU named by the raw path after prefix (percent-decoded; '/' may be encoded inside), requiring suffix.
std::optional<std::string> sku_from_path(const http::request& req, std::string_view prefix, std::string_view suffix) {
  auto rest = records::raw_path_after(req, prefix);
  if (!rest || !rest->ends_with(suffix) || rest->size() == suffix.size()) return std::nullopt;
  auto sku = http::url_decode(std::string_view{*rest}.substr(0, rest->size() - suffix.size()), false);
  if (sku.empty() || storage::text_length(sku) > storage::max_sku_length) return std::nullopt;
  return sku;
}

// ---- JSON API ----

awaitable_response api_list(context& ctx, http::request& req, const storage::session_row& s) {
  auto slice = records::page_from(req);
  if (auto* problem = std::get_if<std::string>(&slice)) co_return bad_request("invalid_query", *problem);
  auto list = [tenant = s.tenant_id, p = std::get<storage::page_request>(slice)](storage::connection& c) {
    return storage::list_items(c, tenant, p);
  };
  auto page = co_await ctx.db->query(list);
  boost::json::array items;
  for (auto& i : page.rows) items.push_back(records::item_json(i));
  boost::json::object body{{"items", std::move(items)}};
  records::add_paging(body, page);
  co_return response::json(200, body);
}

awaitable_response api_create(context& ctx, http::request& req, const storage::session_row& s) {
  auto body = json_body(req);
  if (!body) co_return bad_request("invalid_json", "Send a JSON object with sku, title, price and quantity.");
  storage::new_item item;
  auto* sku = body->if_contains("sku");
  if (!sku || !sku->is_string()) co_return bad_request("invalid_sku", "sku is required.");
  item.sku = trim(sku->as_string());
  if (item.sku.empty() || storage::text_length(item.sku) > storage::max_sku_length || storage::has_control_chars(item.sku))
    co_return bad_request("invalid_sku", "sku must be 1 to 100 characters, without control characters.");
  auto* title = body->if_contains("title");
  if (!title || !title->is_string()) co_return bad_request("invalid_title", "title is required.");
  item.title = trim(title->as_string());
  if (item.title.empty() || storage::text_length(item.title) > storage::max_title_length)
    co_return bad_request("invalid_title", "title must be 1 to 255 characters.");
  if (auto* variant = body->if_contains("variant_title"); variant && !variant->is_null()) {
    if (!variant->is_string() || storage::text_length(variant->as_string()) > storage::max_title_length)
      co_return bad_request("invalid_variant_title", "variant_title must be text of at most 255 characters.");
    item.variant_title = trim(variant->as_string());
  }
  if (auto* price = body->if_contains("price"); price && !price->is_null()) {
    std::string text;
    if (price->is_string()) text = trim(price->as_string());
    else if (price->is_number()) {
      auto v = price->to_number<double>();
      if (std::isfinite(v) && v >= 0 && v < 1e10) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.2f", v);
        text = buf;
      }
    }
    if (!storage::valid_money(text))
      co_return bad_request("invalid_price", "price must be an amount such as 1250.00 (not negative, two decimals at most).");
    item.price = text;
  }
  if (auto* quantity = body->if_contains("quantity"); quantity && !quantity->is_null()) {
    auto n = whole_number(*quantity);
    if (!n || *n < 0 || *n > storage::max_stock_quantity)
      co_return bad_request("invalid_quantity", "quantity must be a whole number from 0 to 1000000.");
    item.quantity = *n;
  }
  auto create = [tenant = s.tenant_id, user = s.user_id, item](storage::connection& c) {
    return storage::create_item(c, tenant, item, user);
  };
  auto created = co_await ctx.db->query(create);
  if (!created)
    co_return response::json_error(409, "duplicate_sku", "An item with SKU \"" + item.sku + "\" already exists.");
  co_return response::json(201, {{"item", records::item_json(*created)}});
}

struct item_with_history {
  std::optional<storage::inventory_item> item;
  std::vector<storage::stock_movement> movements;
};

boost::asio::awaitable<item_with_history> load_item(context& ctx, std::int64_t tenant, const std::string& sku) {
  auto load = [tenant, sku](storage::connection& c) {
    item_with_history out;
    out.item = storage::find_item(c, tenant, sku);
    if (out.item) out.movements = storage::item_movements(c, tenant, out.item->id, 100);
    return out;
  };
  co_return co_await ctx.db->query(load);
}

awaitable_response api_item(context& ctx, http::request& req, const storage::session_row& s) {
  auto raw = records::raw_path_after(req, "/api/inventory/");
  auto sku = sku_from_path(req, "/api/inventory/", "");
  if (!sku || raw->find('/') != std::string::npos)  // one segment: a '/' inside a SKU comes encoded
    co_return response::json_error(404, "not_found", "There is nothing at this address.");
  auto found = co_await load_item(ctx, s.tenant_id, *sku);
  if (!found.item) co_return unknown_sku(*sku);
  boost::json::array movements;
  for (auto& m : found.movements) movements.push_back(records::movement_json(m));
  co_return response::json(200, {{"item", records::item_json(*found.item)}, {"movements", std::move(movements)}});
}

awaitable_response api_adjust(context& ctx, http::request& req, const storage::session_row& s) {
  auto sku = sku_from_path(req, "/api/inventory/", "/adjust");
  if (!sku) co_return response::json_error(404, "not_found", "There is nothing at this address.");
  auto body = json_body(req);
  if (!body) co_return bad_request("invalid_json", "Send a JSON object with delta or quantity, and a note.");
  storage::stock_change change;
  change.user_id = s.user_id;
  auto* delta = body->if_contains("delta");
  auto* quantity = body->if_contains("quantity");
  if (delta && delta->is_null()) delta = nullptr;
  if (quantity && quantity->is_null()) quantity = nullptr;
  if ((delta != nullptr) == (quantity != nullptr))
    co_return bad_request("invalid_adjustment", "Send either delta (a change) or quantity (the new count), not both.");
  if (delta) {
    auto n = whole_number(*delta);
    if (!n || *n == 0 || *n > storage::max_stock_quantity || *n < -storage::max_stock_quantity)
      co_return bad_request("invalid_delta", "delta must be a whole number from -1000000 to 1000000, not 0.");
    change.delta = *n;
  } else {
    auto n = whole_number(*quantity);
    if (!n || *n < 0 || *n > storage::max_stock_quantity)
      co_return bad_request("invalid_quantity", "quantity must be a whole number from 0 to 1000000.");
    change.quantity = *n;
  }
  auto* note = body->if_contains("note");
  if (note && !note->is_null() && !note->is_string()) co_return bad_request("invalid_note", "note must be text.");
  change.note = note && note->is_string() ? trim(note->as_string()) : std::string{};
  if (change.note.empty()) co_return bad_request("note_required", "Say why the stock changes: a note is required.");
  if (storage::text_length(change.note) > storage::max_note_length)
    co_return bad_request("note_too_long", "The note is too long (500 characters at most).");

  auto adjust = [tenant = s.tenant_id, sku = *sku, change](storage::connection& c) {
    return storage::adjust_stock(c, tenant, sku, change);
  };
  auto result = co_await ctx.db->query(adjust);
  if (result.status == storage::adjust_status::not_found) co_return unknown_sku(*sku);
  if (result.status == storage::adjust_status::would_go_negative)
    co_return response::json_error(409, "insufficient_stock",
                                   "Only " + std::to_string(result.item.quantity) + " in stock: the quantity cannot go below 0.");
  co_return response::json(200, {{"item", records::item_json(result.item)}, {"movement", records::movement_json(result.movement)}});
}

// ---- Pages ----

boost::json::object item_row(const storage::inventory_item& i) {
  auto o = records::item_json(i);
  o["url"] = "/inventory/" + http::url_encode(i.sku);
  return o;
}

awaitable_response inventory_page(context& ctx, http::request& req, const storage::session_row& s) {
  auto slice = records::page_from(req);
  if (auto* problem = std::get_if<std::string>(&slice)) co_return error_page(400, "Invalid search", *problem, &s);
  auto p = std::get<storage::page_request>(slice);
  auto list = [tenant = s.tenant_id, p](storage::connection& c) { return storage::list_items(c, tenant, p); };
  auto page = co_await ctx.db->query(list);
  boost::json::array rows;
  for (auto& i : page.rows) rows.push_back(item_row(i));
  boost::json::object context{{"items", std::move(rows)}, {"pager", records::pager("/inventory", p.query, page)},
                              {"empty", page.rows.empty()}};
  co_return render_page("inventory", "Inventory", std::move(context), &s, "inventory");
}

awaitable_response item_page(context& ctx, http::request& req, const storage::session_row& s) {
  auto raw = records::raw_path_after(req, "/inventory/");
  auto sku = sku_from_path(req, "/inventory/", "");
  if (!sku || raw->find('/') != std::string::npos) co_return error_page(404, "Not found", "There is nothing at this address.", &s);
  auto found = co_await load_item(ctx, s.tenant_id, *sku);
  if (!found.item) co_return error_page(404, "Unknown item", "There is no item with SKU \"" + *sku + "\".", &s);
  boost::json::array movements;
  for (auto& m : found.movements) {
    auto o = records::movement_json(m);
    o["delta_text"] = (m.delta > 0 ? "+" : "") + std::to_string(m.delta);
    o["kind_label"] = m.kind == "import_baseline" ? "Shopify import" : m.kind == "initial" ? "Initial stock"
                      : m.kind == "sale" ? "Sale" : "Adjustment";
    if (m.sale_id) o["sale_url"] = "/sales/" + std::to_string(*m.sale_id);
    movements.push_back(std::move(o));
  }
  boost::json::object context{{"item", item_row(*found.item)}, {"movements", std::move(movements)},
                              {"api_url", "/api/inventory/" + http::url_encode(*sku) + "/adjust"}};
  co_return render_page("inventory_item", found.item->sku, std::move(context), &s, "inventory");
}

}  // namespace

void add_inventory_routes(http::router& r, context& ctx) {
  r.add("GET", "/inventory", page(ctx, [&ctx](http::request& req, const storage::session_row& s) { return inventory_page(ctx, req, s); }));
  r.add_prefix("GET", "/inventory/", page(ctx, [&ctx](http::request& req, const storage::session_row& s) { return item_page(ctx, req, s); }));
  r.add("GET", "/api/inventory", api(ctx, [&ctx](http::request& req, const storage::session_row& s) { return api_list(ctx, req, s); }));
  r.add("POST", "/api/inventory", api(ctx, [&ctx](http::request& req, const storage::session_row& s) { return api_create(ctx, req, s); }));
  // Prefix routes: a SKU may contain an encoded '/', which the path-pattern router would split.
  r.add_prefix("GET", "/api/inventory/", api(ctx, [&ctx](http::request& req, const storage::session_row& s) { return api_item(ctx, req, s); }));
  r.add_prefix("POST", "/api/inventory/", api(ctx, [&ctx](http::request& req, const storage::session_row& s) { return api_adjust(ctx, req, s); }));
}

}  // namespace nexsync::app
