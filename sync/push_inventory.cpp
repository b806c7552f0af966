// Push Inventory: nexsync's quantity of every SKU-matched item overwrites Shopify's "available" at
// the shop's location. Shopify's levels are read first and only differing items are sent, 250 per
// inventorySetQuantities call with an idempotency key per batch, so a second push sends nothing.
#include "storage/integrations_repo.hpp"
#include "storage/inventory_repo.hpp"
#include "sync/run.hpp"

#include <map>

namespace nexsync::sync {

namespace {

constexpr std::size_t batch = 250;  // Shopify's input array limit

// What a push starts from: the store's location and the SKU-linked items (none without a location).
struct push_plan {
  std::string location;
  std::vector<storage::push_row> items;
};

}  // namespace

boost::asio::awaitable<void> push_inventory(run& r) {
  auto tenant = r.tenant_id;
  auto run_id = r.run_id;
  // One trip to the pool for the location, the items and the run's total: a click with little to push
  // is mostly such trips (a cold click with no items: 0.2-0.6 ms each, five of them). The total does not
  // wait for the WAL flush, like the run's start and end.
  auto plan = [tenant, run_id](storage::connection& c) {
    push_plan p;
    auto integration = storage::find_integration(c, tenant, "shopify");
    if (!integration || !integration->location_id || integration->location_id->empty()) return p;
    p.location = *integration->location_id;
    p.items = storage::items_for_push(c, tenant);
    storage::relaxed_durability relaxed{c};
    storage::set_run_total(c, tenant, run_id, static_cast<std::int64_t>(p.items.size()));
    return p;
  };
  auto planned = co_await r.env.db->query(plan);
  if (planned.location.empty())
    throw job_failure("No Shopify location is set for this store; reconnect it on the Website page.");
  const std::string location = planned.location;
  const auto& items = planned.items;
  r.total_recorded(static_cast<std::int64_t>(items.size()));

  // 1. Shopify's current levels, 250 items a call.
  std::vector<storage::push_row> changed;
  std::vector<storage::row_outcome> unchanged_outcomes;
  std::vector<std::string> unchanged_keys;
  for (std::size_t start = 0; start < items.size(); start += batch) {
    auto end = std::min(items.size(), start + batch);
    boost::json::array ids;
    for (auto i = start; i < end; ++i) ids.push_back(boost::json::string{items[i].inventory_item_id});
    int n = static_cast<int>(end - start);
    boost::json::object vars;  // assignments: g++ 12 rejects nested braced initialisers in coroutines
    vars["ids"] = ids;
    vars["locationId"] = location;
    auto reply = co_await r.call(shopify::inventory_levels, n, vars);
    std::map<std::string, std::int64_t> available;
    if (auto* nodes = at_path(reply.body, "data.nodes"); nodes && nodes->is_array()) {
      for (auto& node : nodes->as_array()) {
        if (!node.is_object()) continue;  // an id Shopify no longer knows comes back null
        auto* quantities = at_path(node, "inventoryLevel.quantities");
        if (!quantities || !quantities->is_array()) continue;
        for (auto& q : quantities->as_array())
          if (text_of(at_path(q, "name")) == "available" && at_path(q, "quantity")->is_int64())
            available[text_of(at_path(node, "id"))] = at_path(q, "quantity")->as_int64();
      }
    }
    for (auto i = start; i < end; ++i) {
      auto it = available.find(items[i].inventory_item_id);
      if (it != available.end() && it->second == items[i].quantity) {
        unchanged_outcomes.push_back(storage::row_outcome{storage::row_status::skipped, "unchanged", items[i].item_id});
        unchanged_keys.push_back(items[i].sku);
      } else {
        changed.push_back(items[i]);
      }
    }
  }
  co_await r.record(unchanged_outcomes, unchanged_keys);

  // 2. The differing items, 250 a call: ceil(changed / 250) mutations.
  for (std::size_t start = 0; start < changed.size(); start += batch) {
    auto end = std::min(changed.size(), start + batch);
    boost::json::array quantities;
    for (auto i = start; i < end; ++i) {
      boost::json::object q;
      q["inventoryItemId"] = changed[i].inventory_item_id;
      q["locationId"] = location;
      q["quantity"] = changed[i].quantity;
      q["changeFromQuantity"] = nullptr;  // overwrite: nexsync's count is the truth
      quantities.push_back(std::move(q));
    }
    boost::json::object input;
    input["name"] = "available";
    input["reason"] = "correction";
    input["referenceDocumentUri"] = "gid://nexsync/SyncRun/" + std::to_string(r.run_id);
    input["quantities"] = quantities;
    // The same key on every retry of this batch: Shopify then returns the first result.
    auto key = "nexsync-push-" + std::to_string(r.run_id) + "-" + std::to_string(start / batch);
    boost::json::object vars;
    vars["input"] = input;
    vars["key"] = key;
    auto reply = co_await r.call(shopify::inventory_set_quantities, 0, vars);
    auto* errors = at_path(reply.body, "data.inventorySetQuantities.userErrors");
    std::string first_error;
    if (errors && errors->is_array() && !errors->as_array().empty())
      first_error = text_of(at_path(errors->as_array().front(), "message"));
    std::vector<storage::row_outcome> outcomes;
    std::vector<std::string> keys;
    for (auto i = start; i < end; ++i) {
      if (first_error.empty())
        outcomes.push_back(storage::row_outcome{storage::row_status::updated, std::string{}, changed[i].item_id});
      else
        outcomes.push_back(storage::row_outcome{storage::row_status::skipped, "shopify_refused: " + first_error, changed[i].item_id});
      keys.push_back(changed[i].sku);
    }
    co_await r.record(outcomes, keys);
  }
}

}  // namespace nexsync::sync
