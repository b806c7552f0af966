#include "storage/webhook_events_repo.hpp"

namespace nexsync::storage {

namespace {

template <class Field>
std::string text_array(const std::vector<new_webhook_event>& rows, Field field) {
  std::string out = "{";
  for (auto& r : rows) append_array_element(out, field(r));
  out.push_back('}');
  return out;
}

constexpr std::string_view row_columns =
    "id, tenant_id, shop_domain, topic, webhook_id, event_id, api_version, triggered_at, %PAYLOAD%, status, reason,"
    " to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
    " to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

std::string select_columns(bool with_payload) {
  std::string s{row_columns};
  s.replace(s.find("%PAYLOAD%"), 9, with_payload ? "payload" : "''");
  return s;
}

// The topics shop connections apply (see the header).
const std::string order_topics = " AND topic IN ('orders/create', 'orders/paid')";

webhook_event_row read_row(const result& r, int i) {
  webhook_event_row x;
  x.id = r.int64(i, 0);
  x.tenant_id = r.int64(i, 1);
  x.shop_domain = r.get(i, 2);
  x.topic = r.get(i, 3);
  x.webhook_id = r.get(i, 4);
  x.event_id = r.optional(i, 5);
  x.api_version = r.optional(i, 6);
  x.triggered_at = r.optional(i, 7);
  x.payload = r.get(i, 8);
  x.status = r.get(i, 9);
  x.reason = r.optional(i, 10);
  x.received_at = r.get(i, 11);
  x.applied_at = r.optional(i, 12);
  return x;
}

}  // namespace

std::vector<inserted_event> insert_events(connection& c, const std::vector<new_webhook_event>& rows) {
  std::vector<inserted_event> out(rows.size());
  if (rows.empty()) return out;
  std::string tenants = "{";
  for (auto& r : rows) tenants += (tenants.size() > 1 ? "," : "") + std::to_string(r.tenant_id);
  tenants += "}";
  // One statement: the batch unnested in input order; the first row of a webhook id inside the batch
  // is the candidate, ON CONFLICT skips ids already stored; every input row learns the stored row.
  auto res = c.exec(
      "WITH input AS ("
      "  SELECT u.*, row_number() OVER (PARTITION BY u.webhook_id ORDER BY u.n) AS k"
      "  FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],"
      "              $8::text[], $9::text[], $10::text[])"
      "       WITH ORDINALITY AS u(tenant_id, shop_domain, topic, webhook_id, event_id, api_version, triggered_at,"
      "                            payload, status, reason, n)"
      "), ins AS ("
      "  INSERT INTO webhook_events (tenant_id, shop_domain, topic, webhook_id, event_id, api_version, triggered_at,"
      "                              payload, status, reason, applied_at)"
      "  SELECT tenant_id, shop_domain, topic, webhook_id, NULLIF(event_id, ''), NULLIF(api_version, ''),"
      "         NULLIF(triggered_at, ''), payload, status, NULLIF(reason, ''),"
      "         CASE WHEN status IN ('applied', 'skipped') THEN now() END"
      "  FROM input WHERE k = 1 ORDER BY webhook_id"  // one lock order: concurrent batches cannot deadlock
      "  ON CONFLICT (webhook_id) DO NOTHING"
      "  RETURNING id, webhook_id, status, tenant_id"
      ")"
      " SELECT i.n, (ins.id IS NOT NULL AND i.k = 1), COALESCE(ins.id, e.id, 0), COALESCE(ins.status, e.status, ''),"
      "        COALESCE(ins.tenant_id, e.tenant_id, 0)"
      " FROM input i LEFT JOIN ins ON ins.webhook_id = i.webhook_id"
      "              LEFT JOIN webhook_events e ON e.webhook_id = i.webhook_id"
      " ORDER BY i.n",
      params{tenants, text_array(rows, [](auto& r) -> const std::string& { return r.shop_domain; }),
             text_array(rows, [](auto& r) -> const std::string& { return r.topic; }),
             text_array(rows, [](auto& r) -> const std::string& { return r.webhook_id; }),
             text_array(rows, [](auto& r) -> const std::string& { return r.event_id; }),
             text_array(rows, [](auto& r) -> const std::string& { return r.api_version; }),
             text_array(rows, [](auto& r) -> const std::string& { return r.triggered_at; }),
             text_array(rows, [](auto& r) -> const std::string& { return r.payload; }),
             text_array(rows, [](auto& r) -> const std::string& { return r.status; }),
             text_array(rows, [](auto& r) -> const std::string& { return r.reason; })});
  for (int i = 0; i < res.rows(); ++i) {
    auto n = static_cast<std::size_t>(res.int64(i, 0)) - 1;
    if (n >= out.size()) continue;
    out[n].is_new = res.boolean(i, 1);
    out[n].id = res.int64(i, 2);
    out[n].status = res.get(i, 3);
    out[n].tenant_id = res.int64(i, 4);
  }
  return out;
}

std::vector<webhook_event_row> pending_order_events(connection& c, std::int64_t tenant_id, const std::string& shop_domain,
                                                   std::int64_t limit) {
  auto r = c.exec("SELECT " + select_columns(true) +
                      " FROM webhook_events WHERE status = 'received' AND tenant_id = $1 AND shop_domain = $2" + order_topics +
                      " ORDER BY id LIMIT $3",
                  params{tenant_id, shop_domain, limit});
  std::vector<webhook_event_row> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_row(r, i));
  return out;
}

std::vector<shop_with_pending> shops_with_pending_orders(connection& c) {
  auto r = c.exec(
      "SELECT tenant_id, shop_domain, count(*) FROM webhook_events WHERE status = 'received'" + order_topics +
      " GROUP BY tenant_id, shop_domain ORDER BY min(id)");
  std::vector<shop_with_pending> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back({r.int64(i, 0), r.get(i, 1), r.int64(i, 2)});
  return out;
}

bool mark_event(connection& c, std::int64_t tenant_id, std::int64_t id, const std::string& status, const std::string& reason) {
  auto r = c.exec(
      "UPDATE webhook_events SET status = $3, reason = NULLIF($4, ''),"
      " applied_at = CASE WHEN $3 IN ('applied', 'skipped') THEN now() END"
      " WHERE tenant_id = $1 AND id = $2",
      params{tenant_id, id, status, reason.substr(0, 1000)});
  return r.affected() == 1;
}

std::vector<webhook_event_row> recent_events(connection& c, std::int64_t tenant_id, std::int64_t limit) {
  auto r = c.exec("SELECT " + select_columns(false) +
                      " FROM webhook_events WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2",
                  params{tenant_id, limit});
  std::vector<webhook_event_row> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_row(r, i));
  return out;
}

std::optional<std::int64_t> webhook_shop_tenant(connection& c, const std::string& shop_domain, bool include_former) {
  auto r = c.exec(
      "SELECT tenant_id FROM integrations WHERE provider = 'shopify' AND lower(shop_domain) = lower($1)"
      " AND (status <> 'disconnected' OR $2)"
      " ORDER BY (status <> 'disconnected') DESC, updated_at DESC, id DESC LIMIT 1",
      params{shop_domain, include_former});
  if (r.rows() == 0) return std::nullopt;
  return r.int64(0, 0);
}

}  // namespace nexsync::storage
