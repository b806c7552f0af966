#include "storage/webhook_events_repo.hpp"

#include <algorithm>
#include <unordered_map>

namespace nexsync::storage {

namespace {

constexpr std::string_view row_columns =
    "id, tenant_id, shop_domain, topic, webhook_id, event_id, api_version, triggered_at, %PAYLOAD%, status, reason,"
    " to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
    " to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

std::string select_columns(bool with_payload) {
  std::string s{row_columns};
  s.replace(s.find("%PAYLOAD%"), 9, with_payload ? "payload" : "''");
  return s;
}

// At most max bytes of s, never cutting a UTF-8 sequence (PostgreSQL rejects a broken one).
std::string clip_utf8(const std::string& s, std::size_t max) {
  if (s.size() <= max) return s;
  auto n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
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
  // A webhook id twice in one batch (a redelivery racing the first): its first row is the candidate,
  // the others learn what became of it.
  std::unordered_map<std::string_view, std::size_t> first_of;
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (first_of.emplace(rows[i].webhook_id, i).second) candidates.push_back(i);
  // Sorted by webhook id here, inserted in array order there: one lock order, so concurrent batches cannot
  // deadlock on the unique index. (An ORDER BY in the statement made PostgreSQL copy every 7.5 KB row
  // into a sort first.)
  std::sort(candidates.begin(), candidates.end(),
            [&](std::size_t a, std::size_t b) { return rows[a].webhook_id < rows[b].webhook_id; });

  auto column = [&](auto field) {
    std::vector<std::string_view> v;
    v.reserve(candidates.size());
    for (auto i : candidates) v.push_back(field(rows[i]));
    return binary_text_array(v);
  };
  std::vector<std::int64_t> tenants;
  for (auto i : candidates) tenants.push_back(rows[i].tenant_id);
  // Binary arrays: the bodies travel as they are (no escaping here, no array literal parsing there).
  auto inserted = c.exec(
      "INSERT INTO webhook_events (tenant_id, shop_domain, topic, webhook_id, event_id, api_version, triggered_at,"
      "                            payload, status, reason, applied_at)"
      " SELECT tenant_id, shop_domain, topic, webhook_id, NULLIF(event_id, ''), NULLIF(api_version, ''),"
      "        NULLIF(triggered_at, ''), payload, status, NULLIF(reason, ''),"
      "        CASE WHEN status IN ('applied', 'skipped') THEN now() END"
      " FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],"
      "             $8::text[], $9::text[], $10::text[])"
      "      AS u(tenant_id, shop_domain, topic, webhook_id, event_id, api_version, triggered_at, payload, status, reason)"
      " ON CONFLICT (webhook_id) DO NOTHING"
      " RETURNING webhook_id, id, status, tenant_id",
      params{binary_bigint_array(tenants), column([](auto& r) -> std::string_view { return r.shop_domain; }),
             column([](auto& r) -> std::string_view { return r.topic; }),
             column([](auto& r) -> std::string_view { return r.webhook_id; }),
             column([](auto& r) -> std::string_view { return r.event_id; }),
             column([](auto& r) -> std::string_view { return r.api_version; }),
             column([](auto& r) -> std::string_view { return r.triggered_at; }),
             column([](auto& r) -> std::string_view { return r.payload; }),
             column([](auto& r) -> std::string_view { return r.status; }),
             column([](auto& r) -> std::string_view { return r.reason; })});
  auto learn = [&](const result& r, bool is_new) {
    for (int k = 0; k < r.rows(); ++k) {
      auto it = first_of.find(r.text(k, 0));
      if (it == first_of.end()) continue;
      auto& e = out[it->second];
      e.is_new = is_new;
      e.id = r.int64(k, 1);
      e.status = r.get(k, 2);
      e.tenant_id = r.int64(k, 3);
    }
  };
  learn(inserted, true);

  // Ids already stored: ON CONFLICT waited for any writer still in flight, so their rows are committed now.
  std::vector<std::string_view> known;
  for (auto i : candidates)
    if (out[i].id == 0) known.push_back(rows[i].webhook_id);
  if (!known.empty())
    learn(c.exec("SELECT webhook_id, id, status, tenant_id FROM webhook_events WHERE webhook_id = ANY($1::text[])",
                 params{binary_text_array(known)}),
          false);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto first = first_of.at(rows[i].webhook_id);
    if (first == i) continue;
    out[i] = out[first];
    out[i].is_new = false;
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
      "SELECT e.tenant_id, e.shop_domain, count(*) FROM webhook_events e"
      " JOIN integrations i ON i.tenant_id = e.tenant_id AND i.provider = 'shopify' AND i.status = 'connected'"
      "                    AND lower(i.shop_domain) = e.shop_domain"
      " WHERE e.status = 'received'" + order_topics +
      " GROUP BY e.tenant_id, e.shop_domain ORDER BY min(e.id)");
  std::vector<shop_with_pending> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back({r.int64(i, 0), r.get(i, 1), r.int64(i, 2)});
  return out;
}

bool mark_event(connection& c, std::int64_t tenant_id, std::int64_t id, const std::string& status, const std::string& reason) {
  return mark_events(c, tenant_id, {{id, status, reason}}) == 1;
}

std::int64_t mark_events(connection& c, std::int64_t tenant_id, const std::vector<event_mark>& marks) {
  if (marks.empty()) return 0;
  std::vector<std::int64_t> ids;
  std::vector<std::string> statuses, reasons;
  for (auto& m : marks) {
    ids.push_back(m.id);
    statuses.push_back(m.status);
    reasons.push_back(clip_utf8(m.reason, 1000));
  }
  auto r = c.exec(
      "UPDATE webhook_events e SET status = u.status, reason = NULLIF(u.reason, ''),"
      " applied_at = CASE WHEN u.status IN ('applied', 'skipped') THEN now() END,"
      " payload = CASE WHEN u.status IN ('applied', 'skipped') AND e.topic LIKE 'orders/%' THEN '' ELSE e.payload END"
      " FROM unnest($2::bigint[], $3::text[], $4::text[]) AS u(id, status, reason)"
      " WHERE e.tenant_id = $1 AND e.id = u.id",
      params{tenant_id, binary_bigint_array(ids), binary_text_array(statuses), binary_text_array(reasons)});
  return r.affected();
}

std::int64_t redact_event_payloads(connection& c, std::int64_t tenant_id, const std::string& email) {
  if (email.empty()) return 0;
  auto r = c.exec(
      "UPDATE webhook_events SET payload = '' WHERE tenant_id = $1 AND topic LIKE 'orders/%'"
      " AND status <> 'received' AND payload <> '' AND strpos(lower(payload), lower($2)) > 0",
      params{tenant_id, email});
  return r.affected();
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
