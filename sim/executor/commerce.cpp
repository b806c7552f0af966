// Fields of Customer, Order, LineItem, BulkOperation and WebhookSubscription.

#include "sim/executor/internal.hpp"
#include "sim/store/time.hpp"

#include <cctype>

namespace nexsync::sim::executor::detail {

namespace {

json::value json_child(context& ctx, const planned_field& f, json::value v) {
  entity e;
  e.k = entity::kind::json;
  e.j = &v;
  e.json_type = f.type ? f.type->name.c_str() : "";
  return complete_object(ctx, e, f.children);
}

std::string topic_enum(const std::string& topic) {
  std::string t = topic;
  for (auto& c : t) c = c == '/' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return t;
}

}  // namespace

jv resolve_commerce_field(context& ctx, const entity& e, const planned_field& f) {
  auto& s = ctx.shop;
  std::string_view n = f.name;  // string_view: comparisons check the length first
  switch (e.k) {
    case entity::kind::customer: {
      const auto& c = s.customers[e.a];
      auto nullable = [](const std::string& x) { return x.empty() ? json::value(nullptr) : json::value(x); };
      if (n == "id") return gid("Customer", store::make_id(s.number, e.a));
      if (n == "legacyResourceId") return std::to_string(store::make_id(s.number, e.a));
      if (n == "firstName") return nullable(c.first_name);
      if (n == "lastName") return nullable(c.last_name);
      if (n == "displayName") {
        std::string d = c.first_name + (c.first_name.empty() || c.last_name.empty() ? "" : " ") + c.last_name;
        return d.empty() ? (c.email.empty() ? c.phone : c.email) : d;
      }
      if (n == "email") return nullable(c.email);
      if (n == "phone") return nullable(c.phone);
      if (n == "createdAt") return store::format_time(c.created_at);
      if (n == "updatedAt") return store::format_time(c.updated_at);
      if (n == "state") return c.email.empty() ? "DISABLED" : "ENABLED";
      if (n == "tags") return json::array{};
      if (n == "note") return nullptr;
      if (n == "verifiedEmail") return !c.email.empty();
      if (n == "numberOfOrders") return std::to_string(c.orders_count);
      if (n == "amountSpent") return json_child(ctx, f, json::object{{"amount", money(c.amount_spent_cents)}, {"currencyCode", s.currency}});
      if (n == "defaultEmailAddress") {
        if (c.email.empty()) return nullptr;
        return json_child(ctx, f, json::object{{"emailAddress", c.email},
                                               {"marketingState", std::string(store::to_enum(c.marketing))},
                                               {"marketingOptInLevel", c.marketing == store::marketing_state::subscribed ? json::value("SINGLE_OPT_IN") : json::value(nullptr)},
                                               {"marketingUpdatedAt", store::format_time(c.updated_at)}});
      }
      if (n == "emailMarketingConsent") {
        if (c.email.empty()) return nullptr;
        return json_child(ctx, f, json::object{{"marketingState", std::string(store::to_enum(c.marketing))},
                                               {"marketingOptInLevel", c.marketing == store::marketing_state::subscribed ? json::value("SINGLE_OPT_IN") : json::value(nullptr)},
                                               {"consentUpdatedAt", store::format_time(c.updated_at)}});
      }
      break;
    }
    case entity::kind::order: {
      const auto& o = s.orders[e.a];
      if (n == "id") return gid("Order", store::make_id(s.number, e.a));
      if (n == "legacyResourceId") return std::to_string(store::make_id(s.number, e.a));
      if (n == "name") return "#" + std::to_string(o.number);
      if (n == "email") return o.email.empty() ? json::value(nullptr) : json::value(o.email);
      if (n == "phone" || n == "note" || n == "cancelledAt") return nullptr;
      if (n == "tags") return json::array{};
      if (n == "createdAt" || n == "processedAt") return store::format_time(o.created_at);
      if (n == "updatedAt") return store::format_time(o.updated_at);
      if (n == "closed" || n == "test") return false;
      if (n == "displayFinancialStatus") return std::string(store::to_enum(o.status));
      if (n == "displayFulfillmentStatus") return "UNFULFILLED";
      if (n == "currencyCode") return s.currency;
      if (n == "totalPriceSet") return json_child(ctx, f, money_bag(o.total_cents(), s.currency));
      if (n == "subtotalPriceSet") return json_child(ctx, f, money_bag(o.subtotal_cents, s.currency));
      if (n == "totalTaxSet") return json_child(ctx, f, money_bag(o.tax_cents, s.currency));
      if (n == "customer") {
        if (o.customer < 0) return nullptr;
        if (!ctx.has_scope("read_customers")) {
          add_error(ctx, f, "Access denied for customer field. Required access: `read_customers` access scope.",
                    {{"code", "ACCESS_DENIED"}, {"requiredAccess", "`read_customers` access scope."}});
          return nullptr;
        }
        return complete_object(ctx, entity{entity::kind::customer, static_cast<std::uint32_t>(o.customer)}, f.children);
      }
      if (n == "lineItems") {
        bool next = false, prev = false;
        auto id_of = [&o](std::uint32_t i) { return o.items[i].id; };
        auto idx = paginate(ctx, f, o.items.size(), [](std::uint32_t) { return true; }, id_of, {}, next, prev);
        if (!idx) return nullptr;
        page p = make_page(*idx, entity::kind::line_item, id_of, next, prev);
        for (auto& it : p.items) {
          it.b = it.a;
          it.a = e.a;
        }
        return complete_connection(ctx, p, f);
      }
      break;
    }
    case entity::kind::line_item: {
      const auto& li = s.orders[e.a].items[e.b];
      if (n == "id") return gid("LineItem", li.id);
      if (n == "sku") return li.sku.empty() ? json::value(nullptr) : json::value(li.sku);
      if (n == "title") return li.title;
      if (n == "name") {
        if (li.variant >= 0 && s.variants[static_cast<std::size_t>(li.variant)].title != "Default Title")
          return li.title + " - " + s.variants[static_cast<std::size_t>(li.variant)].title;
        return li.title;
      }
      if (n == "quantity" || n == "currentQuantity") return li.quantity;
      if (n == "vendor") return s.name;
      if (n == "originalUnitPriceSet" || n == "discountedUnitPriceSet") return json_child(ctx, f, money_bag(li.price_cents, s.currency));
      if (n == "originalTotalSet") return json_child(ctx, f, money_bag(li.price_cents * li.quantity, s.currency));
      if (n == "variant") {
        if (li.variant < 0) return nullptr;
        return complete_object(ctx, entity{entity::kind::variant, static_cast<std::uint32_t>(li.variant)}, f.children);
      }
      if (n == "product") {
        if (li.variant < 0) return nullptr;
        return complete_object(ctx, entity{entity::kind::product, s.variants[static_cast<std::size_t>(li.variant)].product}, f.children);
      }
      break;
    }
    case entity::kind::bulk_operation: {
      const auto& b = s.bulk_operations[e.a];
      bool done = b.status == "COMPLETED";
      if (n == "id") return gid("BulkOperation", b.id);
      if (n == "status") return b.status;
      if (n == "errorCode") return nullptr;
      if (n == "createdAt") return store::format_time(b.created_at);
      if (n == "completedAt") return b.completed_at ? json::value(store::format_time(*b.completed_at)) : json::value(nullptr);
      if (n == "objectCount") return std::to_string(b.object_count);
      if (n == "rootObjectCount") return std::to_string(b.root_object_count);
      if (n == "fileSize") return done ? json::value(std::to_string(b.result.size())) : json::value(nullptr);
      if (n == "url") return done && !b.result.empty() && ctx.svc ? json::value(ctx.svc->bulk_url(s, b)) : json::value(nullptr);
      if (n == "partialDataUrl") return nullptr;
      if (n == "query") return b.query;
      if (n == "type") return "QUERY";
      break;
    }
    case entity::kind::subscription: {
      const auto& sub = s.subscriptions[e.a];
      if (n == "id") return gid("WebhookSubscription", sub.id);
      if (n == "legacyResourceId") return std::to_string(sub.id);
      if (n == "topic") return topic_enum(sub.topic);
      if (n == "uri" || n == "callbackUrl") return sub.uri;
      if (n == "format") return sub.format;
      if (n == "includeFields") return json::array{};
      if (n == "createdAt" || n == "updatedAt") return store::format_time(sub.created_at);
      break;
    }
    default:
      break;
  }
  return nullptr;
}

}  // namespace nexsync::sim::executor::detail
