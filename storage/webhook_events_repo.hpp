#pragma once
// The webhook inbox: verified Shopify deliveries stored before they are acknowledged, deduplicated by
// webhook id, then applied (or skipped / failed with a reason). Tenant-scoped, except the shop-keyed
// and start-up lookups webhooks need. Blocking: run through storage::pool.

#include "storage/pg.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nexsync::storage {

/// One verified delivery to store.
struct new_webhook_event {
  std::int64_t tenant_id = 0;
  std::string shop_domain;
  std::string topic;
  std::string webhook_id;    ///< X-Shopify-Webhook-Id (unique across tenants)
  std::string event_id;      ///< X-Shopify-Event-Id; empty: none
  std::string api_version;   ///< X-Shopify-API-Version; empty: none
  std::string triggered_at;  ///< X-Shopify-Triggered-At as sent; empty: none
  std::string payload;       ///< the raw body; must be valid UTF-8 without NUL (text column)
  std::string status = "received";  ///< received | applied | skipped | failed
  std::string reason;        ///< why failed / skipped; empty: none
};

/// What insert_events did with one input row (same order as the input).
struct inserted_event {
  bool is_new = false;          ///< false: the webhook id was already stored (or earlier in this batch)
  std::int64_t id = 0;          ///< the stored row (new or existing; 0 if a concurrent insert hid it)
  std::string status;           ///< the stored row's status (empty when id is 0)
  std::int64_t tenant_id = 0;   ///< the stored row's tenant (0 when id is 0)
};

/// One stored event.
struct webhook_event_row {
  std::int64_t id = 0;
  std::int64_t tenant_id = 0;
  std::string shop_domain;
  std::string topic;
  std::string webhook_id;
  std::optional<std::string> event_id;
  std::optional<std::string> api_version;
  std::optional<std::string> triggered_at;
  std::string payload;  ///< empty in recent_events (lists do not carry bodies)
  std::string status;
  std::optional<std::string> reason;
  std::string received_at;                ///< UTC ISO 8601
  std::optional<std::string> applied_at;  ///< UTC ISO 8601
};

/// Stores a batch in one statement (a second reads back the ids already stored, when there are any);
/// rows whose webhook id is already stored are left alone.
std::vector<inserted_event> insert_events(connection& c, const std::vector<new_webhook_event>& rows);

/// The order topics a shop's connection applies (orders/create, orders/paid; the handler acts on the others).
/// This shop's oldest order events still `received` (what its connection applies next), payload included.
std::vector<webhook_event_row> pending_order_events(connection& c, std::int64_t tenant_id, const std::string& shop_domain,
                                                   std::int64_t limit);

/// A shop with order events still `received`.
struct shop_with_pending {
  std::int64_t tenant_id = 0;
  std::string shop_domain;
  std::int64_t pending = 0;
};

/// Every connected shop with order events still `received` (start-up replay hands each to its
/// connection). A disconnected or needs-reconnecting shop's events wait for its reconnection: applying
/// them needs its token, and each start would otherwise fail a job for it.
std::vector<shop_with_pending> shops_with_pending_orders(connection& c);

/// Moves one event of this tenant to status (applied | skipped | failed | received) with a reason
/// (empty: none); applied_at is set for applied and skipped. An order event applied or skipped loses its
/// payload (the customer's personal data: its sale holds what nexsync keeps). False if no such event.
bool mark_event(connection& c, std::int64_t tenant_id, std::int64_t id, const std::string& status, const std::string& reason);

/// One event's new status and reason (empty: none), for mark_events.
struct event_mark {
  std::int64_t id = 0;
  std::string status;
  std::string reason;
};

/// Moves several events of this tenant at once (as mark_event does one); returns how many were found.
std::int64_t mark_events(connection& c, std::int64_t tenant_id, const std::vector<event_mark>& marks);

/// Blanks the payloads of this tenant's settled order events that name this email (customers/redact;
/// applied and skipped ones are blank already, failed ones keep theirs for diagnosis until then).
/// Returns how many. An empty email blanks nothing.
std::int64_t redact_event_payloads(connection& c, std::int64_t tenant_id, const std::string& email);

/// The tenant's newest events, newest first, without payloads.
std::vector<webhook_event_row> recent_events(connection& c, std::int64_t tenant_id, std::int64_t limit);

/// The tenant that holds this shop, or, when none does and include_former is set, the tenant that held
/// it last (app/uninstalled retries and shop/redact arrive after the disconnect).
std::optional<std::int64_t> webhook_shop_tenant(connection& c, const std::string& shop_domain, bool include_former);

}  // namespace nexsync::storage
