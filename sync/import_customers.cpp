// Import Customers: matched by email (case-insensitive), marketing consent carried from Shopify.
#include "storage/customers_repo.hpp"
#include "sync/run.hpp"

namespace nexsync::sync {

boost::asio::awaitable<void> import_customers(run& r) {
  auto counts = co_await r.counts();
  if (counts.customers > 0) co_await r.set_total(counts.customers);
  std::string cursor;
  const int first = shopify::customers_page.page_size;
  for (;;) {
    boost::json::object vars;
    vars["first"] = first;
    if (!cursor.empty()) vars["after"] = cursor;
    auto reply = co_await r.call(shopify::customers_page, first, vars);
    auto* nodes = at_path(reply.body, "data.customers.nodes");
    if (!nodes || !nodes->is_array()) throw job_failure("Shopify's answer had no customers list.");
    std::vector<storage::shopify_customer_row> rows;
    std::vector<std::string> keys;
    for (auto& node : nodes->as_array()) {
      storage::shopify_customer_row row;
      row.shopify_id = text_of(at_path(node, "id"));
      row.email = text_of(at_path(node, "defaultEmailAddress.emailAddress"));
      auto first_name = text_of(at_path(node, "firstName"));
      auto last_name = text_of(at_path(node, "lastName"));
      row.name = first_name.empty() ? last_name : last_name.empty() ? first_name : first_name + " " + last_name;
      row.phone = text_of(at_path(node, "phone"));
      row.accepts_marketing = text_of(at_path(node, "defaultEmailAddress.marketingState")) == "SUBSCRIBED";
      if (auto updated = text_of(at_path(node, "updatedAt")); !updated.empty()) row.consent_updated_at = updated;
      keys.push_back(row.email.empty() ? row.shopify_id : row.email);
      rows.push_back(std::move(row));
    }
    auto tenant = r.tenant_id;
    auto apply = [tenant, rows](storage::connection& c) { return storage::upsert_customers_from_shopify(c, tenant, rows); };
    auto outcomes = co_await r.env.db->query(apply);
    co_await r.record(outcomes, keys);
    auto* more = at_path(reply.body, "data.customers.pageInfo.hasNextPage");
    if (!more || !more->is_bool() || !more->as_bool()) break;
    cursor = text_of(at_path(reply.body, "data.customers.pageInfo.endCursor"));
  }
}

}  // namespace nexsync::sync
