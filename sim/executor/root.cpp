// The Query root: single lookups, node/nodes, and the filtered, paginated collections.

#include "sim/executor/internal.hpp"
#include "sim/store/search.hpp"
#include "sim/store/time.hpp"

#include <algorithm>
#include <cctype>

namespace nexsync::sim::executor::detail {

namespace {

using store::search_term;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool equal_ci(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

bool contains_ci(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return true;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i)
    if (equal_ci(hay.substr(i, needle.size()), needle)) return true;
  return false;
}

// A record's view for search: which fields it knows and how to test them.
struct searchable {
  std::function<std::optional<store::seconds>(std::uint32_t, const std::string&)> time_field;   // updated_at, ...
  std::function<std::optional<bool>(std::uint32_t, const search_term&)> other_field;             // nullopt = unknown
  std::function<bool(std::uint32_t, const std::string&)> bare_word;
  std::function<std::uint64_t(std::uint32_t)> id_of;
};

// Compiles the `query:` argument into a predicate; unknown fields become extensions.search warnings.
std::function<bool(std::uint32_t)> compile(context& ctx, const planned_field& f, const searchable& s,
                                           std::function<bool(std::uint32_t)> base = {}) {
  std::string q = arg_string(f, "query");
  auto terms = store::parse_search(q);
  struct compiled {
    search_term t;
    enum { time, id, other, bare } k;
    store::seconds when = 0;
    long long number = 0;
    std::string field;
  };
  std::vector<compiled> cs;
  for (auto& t : terms) {
    compiled c{t, compiled::other, 0, 0, {}};
    if (t.field.empty()) {
      c.k = compiled::bare;
    } else if (t.field == "id") {
      c.k = compiled::id;
      std::string v = t.value;
      std::string type;
      std::uint64_t id = 0;
      if (parse_gid(v, type, id)) c.number = static_cast<long long>(id);
      else c.number = std::atoll(v.c_str());
    } else if (s.time_field && s.time_field(0, t.field).has_value()) {
      auto when = store::parse_time(t.value);
      if (!when) {
        search_warning(ctx, f, q, t.field);
        continue;
      }
      c.k = compiled::time;
      c.when = *when;
    } else if (!s.other_field || !s.other_field(0, t).has_value()) {
      search_warning(ctx, f, q, t.field);
      continue;
    }
    cs.push_back(std::move(c));
  }
  if (cs.empty()) return base ? base : [](std::uint32_t) { return true; };
  return [cs = std::move(cs), s, base](std::uint32_t i) {
    if (base && !base(i)) return false;
    for (const auto& c : cs) {
      bool ok = true;
      switch (c.k) {
        case compiled::bare: ok = s.bare_word ? s.bare_word(i, c.t.value) : true; break;
        case compiled::id: ok = store::compare(static_cast<long long>(s.id_of(i)), c.t.op, c.number); break;
        case compiled::time: ok = store::compare(*s.time_field(i, c.t.field), c.t.op, c.when); break;
        case compiled::other: ok = s.other_field(i, c.t).value_or(true); break;
      }
      if (ok == c.t.negated) return false;
    }
    return true;
  };
}

bool text_match(std::string_view actual, const search_term& t) {
  std::string_view v = t.value;
  if (!v.empty() && v.back() == '*') {
    v.remove_suffix(1);
    return actual.size() >= v.size() && equal_ci(actual.substr(0, v.size()), v);
  }
  return equal_ci(actual, v);
}

std::string sort_key(const planned_field& f) { return arg_string(f, "sortKey"); }

json::value connection_of(context& ctx, const planned_field& f, std::size_t n, entity::kind k,
                          const std::function<bool(std::uint32_t)>& keep,
                          const std::function<std::uint64_t(std::uint32_t)>& id_of, const less_fn& less) {
  bool next = false, prev = false;
  auto idx = paginate(ctx, f, n, keep, id_of, less, next, prev);
  if (!idx) return nullptr;
  return complete_connection(ctx, make_page(*idx, k, id_of, next, prev), f);
}

json::value single(context& ctx, const planned_field& f, std::string_view type, std::size_t count, entity::kind k) {
  std::string id = arg_string(f, "id");
  auto i = lookup_id(ctx, f, id, type, count, false);
  if (!i) return nullptr;
  entity e;
  e.k = k;
  e.a = *i;
  return complete_object(ctx, e, f.children);
}

// node(id:) for any type: returns the entity or nullopt.
std::optional<entity> find_node(context& ctx, const planned_field& f, std::string_view id_text) {
  std::string type;
  std::uint64_t id = 0;
  if (!parse_gid(id_text, type, id)) {
    add_error(ctx, f, "Invalid global id '" + std::string(id_text) + "'", {{"code", "argumentLiteralsIncompatible"}});
    return std::nullopt;
  }
  auto& s = ctx.shop;
  entity e;
  if (type == "Shop") {
    if (id != s.number) return std::nullopt;
    e.k = entity::kind::shop;
    return e;
  }
  if (store::id_shop(id) != s.number || (id & 0xFFFFFFFFull) == 0) return std::nullopt;
  std::uint64_t i = store::id_index(id);
  auto in = [&](std::size_t n, entity::kind k) -> std::optional<entity> {
    if (i >= n) return std::nullopt;
    e.k = k;
    e.a = static_cast<std::uint32_t>(i);
    return e;
  };
  if (type == "Product") return in(s.products.size(), entity::kind::product);
  if (type == "ProductVariant") return in(s.variants.size(), entity::kind::variant);
  if (type == "InventoryItem") return in(s.variants.size(), entity::kind::inventory_item);
  if (type == "Location") return in(s.locations.size(), entity::kind::location);
  if (type == "Customer") return in(s.customers.size(), entity::kind::customer);
  if (type == "Order") return in(s.orders.size(), entity::kind::order);
  if (type == "InventoryLevel" && !s.locations.empty()) {
    if (i >= s.variants.size() * s.locations.size()) return std::nullopt;
    e.k = entity::kind::inventory_level;
    e.a = static_cast<std::uint32_t>(i / s.locations.size());
    e.b = static_cast<std::uint32_t>(i % s.locations.size());
    return e;
  }
  if (type == "BulkOperation") {
    for (std::size_t b = 0; b < s.bulk_operations.size(); ++b)
      if (s.bulk_operations[b].id == id) {
        e.k = entity::kind::bulk_operation;
        e.a = static_cast<std::uint32_t>(b);
        return e;
      }
    return std::nullopt;
  }
  if (type == "WebhookSubscription") {
    for (std::size_t b = 0; b < s.subscriptions.size(); ++b)
      if (s.subscriptions[b].id == id) {
        e.k = entity::kind::subscription;
        e.a = static_cast<std::uint32_t>(b);
        return e;
      }
    return std::nullopt;
  }
  if (type == "LineItem") {
    for (std::size_t o = 0; o < s.orders.size(); ++o)
      for (std::size_t l = 0; l < s.orders[o].items.size(); ++l)
        if (s.orders[o].items[l].id == id) {
          e.k = entity::kind::line_item;
          e.a = static_cast<std::uint32_t>(o);
          e.b = static_cast<std::uint32_t>(l);
          return e;
        }
  }
  return std::nullopt;
}

}  // namespace

json::value resolve_root_field(context& ctx, const planned_field& f) {
  auto& s = ctx.shop;
  std::string_view n = f.name;  // string_view: comparisons check the length first
  auto id_of = [num = s.number](std::uint32_t i) { return store::make_id(num, i); };
  auto all = [](std::uint32_t) { return true; };

  if (n == "shop") return complete_object(ctx, entity{entity::kind::shop}, f.children);
  if (n == "app") return complete_object(ctx, entity{entity::kind::app}, f.children);
  if (n == "currentAppInstallation") return complete_object(ctx, entity{entity::kind::app_installation}, f.children);
  if (n == "node") {
    auto e = find_node(ctx, f, arg_string(f, "id"));
    return e ? complete_object(ctx, *e, f.children) : json::value(nullptr);
  }
  if (n == "nodes") {
    json::array out;
    for (const auto& id : f.args.at("ids").as_array()) {
      auto e = find_node(ctx, f, id.as_string());
      out.push_back(e ? complete_object(ctx, *e, f.children) : json::value(nullptr));
    }
    return out;
  }

  // Products.
  searchable products;
  products.id_of = id_of;
  products.time_field = [&s](std::uint32_t i, const std::string& field) -> std::optional<store::seconds> {
    if (field == "updated_at") return s.products.empty() ? 0 : s.products[i].updated_at;
    if (field == "created_at") return s.products.empty() ? 0 : s.products[i].created_at;
    return std::nullopt;
  };
  products.other_field = [&s](std::uint32_t i, const search_term& t) -> std::optional<bool> {
    if (s.products.empty()) return t.field == "title" || t.field == "sku" || t.field == "status" || t.field == "product_type" || t.field == "vendor" || t.field == "handle";
    const auto& p = s.products[i];
    if (t.field == "title") return contains_ci(p.title, t.value);
    if (t.field == "status") return lower(t.value) == "active";
    if (t.field == "product_type") return text_match(store::product_type_name(p.category), t);
    if (t.field == "vendor") return text_match(s.name, t);
    if (t.field == "handle") return true;
    if (t.field == "sku") {
      for (std::uint32_t v = p.first_variant; v < p.first_variant + p.variant_count; ++v)
        if (text_match(s.variants[v].sku, t)) return true;
      return false;
    }
    return std::nullopt;
  };
  products.bare_word = [&s](std::uint32_t i, const std::string& w) { return contains_ci(s.products[i].title, w); };
  if (n == "products" || n == "productsCount") {
    auto keep = compile(ctx, f, products);
    if (n == "productsCount") {
      long c = 0;
      for (std::uint32_t i = 0; i < s.products.size(); ++i) c += keep(i);
      ctx.actual_cost += 1;
      return json::object{{"count", c}, {"precision", "EXACT"}};
    }
    less_fn less;
    std::string key = sort_key(f);
    if (key == "TITLE") less = [&s](std::uint32_t a, std::uint32_t b) { return s.products[a].title < s.products[b].title; };
    if (key == "UPDATED_AT") less = [&s](std::uint32_t a, std::uint32_t b) { return s.products[a].updated_at < s.products[b].updated_at; };
    if (key == "CREATED_AT") less = [&s](std::uint32_t a, std::uint32_t b) { return s.products[a].created_at < s.products[b].created_at; };
    return connection_of(ctx, f, s.products.size(), entity::kind::product, keep, id_of, less);
  }
  if (n == "product") return single(ctx, f, "Product", s.products.size(), entity::kind::product);

  // Variants and inventory items (same index).
  searchable variants;
  variants.id_of = id_of;
  variants.time_field = [&s](std::uint32_t i, const std::string& field) -> std::optional<store::seconds> {
    if (field == "updated_at") return s.variants.empty() ? 0 : s.variants[i].updated_at;
    if (field == "created_at") return s.variants.empty() ? 0 : s.products[s.variants[i].product].created_at;
    return std::nullopt;
  };
  variants.other_field = [&s](std::uint32_t i, const search_term& t) -> std::optional<bool> {
    if (s.variants.empty()) return t.field == "sku" || t.field == "product_id" || t.field == "title" || t.field == "barcode";
    const auto& v = s.variants[i];
    if (t.field == "sku") return text_match(v.sku, t);
    if (t.field == "title") return contains_ci(v.title, t.value);
    if (t.field == "barcode") return false;
    if (t.field == "product_id") {
      std::string type;
      std::uint64_t id = 0;
      if (!parse_gid(t.value, type, id)) id = std::strtoull(t.value.c_str(), nullptr, 10);
      return id == store::make_id(s.number, v.product);
    }
    return std::nullopt;
  };
  variants.bare_word = [&s](std::uint32_t i, const std::string& w) {
    return contains_ci(s.variants[i].sku, w) || contains_ci(s.products[s.variants[i].product].title, w);
  };
  if (n == "productVariants" || n == "inventoryItems") {
    auto keep = compile(ctx, f, variants);
    less_fn less;
    if (sort_key(f) == "SKU") less = [&s](std::uint32_t a, std::uint32_t b) { return s.variants[a].sku < s.variants[b].sku; };
    return connection_of(ctx, f, s.variants.size(),
                         n == "productVariants" ? entity::kind::variant : entity::kind::inventory_item, keep, id_of, less);
  }
  if (n == "productVariant") return single(ctx, f, "ProductVariant", s.variants.size(), entity::kind::variant);
  if (n == "inventoryItem") return single(ctx, f, "InventoryItem", s.variants.size(), entity::kind::inventory_item);
  if (n == "inventoryLevel") {
    auto e = find_node(ctx, f, arg_string(f, "id"));
    return e && e->k == entity::kind::inventory_level ? complete_object(ctx, *e, f.children) : json::value(nullptr);
  }

  // Locations.
  if (n == "locations") {
    bool inactive = false;
    if (auto it = f.args.find("includeInactive"); it != f.args.end() && it->value().is_bool()) inactive = it->value().as_bool();
    searchable locs;
    locs.id_of = id_of;
    locs.other_field = [&s](std::uint32_t i, const search_term& t) -> std::optional<bool> {
      if (t.field == "name") return s.locations.empty() || contains_ci(s.locations[i].name, t.value);
      if (t.field == "active") return s.locations.empty() || (lower(t.value) == "true") == s.locations[i].active;
      return std::nullopt;
    };
    auto keep = compile(ctx, f, locs, [&s, inactive](std::uint32_t i) { return inactive || s.locations[i].active; });
    less_fn less;
    if (sort_key(f) == "NAME") less = [&s](std::uint32_t a, std::uint32_t b) { return s.locations[a].name < s.locations[b].name; };
    return connection_of(ctx, f, s.locations.size(), entity::kind::location, keep, id_of, less);
  }
  if (n == "location") {
    if (!f.args.contains("id") || f.args.at("id").is_null()) {
      if (s.locations.empty()) return nullptr;
      return complete_object(ctx, entity{entity::kind::location}, f.children);
    }
    return single(ctx, f, "Location", s.locations.size(), entity::kind::location);
  }

  // Customers.
  if (n == "customers" || n == "customersCount") {
    searchable cs;
    cs.id_of = id_of;
    cs.time_field = [&s](std::uint32_t i, const std::string& field) -> std::optional<store::seconds> {
      if (field == "updated_at") return s.customers.empty() ? 0 : s.customers[i].updated_at;
      if (field == "created_at") return s.customers.empty() ? 0 : s.customers[i].created_at;
      return std::nullopt;
    };
    cs.other_field = [&s](std::uint32_t i, const search_term& t) -> std::optional<bool> {
      if (s.customers.empty()) return t.field == "email" || t.field == "first_name" || t.field == "last_name" || t.field == "phone" || t.field == "email_marketing_state";
      const auto& c = s.customers[i];
      if (t.field == "email") return t.value == "*" ? !c.email.empty() : text_match(c.email, t);
      if (t.field == "first_name") return text_match(c.first_name, t);
      if (t.field == "last_name") return text_match(c.last_name, t);
      if (t.field == "phone") return text_match(c.phone, t);
      if (t.field == "email_marketing_state") return lower(store::to_enum(c.marketing)) == lower(t.value);
      return std::nullopt;
    };
    cs.bare_word = [&s](std::uint32_t i, const std::string& w) {
      const auto& c = s.customers[i];
      return contains_ci(c.email, w) || contains_ci(c.first_name, w) || contains_ci(c.last_name, w);
    };
    auto keep = compile(ctx, f, cs);
    if (n == "customersCount") {
      long c = 0;
      for (std::uint32_t i = 0; i < s.customers.size(); ++i) c += keep(i);
      ctx.actual_cost += 1;
      return json::object{{"count", c}, {"precision", "EXACT"}};
    }
    less_fn less;
    std::string key = sort_key(f);
    if (key == "UPDATED_AT") less = [&s](std::uint32_t a, std::uint32_t b) { return s.customers[a].updated_at < s.customers[b].updated_at; };
    if (key == "CREATED_AT") less = [&s](std::uint32_t a, std::uint32_t b) { return s.customers[a].created_at < s.customers[b].created_at; };
    if (key == "NAME") less = [&s](std::uint32_t a, std::uint32_t b) {
      return std::tie(s.customers[a].first_name, s.customers[a].last_name) < std::tie(s.customers[b].first_name, s.customers[b].last_name);
    };
    return connection_of(ctx, f, s.customers.size(), entity::kind::customer, keep, id_of, less);
  }
  if (n == "customer") return single(ctx, f, "Customer", s.customers.size(), entity::kind::customer);

  // Orders: without read_all_orders only the last 60 days are visible.
  const store::seconds horizon = ctx.scopes.count("read_all_orders") ? 0 : ctx.now - 60 * 86400;
  if (n == "orders" || n == "ordersCount") {
    searchable os;
    os.id_of = id_of;
    os.time_field = [&s](std::uint32_t i, const std::string& field) -> std::optional<store::seconds> {
      if (field == "updated_at") return s.orders.empty() ? 0 : s.orders[i].updated_at;
      if (field == "created_at" || field == "processed_at") return s.orders.empty() ? 0 : s.orders[i].created_at;
      return std::nullopt;
    };
    os.other_field = [&s](std::uint32_t i, const search_term& t) -> std::optional<bool> {
      if (s.orders.empty())
        return t.field == "financial_status" || t.field == "name" || t.field == "email" || t.field == "status" || t.field == "sku" || t.field == "test";
      const auto& o = s.orders[i];
      if (t.field == "financial_status") return lower(t.value) == store::to_rest(o.status);
      if (t.field == "name") return t.value == "#" + std::to_string(o.number) || t.value == std::to_string(o.number);
      if (t.field == "email") return text_match(o.email, t);
      if (t.field == "status") return lower(t.value) != "cancelled" && lower(t.value) != "closed";
      if (t.field == "test") return lower(t.value) == "false";
      if (t.field == "sku") {
        for (const auto& li : o.items)
          if (text_match(li.sku, t)) return true;
        return false;
      }
      return std::nullopt;
    };
    os.bare_word = [&s](std::uint32_t i, const std::string& w) {
      return contains_ci("#" + std::to_string(s.orders[i].number), w) || contains_ci(s.orders[i].email, w);
    };
    auto keep = compile(ctx, f, os, [&s, horizon](std::uint32_t i) { return s.orders[i].created_at >= horizon; });
    if (n == "ordersCount") {
      long c = 0;
      for (std::uint32_t i = 0; i < s.orders.size(); ++i) c += keep(i);
      ctx.actual_cost += 1;
      return json::object{{"count", c}, {"precision", "EXACT"}};
    }
    less_fn less;
    std::string key = sort_key(f);
    if (key == "UPDATED_AT") less = [&s](std::uint32_t a, std::uint32_t b) { return s.orders[a].updated_at < s.orders[b].updated_at; };
    if (key == "TOTAL_PRICE") less = [&s](std::uint32_t a, std::uint32_t b) { return s.orders[a].total_cents() < s.orders[b].total_cents(); };
    // ID, NUMBER, CREATED_AT and PROCESSED_AT all follow id order: orders are stored as they were processed.
    return connection_of(ctx, f, s.orders.size(), entity::kind::order, keep, id_of, less);
  }
  if (n == "order") {
    std::string id = arg_string(f, "id");
    auto i = lookup_id(ctx, f, id, "Order", s.orders.size(), false);
    if (!i || s.orders[*i].created_at < horizon) return nullptr;
    return complete_object(ctx, entity{entity::kind::order, *i}, f.children);
  }

  // Bulk operations and webhook subscriptions.
  if (n == "bulkOperation") {
    auto e = find_node(ctx, f, arg_string(f, "id"));
    return e && e->k == entity::kind::bulk_operation ? complete_object(ctx, *e, f.children) : json::value(nullptr);
  }
  if (n == "currentBulkOperation") {
    if (s.bulk_operations.empty()) return nullptr;
    return complete_object(ctx, entity{entity::kind::bulk_operation, static_cast<std::uint32_t>(s.bulk_operations.size() - 1)}, f.children);
  }
  if (n == "webhookSubscriptions") {
    std::vector<std::string> topics;
    if (auto it = f.args.find("topics"); it != f.args.end() && it->value().is_array())
      for (const auto& t : it->value().as_array()) topics.push_back(std::string(t.as_string()));
    std::string uri = arg_string(f, "uri");
    if (uri.empty()) uri = arg_string(f, "callbackUrl");
    auto keep = [&s, topics, uri](std::uint32_t i) {
      const auto& sub = s.subscriptions[i];
      if (!uri.empty() && sub.uri != uri) return false;
      if (topics.empty()) return true;
      std::string t = sub.topic;
      for (auto& c : t) c = c == '/' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return std::find(topics.begin(), topics.end(), t) != topics.end();
    };
    auto sub_id = [&s](std::uint32_t i) { return s.subscriptions[i].id; };
    return connection_of(ctx, f, s.subscriptions.size(), entity::kind::subscription, keep, sub_id, {});
  }
  if (n == "webhookSubscription") {
    auto e = find_node(ctx, f, arg_string(f, "id"));
    return e && e->k == entity::kind::subscription ? complete_object(ctx, *e, f.children) : json::value(nullptr);
  }
  (void)all;
  add_error(ctx, f, "Field '" + f.name + "' is not implemented by shopify-sim", {{"code", "INTERNAL_SERVER_ERROR"}});
  return nullptr;
}

}  // namespace nexsync::sim::executor::detail
