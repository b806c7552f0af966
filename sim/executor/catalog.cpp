// Fields of Shop, App, Product, ProductVariant, InventoryItem, InventoryLevel and Location.

#include "sim/executor/internal.hpp"
#include "sim/store/time.hpp"

#include <cctype>

namespace nexsync::sim::executor::detail {

namespace {

std::string handle_of(const std::string& title) {
  std::string h;
  for (char c : title) {
    if (std::isalnum(static_cast<unsigned char>(c))) h += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!h.empty() && h.back() != '-') h += '-';
  }
  while (!h.empty() && h.back() == '-') h.pop_back();
  return h;
}

json::value plan_json(const store::shop& s) {
  std::string display = s.plan == "plus" ? "Shopify Plus" : s.plan == "advanced" ? "Advanced" : s.plan == "enterprise" ? "Enterprise" : "Basic";
  return json::object{{"displayName", display}, {"publicDisplayName", display}, {"partnerDevelopment", false},
                      {"shopifyPlus", s.plan == "plus" || s.plan == "enterprise"}};
}

json::value json_child(context& ctx, const planned_field& f, json::value v) {
  // Keep the value alive for the duration of completion.
  entity e;
  e.k = entity::kind::json;
  e.j = &v;
  e.json_type = f.type ? f.type->name.c_str() : "";
  return complete_object(ctx, e, f.children);
}

json::value level_connection(context& ctx, const planned_field& f, std::uint32_t variant) {
  auto& s = ctx.shop;
  bool next = false, prev = false;
  auto id_of = [&s, variant](std::uint32_t l) { return store::make_id(s.number, std::size_t(variant) * s.locations.size() + l); };
  auto idx = paginate(ctx, f, s.locations.size(), [](std::uint32_t) { return true; }, id_of, {}, next, prev);
  if (!idx) return nullptr;
  page p = make_page(*idx, entity::kind::inventory_level, id_of, next, prev);
  for (auto& e : p.items) {
    e.b = e.a;
    e.a = variant;
  }
  return complete_connection(ctx, p, f);
}

}  // namespace

jv resolve_catalog_field(context& ctx, const entity& e, const planned_field& f) {
  auto& s = ctx.shop;
  std::string_view n = f.name;  // string_view: comparisons check the length first
  switch (e.k) {
    case entity::kind::shop: {
      if (n == "id") return gid("Shop", s.number);
      if (n == "name") {
        std::string name = s.name;
        for (std::size_t i = 0; i < name.size(); ++i) {
          if (name[i] == '-') name[i] = ' ';
          if (i == 0 || name[i - 1] == ' ') name[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[i])));
        }
        return name;
      }
      if (n == "email" || n == "contactEmail") return s.email;
      if (n == "myshopifyDomain") return s.domain();
      if (n == "url") return "https://" + s.domain();
      if (n == "currencyCode") return s.currency;
      if (n == "ianaTimezone") return "Europe/Berlin";
      if (n == "timezoneAbbreviation") return "CET";
      if (n == "plan") return json_child(ctx, f, plan_json(s));
      if (n == "primaryDomain")
        return json_child(ctx, f, json::object{{"id", gid("Domain", s.number)}, {"host", s.domain()}, {"url", "https://" + s.domain()}});
      if (n == "createdAt") return store::format_time(s.created_at);
      if (n == "updatedAt") return store::format_time(s.created_at);
      break;
    }
    case entity::kind::app: {
      if (n == "id") return gid("App", 1);
      if (n == "title") return "nexsync";
      if (n == "apiKey") return ctx.svc ? ctx.svc->app_key() : "";
      if (n == "handle") return "nexsync";
      break;
    }
    case entity::kind::app_installation: {
      if (n == "id") return gid("AppInstallation", s.number);
      if (n == "app") return complete_object(ctx, entity{entity::kind::app}, f.children);
      if (n == "launchUrl") return "https://" + s.domain() + "/admin/apps/nexsync";
      if (n == "accessScopes") {
        json::array scopes;
        for (const auto& sc : ctx.scopes) scopes.push_back(json::object{{"handle", sc}, {"description", sc}});
        json::value holder = json::object{{"accessScopes", std::move(scopes)}};
        entity h;
        h.k = entity::kind::json;
        h.j = &holder;
        h.json_type = "AppInstallation";
        return resolve_json_field(ctx, h, f);
      }
      break;
    }
    case entity::kind::product: {
      const auto& p = s.products[e.a];
      if (n == "id") return gid("Product", store::make_id(s.number, e.a));
      if (n == "legacyResourceId") return std::to_string(store::make_id(s.number, e.a));
      if (n == "title") return p.title;
      if (n == "handle") return handle_of(p.title);
      if (n == "status") return "ACTIVE";
      if (n == "vendor") return s.name;
      if (n == "productType") return std::string(store::product_type_name(p.category));
      if (n == "description") return "A " + p.title + ".";
      if (n == "descriptionHtml") return "<p>A " + p.title + ".</p>";
      if (n == "tags") return json::array{json::value(store::product_type_name(p.category))};
      if (n == "createdAt" || n == "publishedAt") return store::format_time(p.created_at);
      if (n == "updatedAt") return store::format_time(p.updated_at);
      if (n == "tracksInventory") return true;
      if (n == "hasOnlyDefaultVariant") return p.variant_count == 1;
      if (n == "totalInventory") {
        std::int64_t sum = 0;
        for (std::uint32_t v = p.first_variant; v < p.first_variant + p.variant_count; ++v) sum += s.total_available(v);
        return sum;
      }
      if (n == "variantsCount") return json_child(ctx, f, json::object{{"count", p.variant_count}, {"precision", "EXACT"}});
      if (n == "variants") {
        bool next = false, prev = false;
        auto id_of = [&s, &p](std::uint32_t i) { return store::make_id(s.number, p.first_variant + i); };
        auto idx = paginate(ctx, f, p.variant_count, [](std::uint32_t) { return true; }, id_of, {}, next, prev);
        if (!idx) return nullptr;
        for (auto& i : *idx) i += p.first_variant;
        auto abs_id = [&s](std::uint32_t i) { return store::make_id(s.number, i); };
        return complete_connection(ctx, make_page(*idx, entity::kind::variant, abs_id, next, prev), f);
      }
      break;
    }
    case entity::kind::variant: {
      const auto& v = s.variants[e.a];
      if (n == "id") return gid("ProductVariant", store::make_id(s.number, e.a));
      if (n == "legacyResourceId") return std::to_string(store::make_id(s.number, e.a));
      if (n == "title") return v.title;
      if (n == "displayName") return s.products[v.product].title + " - " + v.title;
      if (n == "sku") return v.sku.empty() ? json::value(nullptr) : json::value(v.sku);
      if (n == "barcode") return nullptr;
      if (n == "price") return money(v.price_cents);
      if (n == "compareAtPrice") return nullptr;
      if (n == "position") return v.position;
      if (n == "inventoryQuantity") return s.total_available(e.a);
      if (n == "taxable") return true;
      if (n == "availableForSale") return s.total_available(e.a) > 0;
      if (n == "createdAt") return store::format_time(s.products[v.product].created_at);
      if (n == "updatedAt") return store::format_time(v.updated_at);
      if (n == "product") return complete_object(ctx, entity{entity::kind::product, v.product}, f.children);
      if (n == "inventoryItem") return complete_object(ctx, entity{entity::kind::inventory_item, e.a}, f.children);
      break;
    }
    case entity::kind::inventory_item: {
      const auto& v = s.variants[e.a];
      if (n == "id") return gid("InventoryItem", store::make_id(s.number, e.a));
      if (n == "legacyResourceId") return std::to_string(store::make_id(s.number, e.a));
      if (n == "sku") return v.sku.empty() ? json::value(nullptr) : json::value(v.sku);
      if (n == "tracked" || n == "requiresShipping") return true;
      if (n == "createdAt") return store::format_time(s.products[v.product].created_at);
      if (n == "updatedAt") return store::format_time(v.updated_at);
      if (n == "variant") return complete_object(ctx, entity{entity::kind::variant, e.a}, f.children);
      if (n == "inventoryLevel") {
        auto loc = lookup_id(ctx, f, arg_string(f, "locationId"), "Location", s.locations.size(), false);
        if (!loc) return nullptr;
        return complete_object(ctx, entity{entity::kind::inventory_level, e.a, *loc}, f.children);
      }
      if (n == "inventoryLevels") return level_connection(ctx, f, e.a);
      break;
    }
    case entity::kind::inventory_level: {
      std::uint64_t level_id = store::make_id(s.number, std::size_t(e.a) * s.locations.size() + e.b);
      std::uint64_t item_id = store::make_id(s.number, e.a);
      if (n == "id") return gid("InventoryLevel", level_id) + "?inventory_item_id=" + std::to_string(item_id);
      if (n == "location") return complete_object(ctx, entity{entity::kind::location, e.b}, f.children);
      if (n == "item") return complete_object(ctx, entity{entity::kind::inventory_item, e.a}, f.children);
      if (n == "createdAt") return store::format_time(s.locations[e.b].created_at);
      if (n == "updatedAt") return store::format_time(s.variants[e.a].updated_at);
      if (n == "canDeactivate") return true;
      if (n == "quantities") {
        json::array qs;
        std::int32_t available = s.level(e.a, e.b);
        for (const auto& name : f.args.at("names").as_array()) {
          std::string q(name.as_string());
          std::int64_t amount = 0;
          if (q == "available" || q == "on_hand") amount = available;
          else if (q != "committed" && q != "reserved" && q != "incoming" && q != "damaged" && q != "quality_control" &&
                   q != "safety_stock" && q != "incoming")
            continue;
          qs.push_back(json::object{{"id", gid("InventoryQuantity", level_id) + "?inventory_item_id=" + std::to_string(item_id) + "&name=" + q},
                                    {"name", q},
                                    {"quantity", amount},
                                    {"updatedAt", store::format_time(s.variants[e.a].updated_at)}});
        }
        json::value holder = json::object{{"quantities", std::move(qs)}};
        entity h;
        h.k = entity::kind::json;
        h.j = &holder;
        h.json_type = "InventoryLevel";
        return resolve_json_field(ctx, h, f);
      }
      break;
    }
    case entity::kind::location: {
      const auto& l = s.locations[e.a];
      if (n == "id") return gid("Location", store::make_id(s.number, e.a));
      if (n == "legacyResourceId") return std::to_string(store::make_id(s.number, e.a));
      if (n == "name") return l.name;
      if (n == "isActive") return l.active;
      if (n == "isPrimary") return e.a == 0;
      if (n == "fulfillsOnlineOrders") return true;
      if (n == "createdAt" || n == "updatedAt") return store::format_time(l.created_at);
      if (n == "address")
        return json_child(ctx, f, json::object{{"address1", "Hauptstrasse 1"}, {"city", l.city}, {"countryCode", "DE"}, {"zip", "10115"}});
      if (n == "inventoryLevel") {
        auto item = lookup_id(ctx, f, arg_string(f, "inventoryItemId"), "InventoryItem", s.variants.size(), false);
        if (!item) return nullptr;
        return complete_object(ctx, entity{entity::kind::inventory_level, *item, e.a}, f.children);
      }
      break;
    }
    default:
      break;
  }
  return nullptr;
}

}  // namespace nexsync::sim::executor::detail
