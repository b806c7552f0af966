#include "app/pages.hpp"
#include "app/records_handlers.hpp"
#include "app/records_support.hpp"
#include "app/session.hpp"

#include <boost/asio/use_awaitable.hpp>

namespace nexsync::app {

namespace {

using http::response;

boost::asio::awaitable<std::optional<storage::page_of<storage::customer>>> load(context& ctx, const storage::session_row& s,
                                                                                const storage::page_request& p) {
  auto list = [tenant = s.tenant_id, p](storage::connection& c) { return storage::list_customers(c, tenant, p); };
  co_return co_await ctx.db->query(list);
}

boost::asio::awaitable<response> api_list(context& ctx, http::request& req, const storage::session_row& s) {
  auto slice = records::page_from(req);
  if (auto* problem = std::get_if<std::string>(&slice)) co_return response::json_error(400, "invalid_query", *problem);
  auto page = co_await load(ctx, s, std::get<storage::page_request>(slice));
  boost::json::array rows;
  for (auto& c : page->rows) rows.push_back(records::customer_json(c));
  boost::json::object body{{"customers", std::move(rows)}};
  records::add_paging(body, *page);
  co_return response::json(200, body);
}

boost::asio::awaitable<response> customers_page(context& ctx, http::request& req, const storage::session_row& s) {
  auto slice = records::page_from(req);
  if (auto* problem = std::get_if<std::string>(&slice)) co_return error_page(400, "Invalid search", *problem, &s);
  auto p = std::get<storage::page_request>(slice);
  auto page = co_await load(ctx, s, p);
  boost::json::array rows;
  for (auto& c : page->rows) rows.push_back(records::customer_json(c));
  boost::json::object context{{"customers", std::move(rows)}, {"pager", records::pager("/customers", p.query, *page)},
                              {"empty", page->rows.empty()}};
  co_return render_page("customers", "Customers", std::move(context), &s, "customers");
}

}  // namespace

void add_customer_routes(http::router& r, context& ctx) {
  r.add("GET", "/customers", page(ctx, [&ctx](http::request& req, const storage::session_row& s) { return customers_page(ctx, req, s); }));
  r.add("GET", "/api/customers", api(ctx, [&ctx](http::request& req, const storage::session_row& s) { return api_list(ctx, req, s); }));
}

}  // namespace nexsync::app
