#include "storage/reconcile_repo.hpp"

#include <boost/json/parse.hpp>

#include <stdexcept>

namespace nexsync::storage {

namespace {

// The integrations column holding each kind's mark (never taken from input).
std::string mark_column(const std::string& kind) {
  if (kind == "reconcile") return "last_reconciled_at";
  if (kind == "sweep") return "last_swept_at";
  throw std::invalid_argument("unknown reconciliation kind " + kind);
}

}  // namespace

std::optional<std::int64_t> walk_mark(connection& c, std::int64_t tenant_id, const std::string& kind) {
  auto r = c.exec("SELECT extract(epoch FROM " + mark_column(kind) +
                      ")::bigint FROM integrations WHERE tenant_id = $1 AND provider = 'shopify'",
                  params{tenant_id});
  if (r.rows() == 0 || r.is_null(0, 0)) return std::nullopt;
  return r.int64(0, 0);
}

void set_walk_mark(connection& c, std::int64_t tenant_id, const std::string& kind, std::int64_t started_at) {
  c.exec("UPDATE integrations SET " + mark_column(kind) +
             " = to_timestamp($2), updated_at = now() WHERE tenant_id = $1 AND provider = 'shopify'",
         params{tenant_id, started_at});
}

std::optional<sweep_resume> find_sweep_resume(connection& c, std::int64_t tenant_id) {
  auto r = c.exec("SELECT extract(epoch FROM sweep_resume_from)::bigint, sweep_resume_cursor FROM integrations"
                  " WHERE tenant_id = $1 AND provider = 'shopify' AND sweep_resume_cursor IS NOT NULL",
                  params{tenant_id});
  if (r.rows() == 0 || r.is_null(0, 0)) return std::nullopt;
  return sweep_resume{r.int64(0, 0), r.get(0, 1)};
}

void set_sweep_resume(connection& c, std::int64_t tenant_id, const std::optional<sweep_resume>& resume) {
  if (!resume) {
    c.exec("UPDATE integrations SET sweep_resume_from = NULL, sweep_resume_cursor = NULL"
           " WHERE tenant_id = $1 AND provider = 'shopify'",
           params{tenant_id});
    return;
  }
  c.exec("UPDATE integrations SET sweep_resume_from = to_timestamp($2), sweep_resume_cursor = $3"
         " WHERE tenant_id = $1 AND provider = 'shopify'",
         params{tenant_id, resume->window_from, resume->cursor});
}

std::vector<std::string> orders_without_sale(connection& c, std::int64_t tenant_id, const std::vector<std::string>& order_ids) {
  if (order_ids.empty()) return {};
  auto r = c.exec(
      "SELECT o FROM unnest($2::text[]) WITH ORDINALITY AS u(o, n)"
      " WHERE NOT EXISTS (SELECT 1 FROM sales s WHERE s.tenant_id = $1 AND s.shopify_order_id = u.o) ORDER BY n",
      params{tenant_id, text_array(order_ids)});
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.get(i, 0));
  return out;
}

void save_report(connection& c, const reconcile_report& x) {
  c.exec(
      "INSERT INTO reconcile_reports (tenant_id, shop_domain, run_id, kind, window_from, window_to, shopify_paid,"
      " recorded, missing, cost_points, cost_cap, complete)"
      " VALUES ($1, $2, NULLIF($3, 0), $4, to_timestamp($5), to_timestamp($6), $7, $8, $9::text[], $10, $11, $12)",
      params{x.tenant_id, x.shop_domain, x.run_id, x.kind, x.window_from, x.window_to, x.shopify_paid, x.recorded,
             text_array(x.missing), x.cost_points, x.cost_cap, x.complete});
}

std::optional<reconcile_report> latest_report(connection& c, std::int64_t tenant_id, const std::string& kind) {
  auto r = c.exec(
      "SELECT id, tenant_id, shop_domain, coalesce(run_id, 0), kind, extract(epoch FROM window_from)::bigint,"
      " extract(epoch FROM window_to)::bigint, shopify_paid, recorded, array_to_json(missing)::text,"
      " to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), cost_points, cost_cap, complete"
      " FROM reconcile_reports WHERE tenant_id = $1 AND kind = $2 ORDER BY id DESC LIMIT 1",
      params{tenant_id, kind});
  if (r.rows() == 0) return std::nullopt;
  reconcile_report x;
  x.id = r.int64(0, 0);
  x.tenant_id = r.int64(0, 1);
  x.shop_domain = r.get(0, 2);
  x.run_id = r.int64(0, 3);
  x.kind = r.get(0, 4);
  if (!r.is_null(0, 5)) x.window_from = r.int64(0, 5);
  x.window_to = r.int64(0, 6);
  x.shopify_paid = r.int64(0, 7);
  x.recorded = r.int64(0, 8);
  auto missing = boost::json::parse(r.get(0, 9));  // named: a range-for over a temporary's member dangles
  for (auto& v : missing.as_array()) x.missing.emplace_back(v.as_string());
  x.created_at = r.get(0, 10);
  x.cost_points = r.int64(0, 11);
  x.cost_cap = r.int64(0, 12);
  x.complete = r.get(0, 13) == "t";
  return x;
}

}  // namespace nexsync::storage
