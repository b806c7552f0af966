#include "storage/customers_repo.hpp"

#include <algorithm>
#include <set>

namespace nexsync::storage {

namespace {

const std::string customer_columns =
    "id, name, email, phone, accepts_marketing, " + iso_utc("marketing_consent_updated_at") +
    ", marketing_consent_source, shopify_customer_id, " + iso_utc("created_at");

customer customer_from(const result& r, int row) {
  return customer{r.int64(row, 0), r.get(row, 1),      r.optional(row, 2), r.get(row, 3),     r.boolean(row, 4),
                  r.optional(row, 5), r.get(row, 6), r.optional(row, 7), r.get(row, 8)};
}

std::string lower_ascii(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string{s};
}

std::string check_customer_row(const shopify_customer_row& row, const std::string& email) {
  if (email.size() < 3 || text_length(email) > 254 || email.find('@') == std::string::npos || has_control_chars(email))
    return "invalid_email";
  if (text_length(row.name) > 200) return "invalid_name";
  if (text_length(row.phone) > 40) return "invalid_phone";
  if (row.consent_updated_at && !valid_timestamp(*row.consent_updated_at)) return "invalid_consent_time";
  if (row.shopify_id.size() > 100 || text_length(row.consent_source) > 50) return "invalid_ids";
  return {};
}

}  // namespace

page_of<customer> list_customers(connection& c, std::int64_t tenant_id, const page_request& req) {
  page_of<customer> out;
  out.per_page = std::clamp<std::int64_t>(req.per_page, 1, 200);
  out.page = std::max<std::int64_t>(req.page, 1);
  auto pattern = like_contains(req.query);
  const std::string filter =
      " FROM customers WHERE tenant_id = $1 AND ($2 = '' OR name ILIKE $3 OR email ILIKE $3 OR phone ILIKE $3)";
  out.total = c.exec("SELECT count(*)" + filter, params{tenant_id, req.query, pattern}).int64(0, 0);
  auto r = c.exec("SELECT " + customer_columns + filter + " ORDER BY lower(name), lower(email), id LIMIT $4 OFFSET $5",
                  params{tenant_id, req.query, pattern, out.per_page, (out.page - 1) * out.per_page});
  for (int i = 0; i < r.rows(); ++i) out.rows.push_back(customer_from(r, i));
  return out;
}

std::optional<customer> find_customer_by_email(connection& c, std::int64_t tenant_id, const std::string& email) {
  auto r = c.exec("SELECT " + customer_columns + " FROM customers WHERE tenant_id = $1 AND lower(email) = lower($2)",
                  params{tenant_id, email});
  if (r.rows() == 0) return std::nullopt;
  return customer_from(r, 0);
}

std::optional<customer> create_customer(connection& c, std::int64_t tenant_id, const new_customer& nc) {
  auto r = c.exec(
      "INSERT INTO customers (tenant_id, name, email, phone, accepts_marketing, marketing_consent_updated_at,"
      " marketing_consent_source) VALUES ($1, $2, $3, $4, $5, now(), $6)"
      " ON CONFLICT DO NOTHING RETURNING " + customer_columns,
      params{tenant_id, nc.name, nc.email, nc.phone, nc.accepts_marketing, nc.consent_source});
  if (r.rows() == 0) return std::nullopt;
  return customer_from(r, 0);
}

std::int64_t redact_customer(connection& c, std::int64_t tenant_id, const std::string& shopify_customer_id,
                             const std::string& email) {
  auto r = c.exec(
      "UPDATE customers SET name = 'Redacted customer', email = NULL, phone = '', accepts_marketing = false,"
      " marketing_consent_updated_at = NULL, marketing_consent_source = 'redacted', content_digest = NULL,"
      " updated_at = now()"
      " WHERE tenant_id = $1 AND ((shopify_customer_id IS NOT NULL AND $2 <> ''"
      "   AND shopify_customer_id IN ($2, 'gid://shopify/Customer/' || $2))"
      "   OR ($3 <> '' AND lower(email) = lower($3)))",
      params{tenant_id, shopify_customer_id, email});
  return r.affected();
}

std::vector<row_outcome> upsert_customers_from_shopify(connection& c, std::int64_t tenant_id,
                                                       const std::vector<shopify_customer_row>& rows) {
  std::vector<row_outcome> out(rows.size());
  std::set<std::string> seen;
  transaction tx{c};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto& row = rows[i];
    auto& o = out[i];
    auto email = trimmed(row.email);
    if (email.empty()) {
      o.reason = "no_email";
      continue;
    }
    if (!seen.insert(lower_ascii(email)).second) {
      o.reason = "duplicate_email";
      continue;
    }
    if (auto problem = check_customer_row(row, email); !problem.empty()) {
      o.reason = problem;
      continue;
    }
    auto digest = digest_input({row.shopify_id, email, row.name, row.phone, row.accepts_marketing ? "1" : "0",
                                row.consent_updated_at.value_or(""), row.consent_source});
    param shopify_id = row.shopify_id.empty() ? param{} : param{row.shopify_id};
    auto failed = within_savepoint(c, [&] {
      // By email first; a customer whose email changed at Shopify is still found by its Shopify id.
      const std::string find =
          "SELECT id, content_digest IS NOT DISTINCT FROM md5($3) FROM customers WHERE tenant_id = $1"
          " AND (lower(email) = lower($2) OR ($4::text IS NOT NULL AND shopify_customer_id = $4))"
          " ORDER BY (lower(email) = lower($2)) DESC NULLS LAST LIMIT 1 FOR UPDATE";
      auto existing = c.exec(find, params{tenant_id, email, digest, shopify_id});
      if (existing.rows() == 0) {
        auto created = c.exec(
            "INSERT INTO customers (tenant_id, name, email, phone, accepts_marketing, marketing_consent_updated_at,"
            " marketing_consent_source, shopify_customer_id, content_digest, last_synced_at)"
            " VALUES ($1, $2, $3, $4, $5, coalesce($6::timestamptz, now()), $7, $8, md5($9), now())"
            " ON CONFLICT DO NOTHING RETURNING id",
            params{tenant_id, row.name, email, row.phone, row.accepts_marketing, row.consent_updated_at,
                   row.consent_source, shopify_id, digest});
        if (created.rows() == 1) {
          o.status = row_status::created;
          o.id = created.int64(0, 0);
          return;
        }
        existing = c.exec(find, params{tenant_id, email, digest, shopify_id});  // added concurrently
        if (existing.rows() == 0) {
          o.reason = "conflict";
          return;
        }
      }
      o.id = existing.int64(0, 0);
      if (existing.boolean(0, 1)) {
        o.reason = "unchanged";
        return;
      }
      c.exec(
          "UPDATE customers SET email = $3, name = CASE WHEN $4 <> '' THEN $4 ELSE name END,"
          " phone = CASE WHEN $5 <> '' THEN $5 ELSE phone END,"
          " shopify_customer_id = coalesce($6, shopify_customer_id), content_digest = md5($7),"
          " last_synced_at = now(), updated_at = now(),"
          " accepts_marketing = CASE WHEN t.newer THEN $8 ELSE accepts_marketing END,"
          " marketing_consent_updated_at = CASE WHEN t.newer THEN coalesce($9::timestamptz, now())"
          "   ELSE marketing_consent_updated_at END,"
          " marketing_consent_source = CASE WHEN t.newer THEN $10 ELSE marketing_consent_source END"
          " FROM (SELECT c2.marketing_consent_updated_at IS NULL"
          "   OR ($9::timestamptz IS NOT NULL AND $9::timestamptz > c2.marketing_consent_updated_at) AS newer"
          "   FROM customers c2 WHERE c2.tenant_id = $1 AND c2.id = $2) t"
          " WHERE customers.tenant_id = $1 AND customers.id = $2",
          params{tenant_id, o.id, email, row.name, row.phone, shopify_id, digest, row.accepts_marketing,
                 row.consent_updated_at, row.consent_source});
      o.status = row_status::updated;
    });
    if (!failed.empty()) o = row_outcome{row_status::skipped, "conflict", 0};
  }
  tx.commit();
  return out;
}

}  // namespace nexsync::storage
