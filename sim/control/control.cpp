// The /_sim/ control API: create shops, orders and products, set faults, read counters, inventory,
// deliveries, send compliance webhooks, expire tokens. Bearer admin token required.

#include "crypto/hmac.hpp"
#include "sim/app.hpp"
#include "sim/executor/executor.hpp"
#include "sim/generator/generator.hpp"
#include "sim/store/time.hpp"
#include "sim/webhooks/payloads.hpp"

#include <boost/json/parse.hpp>

#include <cctype>
#include <cmath>

namespace nexsync::sim {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::vector<std::string> split_path(std::string_view p) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : p) {
    if (c == '/') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  // A gid in the path ("…/products/gid://shopify/Product/42", percent-decoded) is one segment again.
  std::vector<std::string> joined;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == "gid:" && i + 3 < out.size()) {
      joined.push_back("gid://" + out[i + 1] + "/" + out[i + 2] + "/" + out[i + 3]);
      i += 3;
    } else {
      joined.push_back(out[i]);
    }
  }
  return joined;
}

http::response bad(std::string_view message) { return http::response::json_error(400, "bad_request", message); }
http::response not_found(std::string_view message) { return http::response::json_error(404, "not_found", message); }

std::optional<std::uint32_t> index_of(const store::shop& s, const std::string& id_text, std::string_view type, std::size_t count) {
  std::string t;
  std::uint64_t id = 0;
  if (!executor::parse_gid(id_text, t, id)) {
    char* end = nullptr;
    id = std::strtoull(id_text.c_str(), &end, 10);
    if (!end || *end) return std::nullopt;
    t = std::string(type);
  }
  if (t != type || store::id_shop(id) != s.number || (id & 0xFFFFFFFFull) == 0 || store::id_index(id) >= count) return std::nullopt;
  return static_cast<std::uint32_t>(store::id_index(id));
}

json::object shop_summary(const store::shop& s) {
  json::array locations;
  for (std::size_t l = 0; l < s.locations.size(); ++l)
    locations.push_back(json::object{{"id", executor::gid("Location", store::make_id(s.number, l))}, {"name", s.locations[l].name}});
  std::size_t no_sku = 0;
  for (const auto& v : s.variants) no_sku += v.sku.empty();
  return json::object{{"name", s.name},
                      {"domain", s.domain()},
                      {"plan", s.plan},
                      {"products", s.products.size()},
                      {"variants", s.variants.size()},
                      {"variants_without_sku", no_sku},
                      {"customers", s.customers.size()},
                      {"orders", s.orders.size()},
                      {"locations", std::move(locations)},
                      {"installed", s.installed},
                      {"subscriptions", s.subscriptions.size()}};
}

bool equal_ci(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

}  // namespace

asio::awaitable<http::response> app::control(http::request& req) {
  auto auth = req.header("Authorization").value_or("");
  std::string expected = "Bearer " + cfg_.admin_token;
  if (cfg_.admin_token.empty() || !crypto::constant_time_equal(auth, expected))
    co_return http::response::json_error(401, "unauthorized", "The control API needs Authorization: Bearer <admin token>.");
  auto seg = split_path(req.path);  // "_sim", ...
  json::value body;
  if (!req.body.empty()) {
    boost::system::error_code ec;
    body = json::parse(req.body, ec);
    if (ec) co_return bad("The body is not valid JSON.");
  }
  const std::string& m = req.method;
  const json::object empty;
  const json::object& obj = body.is_object() ? body.as_object() : empty;

  if (seg.size() == 2 && seg[1] == "shops") {
    if (m == "GET") {
      json::array names;
      for (const auto& s : store_.all()) names.push_back(json::value(s->name));
      co_return http::response::json(200, json::object{{"shops", std::move(names)}});
    }
    if (m == "POST") {
      generator::shop_spec spec;
      if (auto e = generator::shop_spec::from_json(body, spec)) co_return bad(*e);
      for (auto& c : spec.name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!store::valid_shop_name(spec.name)) co_return bad("name must be a shop subdomain like acme-jewellers");
      store::shop* s = store_.create(spec.name);
      if (!s) co_return http::response::json_error(409, "exists", "A shop with this name exists.");
      generator::generate(*s, spec);
      co_return http::response::json(201, shop_summary(*s));
    }
  }
  if (seg.size() == 2 && seg[1] == "stats" && m == "GET") {
    std::size_t products = 0, variants = 0;
    for (const auto& s : store_.all()) {
      products += s->products.size();
      variants += s->variants.size();
    }
    co_return http::response::json(200, json::object{{"shops", store_.size()}, {"products", products}, {"variants", variants},
                                                     {"webhooks_in_flight", hooks_.in_flight()}});
  }
  if (seg.size() < 3 || seg[1] != "shops") co_return not_found("Unknown control endpoint.");
  store::shop* sp = store_.find(seg[2]);
  if (!sp) co_return not_found("No such shop.");
  store::shop& s = *sp;
  const store::seconds now = store::now_seconds();
  std::string what = seg.size() > 3 ? seg[3] : "";

  if (what.empty() && m == "GET") co_return http::response::json(200, shop_summary(s));

  if (what == "orders") {
    if (seg.size() == 4 && m == "POST") {
      std::size_t index = 0;
      if (auto e = create_order(s, obj, index)) co_return bad(*e);
      const auto& o = s.orders[index];
      std::uint64_t id = store::make_id(s.number, index);
      co_return http::response::json(201, json::object{{"id", executor::gid("Order", id)},
                                                       {"legacy_id", id},
                                                       {"name", "#" + std::to_string(o.number)},
                                                       {"order_number", o.number},
                                                       {"financial_status", std::string(store::to_rest(o.status))},
                                                       {"total_price", std::to_string(o.total_cents() / 100) + "." +
                                                                           (o.total_cents() % 100 < 10 ? "0" : "") + std::to_string(o.total_cents() % 100)}});
    }
    if (seg.size() == 4 && m == "GET") {
      json::array out;
      for (std::size_t i = 0; i < s.orders.size(); ++i) {
        const auto& o = s.orders[i];
        json::array lines;
        for (const auto& li : o.items) lines.push_back(json::object{{"sku", li.sku}, {"quantity", li.quantity}});
        out.push_back(json::object{{"id", executor::gid("Order", store::make_id(s.number, i))},
                                   {"name", "#" + std::to_string(o.number)},
                                   {"financial_status", std::string(store::to_rest(o.status))},
                                   {"created_at", store::format_time(o.created_at)},
                                   {"updated_at", store::format_time(o.updated_at)},
                                   {"total_cents", o.total_cents()},
                                   {"customer", o.customer < 0 ? json::value(nullptr)
                                                               : json::value(executor::gid("Customer", store::make_id(s.number, static_cast<std::size_t>(o.customer))))},
                                   {"line_items", std::move(lines)}});
      }
      co_return http::response::json(200, json::object{{"orders", std::move(out)}});
    }
    // POST /_sim/shops/{shop}/orders/{id}/status {"financial_status": "paid"}: fires orders/updated (+ orders/paid).
    if (seg.size() == 6 && seg[5] == "status" && (m == "POST" || m == "PUT")) {
      auto i = index_of(s, seg[4], "Order", s.orders.size());
      if (!i) co_return not_found("No such order.");
      auto* fs = obj.if_contains("financial_status");
      auto st = fs && fs->is_string() ? store::parse_financial_status(fs->as_string()) : std::nullopt;
      if (!st) co_return bad("financial_status is required");
      bool became_paid = *st == store::financial_status::paid && s.orders[*i].status != store::financial_status::paid;
      s.orders[*i].status = *st;
      s.orders[*i].updated_at = now;
      auto payload = webhooks::order_payload(s, *i);
      hooks_.publish(s, "orders/updated", payload);
      if (became_paid) hooks_.publish(s, "orders/paid", payload);
      co_return http::response::json(200, json::object{{"ok", true}});
    }
  }

  if (what == "products") {
    if (seg.size() == 4 && m == "POST") {
      std::string title = obj.contains("title") && obj.at("title").is_string() ? std::string(obj.at("title").as_string()) : "New product";
      int variants = obj.contains("variants") && obj.at("variants").is_number() ? static_cast<int>(obj.at("variants").to_number<double>()) : 1;
      auto index = generator::add_product(s, title, std::clamp(variants, 1, 100), now);
      const auto& p = s.products[index];
      json::array vs;
      for (std::uint32_t v = p.first_variant; v < p.first_variant + p.variant_count; ++v)
        vs.push_back(json::object{{"id", executor::gid("ProductVariant", store::make_id(s.number, v))},
                                  {"inventory_item_id", executor::gid("InventoryItem", store::make_id(s.number, v))},
                                  {"sku", s.variants[v].sku}});
      co_return http::response::json(201, json::object{{"id", executor::gid("Product", store::make_id(s.number, index))}, {"variants", std::move(vs)}});
    }
    // PUT/PATCH /_sim/shops/{shop}/products/{id} {"title", "variants": [{"id"|"sku" (match), "new_sku", "price", "title"}]}
    if (seg.size() == 5 && (m == "PUT" || m == "PATCH" || m == "POST")) {
      auto i = index_of(s, seg[4], "Product", s.products.size());
      if (!i) co_return not_found("No such product.");
      auto& p = s.products[*i];
      if (auto* t = obj.if_contains("title"); t && t->is_string()) p.title = std::string(t->as_string());
      if (auto* vs = obj.if_contains("variants"); vs && vs->is_array()) {
        for (const auto& vv : vs->as_array()) {
          if (!vv.is_object()) co_return bad("variants must be objects");
          const auto& vo = vv.as_object();
          std::optional<std::uint32_t> vi;
          if (auto* id = vo.if_contains("id"); id && id->is_string()) vi = index_of(s, std::string(id->as_string()), "ProductVariant", s.variants.size());
          else if (auto* pos = vo.if_contains("index"); pos && pos->is_number()) {
            auto k = static_cast<std::uint32_t>(pos->to_number<double>());
            if (k < p.variant_count) vi = p.first_variant + k;
          }
          if (!vi || s.variants[*vi].product != *i) co_return bad("variant not found in this product");
          auto& v = s.variants[*vi];
          if (auto* x = vo.if_contains("sku"); x && (x->is_string() || x->is_null())) v.sku = x->is_null() ? "" : std::string(x->as_string());
          if (auto* x = vo.if_contains("title"); x && x->is_string()) v.title = std::string(x->as_string());
          if (auto* x = vo.if_contains("price"); x && (x->is_string() || x->is_number()))
            v.price_cents = static_cast<std::int64_t>(std::llround((x->is_string() ? std::atof(std::string(x->as_string()).c_str()) : x->to_number<double>()) * 100));
          v.updated_at = now;
        }
      }
      p.updated_at = now;
      co_return http::response::json(200, json::object{{"id", executor::gid("Product", store::make_id(s.number, *i))},
                                                       {"updated_at", store::format_time(now)}});
    }
  }

  if (what == "customers") {
    auto apply = [&](store::customer& c) -> std::optional<std::string> {
      for (const char* k : {"email", "first_name", "last_name", "phone"}) {
        if (auto* x = obj.if_contains(k)) {
          if (!x->is_string() && !x->is_null()) return std::string(k) + " must be a string or null";
          std::string v = x->is_null() ? "" : std::string(x->as_string());
          if (std::string_view(k) == "email") c.email = v;
          else if (std::string_view(k) == "first_name") c.first_name = v;
          else if (std::string_view(k) == "last_name") c.last_name = v;
          else c.phone = v;
        }
      }
      if (auto* x = obj.if_contains("marketing_state")) {
        auto ms = x->is_string() ? store::parse_marketing_state(x->as_string()) : std::nullopt;
        if (!ms) return "unknown marketing_state";
        c.marketing = *ms;
      }
      c.updated_at = now;
      return std::nullopt;
    };
    if (seg.size() == 4 && m == "POST") {
      store::customer c;
      c.created_at = now;
      if (auto e = apply(c)) co_return bad(*e);
      s.customers.push_back(std::move(c));
      co_return http::response::json(201, json::object{{"id", executor::gid("Customer", store::make_id(s.number, s.customers.size() - 1))}});
    }
    if (seg.size() == 4 && m == "GET") {
      json::array out;
      for (std::size_t i = 0; i < s.customers.size(); ++i) {
        const auto& c = s.customers[i];
        out.push_back(json::object{{"id", executor::gid("Customer", store::make_id(s.number, i))},
                                   {"email", c.email},
                                   {"first_name", c.first_name},
                                   {"last_name", c.last_name},
                                   {"marketing_state", std::string(store::to_enum(c.marketing))},
                                   {"updated_at", store::format_time(c.updated_at)}});
      }
      co_return http::response::json(200, json::object{{"customers", std::move(out)}});
    }
    if (seg.size() == 5 && (m == "PUT" || m == "PATCH")) {
      auto i = index_of(s, seg[4], "Customer", s.customers.size());
      if (!i) co_return not_found("No such customer.");
      if (auto e = apply(s.customers[*i])) co_return bad(*e);
      co_return http::response::json(200, json::object{{"ok", true}});
    }
  }

  if (what == "faults") {
    if (m == "PUT" || m == "PATCH" || m == "POST") {
      if (!body.is_object()) co_return bad("faults must be a JSON object");
      if (auto e = s.faults.apply(obj)) co_return bad(*e);
    } else if (m == "DELETE") {
      s.faults = sim::faults{};
    }
    co_return http::response::json(200, s.faults.to_json());
  }

  if (what == "stats") {
    if (m == "DELETE") s.counters = store::stats{};
    auto t = cost::bucket::clock::now();
    co_return http::response::json(200, json::object{{"calls", s.counters.calls},
                                                     {"throttled", s.counters.throttled},
                                                     {"cost_used", s.counters.cost_used},
                                                     {"bucket", json::object{{"maximumAvailable", s.bucket.capacity()},
                                                                             {"currentlyAvailable", std::floor(s.bucket.available(t))},
                                                                             {"restoreRate", s.bucket.restore_rate()}}}});
  }

  if (what == "inventory") {
    if (m == "PUT" || m == "POST") {
      // {"inventory_item_id"|"sku", "location_id"?, "available"}
      std::optional<std::uint32_t> item;
      if (auto* x = obj.if_contains("inventory_item_id"); x && x->is_string()) item = index_of(s, std::string(x->as_string()), "InventoryItem", s.variants.size());
      else if (auto* k = obj.if_contains("sku"); k && k->is_string())
        for (std::uint32_t v = 0; v < s.variants.size() && !item; ++v)
          if (s.variants[v].sku == k->as_string()) item = v;
      std::uint32_t loc = 0;
      if (auto* x = obj.if_contains("location_id"); x && x->is_string()) {
        auto l = index_of(s, std::string(x->as_string()), "Location", s.locations.size());
        if (!l) co_return bad("unknown location_id");
        loc = *l;
      }
      auto* a = obj.if_contains("available");
      if (!item || !a || !a->is_number() || s.locations.empty()) co_return bad("inventory_item_id (or sku) and available are required");
      s.level(*item, loc) = static_cast<std::int32_t>(a->to_number<double>());
      co_return http::response::json(200, json::object{{"ok", true}});
    }
    json::array rows;
    rows.reserve(s.variants.size() * s.locations.size());
    for (std::uint32_t v = 0; v < s.variants.size(); ++v)
      for (std::uint32_t l = 0; l < s.locations.size(); ++l)
        rows.push_back(json::object{{"sku", s.variants[v].sku.empty() ? json::value(nullptr) : json::value(s.variants[v].sku)},
                                    {"variant_id", executor::gid("ProductVariant", store::make_id(s.number, v))},
                                    {"inventory_item_id", executor::gid("InventoryItem", store::make_id(s.number, v))},
                                    {"location_id", executor::gid("Location", store::make_id(s.number, l))},
                                    {"available", s.level(v, l)}});
    co_return http::response::json(200, json::object{{"inventory", std::move(rows)}});
  }

  if (what == "deliveries" && m == "GET") {
    std::string topic = req.query_param("topic").value_or("");
    std::size_t limit = static_cast<std::size_t>(std::atol(req.query_param("limit").value_or("0").c_str()));
    co_return http::response::json(200, json::object{{"deliveries", hooks_.deliveries(s.name, topic, limit)}});
  }

  if (what == "subscriptions" && m == "GET") {
    json::array out;
    for (const auto& sub : s.subscriptions)
      out.push_back(json::object{{"id", executor::gid("WebhookSubscription", sub.id)}, {"topic", sub.topic}, {"uri", sub.uri},
                                 {"consecutive_failures", sub.consecutive_failures}});
    co_return http::response::json(200, json::object{{"subscriptions", std::move(out)}});
  }

  // POST /_sim/shops/{shop}/webhooks {"topic", "uri"?, "customer_email"?}: compliance and other topics on demand.
  if (what == "webhooks" && m == "POST") {
    std::string topic = obj.contains("topic") && obj.at("topic").is_string() ? std::string(obj.at("topic").as_string()) : "";
    std::string uri = obj.contains("uri") && obj.at("uri").is_string() ? std::string(obj.at("uri").as_string()) : cfg_.compliance_url;
    json::value payload;
    if (topic == "customers/data_request" || topic == "customers/redact" || topic == "shop/redact") {
      std::optional<std::size_t> customer;
      if (auto* ce = obj.if_contains("customer_email"); ce && ce->is_string())
        for (std::size_t i = 0; i < s.customers.size(); ++i)
          if (equal_ci(s.customers[i].email, ce->as_string())) customer = i;
      if (!customer && !s.customers.empty() && topic != "shop/redact") customer = 0;
      payload = webhooks::compliance_payload(s, topic, customer, s.rng.next() % 100000);
      if (uri.empty()) co_return bad("uri is required (no --compliance-url)");
      hooks_.send(s, topic, uri, payload, 0);
    } else if (topic == "app/uninstalled") {
      uninstall(s);
    } else if (topic == "orders/create" || topic == "orders/paid" || topic == "orders/updated") {
      if (s.orders.empty()) co_return bad("the shop has no orders");
      std::size_t i = s.orders.size() - 1;
      if (auto* id = obj.if_contains("order_id"); id && id->is_string()) {
        auto k = index_of(s, std::string(id->as_string()), "Order", s.orders.size());
        if (!k) co_return bad("unknown order_id");
        i = *k;
      }
      payload = webhooks::order_payload(s, i);
      if (obj.contains("uri")) hooks_.send(s, topic, uri, payload, 0);
      else hooks_.publish(s, topic, payload);
    } else {
      co_return bad("topic must be customers/data_request, customers/redact, shop/redact, app/uninstalled or orders/*");
    }
    co_return http::response::json(202, json::object{{"ok", true}});
  }

  if (what == "uninstall" && m == "POST") {
    uninstall(s);
    co_return http::response::json(200, json::object{{"ok", true}});
  }

  if (what == "tokens") {
    // POST /_sim/shops/{shop}/tokens {"scopes"}: a token without the OAuth dance (tests of other modules).
    if (seg.size() == 4 && m == "POST") {
      std::string scopes = obj.contains("scopes") && obj.at("scopes").is_string() ? std::string(obj.at("scopes").as_string())
                                                                                 : "read_products,write_products,read_inventory,write_inventory,read_orders,read_customers";
      bool expiring = obj.contains("expiring") && obj.at("expiring").is_bool() && obj.at("expiring").as_bool();
      std::string token = issue_token(s, normalize_scopes(scopes), expiring);
      co_return http::response::json(201, json::object{{"access_token", token}, {"scope", normalize_scopes(scopes)}});
    }
    // POST /_sim/shops/{shop}/tokens/expire: every access token of the shop expires now (refresh tests).
    if (seg.size() == 5 && seg[4] == "expire" && m == "POST") {
      int n = 0;
      for (auto& [k, t] : access_tokens_)
        if (t.shop == s.number && !t.revoked) {
          t.expires_at = now - 1;
          ++n;
        }
      co_return http::response::json(200, json::object{{"expired", n}});
    }
    if (seg.size() == 4 && m == "GET") {
      json::array out;
      for (const auto& [k, t] : access_tokens_)
        if (t.shop == s.number)
          out.push_back(json::object{{"token_prefix", k.substr(0, 10)}, {"scope", t.scopes}, {"revoked", t.revoked},
                                     {"expires_at", t.expires_at ? json::value(store::format_time(t.expires_at)) : json::value(nullptr)},
                                     {"valid", !t.revoked && (!t.expires_at || now < t.expires_at)}});
      co_return http::response::json(200, json::object{{"installed", s.installed}, {"access_tokens", std::move(out)}});
    }
  }

  // PUT /_sim/shops/{shop}/grant {"scopes": "read_products"}: the next install grants these instead of the request.
  if (what == "grant" && (m == "PUT" || m == "POST")) {
    if (auto* x = obj.if_contains("scopes"); x && x->is_string()) granted_override_[s.number] = normalize_scopes(x->as_string());
    else granted_override_.erase(s.number);
    co_return http::response::json(200, json::object{{"ok", true}});
  }

  co_return not_found("Unknown control endpoint.");
}

}  // namespace nexsync::sim
