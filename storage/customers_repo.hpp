#pragma once
// Customers: email unique per tenant (case-insensitive), marketing consent with when and where it came
// from, the Shopify id they are linked to. Every call is scoped by tenant. Blocking: run through storage::pool.

#include "storage/records.hpp"

#include <optional>

namespace nexsync::storage {

/// One customer as lists show it.
struct customer {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> email;
  std::string phone;
  bool accepts_marketing = false;
  std::optional<std::string> consent_updated_at;  ///< UTC ISO 8601
  std::string consent_source;
  std::optional<std::string> shopify_customer_id;
  std::string created_at;  ///< UTC ISO 8601
};

/// A customer recorded in the shop (the demo seed and tests use it).
struct new_customer {
  std::string name;
  std::string email;
  std::string phone;
  bool accepts_marketing = false;
  std::string consent_source = "pos";
};

/// The page of customers whose name, email or phone contains the query, ordered by name then email.
page_of<customer> list_customers(connection& c, std::int64_t tenant_id, const page_request& req);

/// The customer with this email (case-insensitive).
std::optional<customer> find_customer_by_email(connection& c, std::int64_t tenant_id, const std::string& email);

/// Adds a customer (consent time = now when subscribed); nullopt when the email is taken in this tenant.
std::optional<customer> create_customer(connection& c, std::int64_t tenant_id, const new_customer& nc);

/// Erases a customer's personal data at the shop's request (Shopify's customers/redact): every customer
/// of this tenant linked to that Shopify id (numeric or gid form) or, if email is not empty, with that
/// email keeps its row (sales refer to it) but loses name, email, phone and consent. Returns how many.
std::int64_t redact_customer(connection& c, std::int64_t tenant_id, const std::string& shopify_customer_id,
                             const std::string& email);

// ---- Sync batch ----

/// One Shopify customer as the customers import sees it.
struct shopify_customer_row {
  std::string shopify_id;
  std::string email;  ///< empty: skipped "no_email"
  std::string name;
  std::string phone;
  bool accepts_marketing = false;
  std::optional<std::string> consent_updated_at;  ///< ISO 8601 (Shopify's consentUpdatedAt), if known
  std::string consent_source = "shopify";
};

/// Creates or updates one customer per row in one transaction, matched by email (case-insensitive), or
/// by Shopify id when the email changed at Shopify. New customers carry Shopify's consent. An existing
/// customer's consent changes only when Shopify's is newer than the one recorded (or none is recorded).
/// Skips (reason): "no_email", "duplicate_email" (earlier in this page), "unchanged", "invalid_email",
/// "invalid_name", "invalid_phone", "invalid_consent_time", "conflict" (a constraint refused the row).
std::vector<row_outcome> upsert_customers_from_shopify(connection& c, std::int64_t tenant_id,
                                                       const std::vector<shopify_customer_row>& rows);

}  // namespace nexsync::storage
