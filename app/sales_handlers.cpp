#include "app/pages.hpp"
#include "app/records_handlers.hpp"
#include "app/records_support.hpp"
#include "app/session.hpp"

#include <boost/asio/use_awaitable.hpp>

namespace nexsync::app {

namespace {

using http::response;

std::string_view source_label(std::string_view source) {
  if (source == "pos") return "Shop floor";
  if (source == "shopify_import") return "Shopify import";
  if (source == "shopify_webhook") return "Shopify order";
  return "Reconciliation";
}

boost::json::object sale_view(const storage::sale& s, bool with_lines) {
  auto o = records::sale_json(s, with_lines);
  o["url"] = "/sales/" + std::to_string(s.id);
  o["source_label"] = source_label(s.source);
  return o;
}

boost::asio::awaitable<storage::page_of<storage::sale>> load_list(context& ctx, const storage::session_row& s,
                                                                 const storage::page_request& p) {
  auto list = [tenant = s.tenant_id, p](storage::connection& c) { return storage::list_sales(c, tenant, p); };
  co_return co_await ctx.db->query(list);
}

// The sale named by the {id} path parameter, within the session's tenant (another tenant's id: nullopt).
boost::asio::awaitable<std::optional<storage::sale>> load_sale(context& ctx, const http::request& req,
                                                               const storage::session_row& s) {
  auto id = records::parse_int(req.path_params.count("id") ? req.path_params.at("id") : "");
  if (!id) co_return std::nullopt;
  auto find = [tenant = s.tenant_id, id = *id](storage::connection& c) { return storage::find_sale(c, tenant, id); };
  co_return co_await ctx.db->query(find);
}

boost::asio::awaitable<response> api_list(context& ctx, http::request& req, const storage::session_row& s) {
  auto slice = records::page_from(req);
  if (auto* problem = std::get_if<std::string>(&slice)) co_return response::json_error(400, "invalid_query", *problem);
  auto page = co_await load_list(ctx, s, std::get<storage::page_request>(slice));
  boost::json::array rows;
  for (auto& sale : page.rows) rows.push_back(records::sale_json(sale, false));
  boost::json::object body{{"sales", std::move(rows)}};
  records::add_paging(body, page);
  co_return response::json(200, body);
}

boost::asio::awaitable<response> api_sale(context& ctx, http::request& req, const storage::session_row& s) {
  auto sale = co_await load_sale(ctx, req, s);
  if (!sale) co_return response::json_error(404, "unknown_sale", "There is no such sale.");
  co_return response::json(200, {{"sale", records::sale_json(*sale, true)}});
}

boost::asio::awaitable<response> sales_page(context& ctx, http::request& req, const storage::session_row& s) {
  auto slice = records::page_from(req);
  if (auto* problem = std::get_if<std::string>(&slice)) co_return error_page(400, "Invalid search", *problem, &s);
  auto p = std::get<storage::page_request>(slice);
  auto page = co_await load_list(ctx, s, p);
  boost::json::array rows;
  for (auto& sale : page.rows) rows.push_back(sale_view(sale, false));
  boost::json::object context{{"sales", std::move(rows)}, {"pager", records::pager("/sales", p.query, page)},
                              {"empty", page.rows.empty()}};
  co_return render_page("sales", "Sales", std::move(context), &s, "sales");
}

boost::asio::awaitable<response> sale_page(context& ctx, http::request& req, const storage::session_row& s) {
  auto sale = co_await load_sale(ctx, req, s);
  if (!sale) co_return error_page(404, "Unknown sale", "There is no such sale.", &s);
  auto view = sale_view(*sale, true);
  for (auto& line : view["lines"].as_array()) {
    auto& l = line.as_object();
    if (!l["item_id"].is_null()) l["item_url"] = "/inventory/" + http::url_encode(l["sku"].as_string());
  }
  co_return render_page("sale", "Sale " + sale->number, {{"sale", std::move(view)}}, &s, "sales");
}

}  // namespace

void add_sales_routes(http::router& r, context& ctx) {
  r.add("GET", "/sales", page(ctx, [&ctx](http::request& req, const storage::session_row& s) { return sales_page(ctx, req, s); }));
  r.add("GET", "/sales/{id}", page(ctx, [&ctx](http::request& req, const storage::session_row& s) { return sale_page(ctx, req, s); }));
  r.add("GET", "/api/sales", api(ctx, [&ctx](http::request& req, const storage::session_row& s) { return api_list(ctx, req, s); }));
  r.add("GET", "/api/sales/{id}", api(ctx, [&ctx](http::request& req, const storage::session_row& s) { return api_sale(ctx, req, s); }));
}

}  // namespace nexsync::app
