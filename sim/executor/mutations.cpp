// The Mutation root: inventorySetQuantities, webhook subscriptions, bulk queries and appUninstall.

#include "sim/cost/cost.hpp"
#include "sim/executor/internal.hpp"
#include "sim/graphql/parser.hpp"
#include "sim/schema/schema.hpp"
#include "sim/store/time.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

namespace nexsync::sim::executor::detail {

namespace {

json::value marker(entity::kind k, std::uint32_t a, std::uint32_t b = 0) {
  return json::object{{"__entity", static_cast<int>(k)}, {"a", a}, {"b", b}};
}

json::value user_error(json::array field, const std::string& message, const char* code = nullptr) {
  json::object e{{"field", std::move(field)}, {"message", message}};
  if (code) e["code"] = code;
  return e;
}

json::value complete_payload(context& ctx, const planned_field& f, const json::value& payload) {
  entity e;
  e.k = entity::kind::json;
  e.j = &payload;
  e.json_type = f.type ? f.type->name.c_str() : "";
  long before = ctx.actual_cost;  // a mutation's actual cost is its flat cost, whatever it returns
  json::value out = complete_object(ctx, e, f.children);
  ctx.actual_cost = before;
  return out;
}

std::string to_lower_status(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

constexpr std::array<const char*, 17> reasons = {
    "correction", "cycle_count_available", "damaged", "movement_created", "movement_updated", "movement_received",
    "movement_canceled", "other", "promotion", "quality_control", "received", "reservation_created",
    "reservation_deleted", "reservation_updated", "restock", "safety_stock", "shrinkage"};

json::value set_quantities(context& ctx, const planned_field& f) {
  auto& s = ctx.shop;
  const auto& input = f.args.at("input").as_object();
  const auto& rows = input.at("quantities").as_array();
  if (rows.size() > 250) {
    add_error(ctx, f, "The input array size of " + std::to_string(rows.size()) + " is greater than the maximum allowed of 250.",
              {{"code", "MAX_INPUT_SIZE_EXCEEDED"}});
    return nullptr;
  }
  std::string fingerprint = json::serialize(input);
  if (f.idempotency_key) {
    auto it = s.idempotent_results.find(*f.idempotency_key);
    if (it != s.idempotent_results.end()) {
      const auto& stored = it->second.as_object();
      if (stored.at("input").as_string() == fingerprint) return complete_payload(ctx, f, stored.at("payload"));
      json::value payload = json::object{
          {"inventoryAdjustmentGroup", nullptr},
          {"userErrors", json::array{user_error({"input"}, "The same idempotency key was used with different parameters.",
                                                "IDEMPOTENCY_KEY_PARAMETER_MISMATCH")}}};
      return complete_payload(ctx, f, payload);
    }
  }
  json::array errors;
  std::string name(input.at("name").as_string());
  std::string reason(input.at("reason").as_string());
  if (name != "available" && name != "on_hand") errors.push_back(user_error({"input", "name"}, "The quantity name must be either 'available' or 'on_hand'.", "INVALID_NAME"));
  if (std::find(reasons.begin(), reasons.end(), reason) == reasons.end())
    errors.push_back(user_error({"input", "reason"}, "The specified reason is invalid.", "INVALID_REASON"));
  bool ignore_compare = false;
  if (auto* ic = input.if_contains("ignoreCompareQuantity"); ic && ic->is_bool()) ignore_compare = ic->as_bool();
  struct row {
    std::uint32_t item, loc;
    std::int32_t quantity;
  };
  std::vector<row> plan;
  std::set<std::pair<std::uint32_t, std::uint32_t>> seen;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i].as_object();
    auto field = [&](const char* k) { return json::array{"input", "quantities", std::to_string(i), k}; };
    std::string type;
    std::uint64_t id = 0;
    std::string item_text(r.at("inventoryItemId").as_string());
    std::string loc_text(r.at("locationId").as_string());
    bool ok = true;
    std::uint32_t item = 0, loc = 0;
    if (!parse_gid(item_text, type, id) || type != "InventoryItem" || store::id_shop(id) != s.number ||
        (id & 0xFFFFFFFFull) == 0 || store::id_index(id) >= s.variants.size()) {
      errors.push_back(user_error(field("inventoryItemId"), "The specified inventory item could not be found.", "INVALID_INVENTORY_ITEM"));
      ok = false;
    } else {
      item = static_cast<std::uint32_t>(store::id_index(id));
    }
    if (!parse_gid(loc_text, type, id) || type != "Location" || store::id_shop(id) != s.number || (id & 0xFFFFFFFFull) == 0 ||
        store::id_index(id) >= s.locations.size()) {
      errors.push_back(user_error(field("locationId"), "The specified location could not be found.", "INVALID_LOCATION"));
      ok = false;
    } else {
      loc = static_cast<std::uint32_t>(store::id_index(id));
    }
    std::int64_t quantity = r.at("quantity").as_int64();
    if (quantity > 1000000000) {
      errors.push_back(user_error(field("quantity"), "The quantity can't be higher than 1,000,000,000.", "INVALID_QUANTITY_TOO_HIGH"));
      ok = false;
    } else if (quantity < -1000000000) {
      errors.push_back(user_error(field("quantity"), "The quantity can't be lower than -1,000,000,000.", "INVALID_QUANTITY_TOO_LOW"));
      ok = false;
    }
    if (!ok) continue;
    if (!seen.insert({item, loc}).second) {
      errors.push_back(user_error(field("inventoryItemId"), "The combination of inventoryItemId and locationId must be unique.",
                                  "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR"));
      continue;
    }
    std::int32_t current = s.level(item, loc);
    if (auto* cf = r.if_contains("changeFromQuantity"); cf && !cf->is_null()) {
      if (cf->as_int64() != current) {
        errors.push_back(user_error(field("changeFromQuantity"),
                                    "The specified compare quantity does not match the current quantity.", "CHANGE_FROM_QUANTITY_STALE"));
        continue;
      }
    } else if (auto* cq = r.if_contains("compareQuantity"); cq && !cq->is_null() && !ignore_compare) {
      if (cq->as_int64() != current) {
        errors.push_back(user_error(field("compareQuantity"),
                                    "The specified compare quantity does not match the current quantity.", "COMPARE_QUANTITY_STALE"));
        continue;
      }
    }
    plan.push_back(row{item, loc, static_cast<std::int32_t>(quantity)});
  }
  json::value payload;
  if (!errors.empty()) {
    payload = json::object{{"inventoryAdjustmentGroup", nullptr}, {"userErrors", std::move(errors)}};
  } else {
    json::array changes;
    for (const auto& r : plan) {
      std::int32_t& level = s.level(r.item, r.loc);
      std::int32_t delta = r.quantity - level;
      level = r.quantity;
      if (delta == 0) continue;
      s.variants[r.item].updated_at = ctx.now;
      for (const char* q : {"available", "on_hand"}) {
        changes.push_back(json::object{{"name", q},
                                       {"delta", delta},
                                       {"quantityAfterChange", r.quantity},
                                       {"ledgerDocumentUri", nullptr},
                                       {"item", marker(entity::kind::inventory_item, r.item)},
                                       {"location", marker(entity::kind::location, r.loc)}});
      }
    }
    json::object group{{"id", gid("InventoryAdjustmentGroup", store::make_id(s.number, s.next_adjustment++))},
                       {"createdAt", store::format_time(ctx.now)},
                       {"reason", reason},
                       {"changes", std::move(changes)}};
    if (auto* ref = input.if_contains("referenceDocumentUri")) group["referenceDocumentUri"] = *ref;
    payload = json::object{{"inventoryAdjustmentGroup", std::move(group)}, {"userErrors", json::array{}}};
  }
  if (f.idempotency_key)
    s.idempotent_results[*f.idempotency_key] = json::object{{"input", fingerprint}, {"payload", payload}};
  return complete_payload(ctx, f, payload);
}

std::string topic_from_enum(std::string_view e) {
  std::string t(e);
  for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto pos = t.rfind('_');
  if (pos != std::string::npos) t[pos] = '/';
  return t;
}

json::value subscription_create(context& ctx, const planned_field& f) {
  auto& s = ctx.shop;
  std::string topic = topic_from_enum(f.args.at("topic").as_string());
  const auto& in = f.args.at("webhookSubscription").as_object();
  std::string uri;
  json::array field{"webhookSubscription", "uri"};
  if (auto* u = in.if_contains("uri"); u && u->is_string()) uri = std::string(u->as_string());
  if (uri.empty())
    if (auto* u = in.if_contains("callbackUrl"); u && u->is_string()) {
      uri = std::string(u->as_string());
      field = {"webhookSubscription", "callbackUrl"};
    }
  std::string format = "JSON";
  if (auto* fm = in.if_contains("format"); fm && fm->is_string()) format = std::string(fm->as_string());
  json::array errors;
  // Order topics carry protected customer data: an app without that access is refused (Shopify's words).
  if (s.faults.protected_data_unapproved && topic.rfind("orders/", 0) == 0)
    errors.push_back(user_error({"webhookSubscription"},
                                "This app is not approved to subscribe to webhook topics containing protected customer data. "
                                "See https://shopify.dev/docs/apps/launch/protected-customer-data for more details."));
  else if (uri.empty()) errors.push_back(user_error(field, "Address can't be blank"));
  else if (!ctx.svc || !ctx.svc->webhook_uri_allowed(uri)) errors.push_back(user_error(field, "Address is invalid"));
  else
    for (const auto& sub : s.subscriptions)
      if (sub.topic == topic && sub.uri == uri) errors.push_back(user_error(field, "Address for this topic has already been taken"));
  json::value payload;
  if (!errors.empty()) {
    payload = json::object{{"webhookSubscription", nullptr}, {"userErrors", std::move(errors)}};
  } else {
    store::subscription sub;
    sub.id = store::make_id(s.number, s.next_subscription++);
    sub.topic = topic;
    sub.uri = uri;
    sub.format = format;
    sub.created_at = ctx.now;
    s.subscriptions.push_back(std::move(sub));
    payload = json::object{{"webhookSubscription", marker(entity::kind::subscription, static_cast<std::uint32_t>(s.subscriptions.size() - 1))},
                           {"userErrors", json::array{}}};
  }
  return complete_payload(ctx, f, payload);
}

json::value subscription_delete(context& ctx, const planned_field& f) {
  auto& s = ctx.shop;
  std::string id_text = arg_string(f, "id");
  std::string type;
  std::uint64_t id = 0;
  json::value payload;
  auto it = s.subscriptions.end();
  if (parse_gid(id_text, type, id) && type == "WebhookSubscription")
    it = std::find_if(s.subscriptions.begin(), s.subscriptions.end(), [id](const auto& x) { return x.id == id; });
  if (it == s.subscriptions.end()) {
    payload = json::object{{"deletedWebhookSubscriptionId", nullptr},
                           {"userErrors", json::array{user_error({"id"}, "Webhook subscription does not exist")}}};
  } else {
    s.subscriptions.erase(it);
    payload = json::object{{"deletedWebhookSubscriptionId", id_text}, {"userErrors", json::array{}}};
  }
  return complete_payload(ctx, f, payload);
}

json::value bulk_run(context& ctx, const planned_field& f) {
  auto& s = ctx.shop;
  std::string query = arg_string(f, "query");
  auto running = std::count_if(s.bulk_operations.begin(), s.bulk_operations.end(),
                               [](const auto& b) { return b.status == "CREATED" || b.status == "RUNNING"; });
  json::value payload;
  auto fail = [&](const std::string& message, const char* code) {
    payload = json::object{{"bulkOperation", nullptr}, {"userErrors", json::array{user_error({"query"}, message, code)}}};
    return complete_payload(ctx, f, payload);
  };
  if (running >= 5) {
    for (const auto& b : s.bulk_operations)
      if (b.status == "CREATED" || b.status == "RUNNING")
        return fail("A bulk query operation for this app and shop is already in progress: " + gid("BulkOperation", b.id) + ".",
                    "OPERATION_IN_PROGRESS");
  }
  auto parsed = graphql::parse(query);
  if (auto* err = std::get_if<graphql::parse_error>(&parsed)) return fail("Invalid bulk query: " + err->message, "INVALID");
  auto planned = graphql::make_plan(std::get<graphql::document>(parsed), "", json::object{}, schema::admin_schema());
  if (!planned.value) return fail("Invalid bulk query: " + std::string(planned.errors.at(0).at("message").as_string()), "INVALID");
  if (planned.value->kind != "query") return fail("Invalid bulk query: only queries are supported", "INVALID");
  bool has_connection = false;
  for (const auto& fld : planned.value->fields) has_connection = has_connection || (fld.type && fld.type->connection);
  if (!has_connection) return fail("Invalid bulk query: Bulk queries must contain at least one connection.", "INVALID");
  store::bulk_operation op;
  op.id = store::make_id(s.number, 1000000 + s.bulk_operations.size());
  op.query = query;
  op.created_at = ctx.now;
  s.bulk_operations.push_back(std::move(op));
  auto index = s.bulk_operations.size() - 1;
  if (ctx.svc) ctx.svc->start_bulk(s, index);
  payload = json::object{{"bulkOperation", marker(entity::kind::bulk_operation, static_cast<std::uint32_t>(index))},
                         {"userErrors", json::array{}}};
  return complete_payload(ctx, f, payload);
}

json::value bulk_cancel(context& ctx, const planned_field& f) {
  auto& s = ctx.shop;
  std::string type;
  std::uint64_t id = 0;
  json::value payload;
  parse_gid(arg_string(f, "id"), type, id);
  for (std::size_t i = 0; i < s.bulk_operations.size(); ++i) {
    auto& b = s.bulk_operations[i];
    if (b.id != id) continue;
    if (b.status == "CREATED" || b.status == "RUNNING") {
      b.status = "CANCELED";
      b.completed_at = ctx.now;
      payload = json::object{{"bulkOperation", marker(entity::kind::bulk_operation, static_cast<std::uint32_t>(i))}, {"userErrors", json::array{}}};
    } else {
      payload = json::object{{"bulkOperation", marker(entity::kind::bulk_operation, static_cast<std::uint32_t>(i))},
                             {"userErrors", json::array{user_error({"id"}, "A bulk operation cannot be canceled when it is " + to_lower_status(b.status))}}};
    }
    return complete_payload(ctx, f, payload);
  }
  payload = json::object{{"bulkOperation", nullptr}, {"userErrors", json::array{user_error({"id"}, "Bulk operation does not exist")}}};
  return complete_payload(ctx, f, payload);
}

}  // namespace

json::value resolve_mutation_field(context& ctx, const planned_field& f) {
  ctx.actual_cost += cost::mutation_cost;
  std::string_view n = f.name;  // string_view: comparisons check the length first
  if (n == "inventorySetQuantities") return set_quantities(ctx, f);
  if (n == "webhookSubscriptionCreate") return subscription_create(ctx, f);
  if (n == "webhookSubscriptionDelete") return subscription_delete(ctx, f);
  if (n == "bulkOperationRunQuery") return bulk_run(ctx, f);
  if (n == "bulkOperationCancel") return bulk_cancel(ctx, f);
  if (n == "appUninstall") {
    if (ctx.svc) ctx.svc->uninstall(ctx.shop);
    json::value payload = json::object{{"app", marker(entity::kind::app, 0)}, {"userErrors", json::array{}}};
    return complete_payload(ctx, f, payload);
  }
  add_error(ctx, f, "Mutation '" + f.name + "' is not implemented by shopify-sim", {{"code", "INTERNAL_SERVER_ERROR"}});
  return nullptr;
}

}  // namespace nexsync::sim::executor::detail
