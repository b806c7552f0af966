#pragma once
// Sales with their lines. Recording a sale decrements the stock of its matched SKUs in the same
// transaction, exactly once: the sale's Shopify order id is unique per tenant, and each (sale, item)
// has at most one "sale" movement. Every call is scoped by tenant. Blocking: run through storage::pool.

#include "storage/records.hpp"

#include <map>
#include <optional>

namespace nexsync::storage {

/// One line of a sale.
struct sale_line {
  std::int64_t line_no = 0;
  std::string sku;
  std::string title;
  std::int64_t quantity = 0;
  std::string unit_price;  ///< decimal text
  std::optional<std::int64_t> item_id;
};

/// One sale; lines are filled by find_sale only.
struct sale {
  std::int64_t id = 0;
  std::string number;
  std::optional<std::string> shopify_order_id;
  std::optional<std::string> shopify_order_name;
  std::optional<std::int64_t> customer_id;
  std::optional<std::string> customer_name;
  std::optional<std::string> customer_email;
  std::string source;  ///< pos | shopify_import | shopify_webhook | reconciliation
  std::string currency;
  std::string subtotal, total_tax, total;
  std::string financial_status;
  std::string created_at;  ///< UTC ISO 8601
  std::int64_t line_count = 0;
  std::vector<sale_line> lines;
};

/// The page of sales whose number, order name or customer contains the query, newest first.
page_of<sale> list_sales(connection& c, std::int64_t tenant_id, const page_request& req);

/// A sale with its lines; nullopt when it does not exist in this tenant.
std::optional<sale> find_sale(connection& c, std::int64_t tenant_id, std::int64_t sale_id);

/// The sale recording this Shopify order in this tenant, if there is one.
std::optional<std::int64_t> sale_for_order(connection& c, std::int64_t tenant_id, const std::string& shopify_order_id);

/// The sales recording any of these Shopify orders in this tenant, by order id (one statement).
std::map<std::string, std::int64_t> sales_for_orders(connection& c, std::int64_t tenant_id,
                                                     const std::vector<std::string>& shopify_order_ids);

/// A line of an order to record.
struct order_line_row {
  std::string sku;  ///< matched exactly against inventory SKUs; no match: recorded, no stock change
  std::string title;
  std::int64_t quantity = 1;
  std::string unit_price = "0";
};

/// An order to record as a sale (from Shopify, or a shop-floor sale when shopify_order_id is empty).
struct order_row {
  std::string shopify_order_id;    ///< the idempotency key of Shopify orders
  std::string name;                ///< Shopify's order name ("#1001"), or the sale number of a shop-floor sale
  std::string customer_email;      ///< links the sale to the tenant's customer with this email, if any
  std::string shopify_customer_id; ///< links it to the customer imported from this Shopify customer (first)
  std::string currency = "USD";
  std::string subtotal = "0", total_tax = "0", total = "0";
  std::string financial_status = "paid";         ///< Shopify's displayFinancialStatus, any case
  std::optional<std::string> created_at;         ///< ISO 8601 (Shopify's processedAt); default now
  std::vector<order_line_row> lines;
};

/// Records each order that has no sale yet, with its lines, and decrements stock of matched SKUs, in one
/// transaction (orders are applied in order-id order, so concurrent imports cannot deadlock on them).
/// Applying the same orders again changes nothing: they come back skipped "already_imported", also when
/// another transaction imports the same order at the same time (it waits for that one's commit).
/// source: pos | shopify_import | shopify_webhook | reconciliation.
/// Other skips: "not_paid" (status not paid/partially_refunded), "no_order_id" (a Shopify source without
/// one), "duplicate_order" (earlier in this page), "duplicate_order_name" (another order has the name),
/// "invalid_order" (bad amounts, currency, time, lines or lengths), "conflict".
std::vector<row_outcome> import_sales(connection& c, std::int64_t tenant_id, const std::vector<order_row>& orders,
                                      std::string_view source);

}  // namespace nexsync::storage
