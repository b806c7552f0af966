#include "sim/app.hpp"

#include "crypto/random.hpp"
#include "sim/graphql/parser.hpp"
#include "sim/schema/schema.hpp"
#include "sim/store/time.hpp"
#include "sim/webhooks/payloads.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cctype>

namespace nexsync::sim {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const char* store_unavailable_html =
    "<!DOCTYPE html><html><head><title>Store unavailable</title></head><body>"
    "<h1>Sorry, this store is currently unavailable.</h1>"
    "<p>This store is unavailable. (shopify-sim has no shop with this name.)</p></body></html>";

}  // namespace

std::string normalize_scopes(std::string_view requested) {
  static const std::set<std::string, std::less<>> known = {
      "read_products", "write_products", "read_inventory", "write_inventory", "read_orders", "write_orders",
      "read_all_orders", "read_customers", "write_customers", "read_locations", "write_locations",
      "read_fulfillments", "write_fulfillments", "read_shipping", "read_content", "write_content"};
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    // trim
    while (!cur.empty() && std::isspace(static_cast<unsigned char>(cur.back()))) cur.pop_back();
    std::size_t b = 0;
    while (b < cur.size() && std::isspace(static_cast<unsigned char>(cur[b]))) ++b;
    cur = cur.substr(b);
    if (known.count(cur) && std::find(out.begin(), out.end(), cur) == out.end()) out.push_back(cur);
    cur.clear();
  };
  for (char c : requested) {
    if (c == ',') flush();
    else cur += c;
  }
  flush();
  std::string s;
  for (const auto& x : out) s += (s.empty() ? "" : ",") + x;
  return s;
}

app::app(asio::io_context& io, app_config cfg)
    : io_(io),
      cfg_(std::move(cfg)),
      hooks_(io.get_executor(), store_,
             webhooks::dispatcher::options{cfg_.app_secret, cfg_.api_version, cfg_.time_scale, std::chrono::milliseconds(1000),
                                           std::chrono::milliseconds(5000)}) {}

bool app::webhook_uri_allowed(std::string_view uri) {
  if (cfg_.app_url.empty()) return false;
  std::string base = cfg_.app_url;
  if (!base.empty() && base.back() == '/') base.pop_back();
  if (uri.substr(0, base.size()) != base) return false;
  return uri.size() == base.size() || uri[base.size()] == '/' || uri[base.size()] == '?';
}

std::string app::issue_token(store::shop& s, const std::string& scopes, bool expiring) {
  std::string token = "shpat_" + crypto::random_hex(16);
  token_info t;
  t.shop = s.number;
  t.scopes = scopes;
  t.expires_at = expiring ? store::now_seconds() + cfg_.access_token_ttl : 0;
  access_tokens_[token] = t;
  s.installed = true;
  return token;
}

std::optional<const token_info*> app::check_token(store::shop& s, http::request& req) {
  auto h = req.header("X-Shopify-Access-Token");
  if (!h) return std::nullopt;
  auto it = access_tokens_.find(*h);
  if (it == access_tokens_.end()) return std::nullopt;
  const auto& t = it->second;
  if (t.shop != s.number || t.revoked) return std::nullopt;
  if (t.expires_at && store::now_seconds() >= t.expires_at) return std::nullopt;
  return &t;
}

void app::uninstall(store::shop& s) {
  for (auto& [k, t] : access_tokens_)
    if (t.shop == s.number) t.revoked = true;
  for (auto& [k, t] : refresh_tokens_)
    if (t.shop == s.number) t.revoked = true;
  std::vector<std::string> targets;
  for (const auto& sub : s.subscriptions)
    if (sub.topic == "app/uninstalled") targets.push_back(sub.uri);
  s.subscriptions.clear();
  s.installed = false;
  json::value payload = webhooks::shop_payload(s);
  for (const auto& uri : targets) hooks_.send(s, "app/uninstalled", uri, payload, 0);
}

void app::start_bulk(store::shop& s, std::size_t index) {
  bulk_secrets_[std::to_string(s.bulk_operations[index].id)] = crypto::random_hex(16);
  asio::co_spawn(io_, run_bulk(s.number, index), asio::detached);
}

std::string app::bulk_url(const store::shop& s, const store::bulk_operation& op) {
  auto it = bulk_secrets_.find(std::to_string(op.id));
  std::string secret = it == bulk_secrets_.end() ? "" : it->second;
  return cfg_.public_url + "/_sim/bulk/" + s.name + "/" + std::to_string(op.id) + "-" + secret + ".jsonl";
}

asio::awaitable<void> app::run_bulk(std::uint32_t shop_number, std::size_t index) {
  {
    store::shop* s = store_.by_number(shop_number);
    if (!s || s->bulk_operations[index].status != "CREATED") co_return;
    s->bulk_operations[index].status = "RUNNING";
    auto wait = std::chrono::milliseconds(static_cast<long long>(s->faults.bulk_duration_ms * cfg_.time_scale));
    asio::steady_timer timer(io_, wait);
    co_await timer.async_wait(asio::use_awaitable);
  }
  store::shop* s = store_.by_number(shop_number);
  if (!s) co_return;
  auto& op = s->bulk_operations[index];
  if (op.status != "RUNNING") co_return;  // canceled meanwhile
  auto parsed = graphql::parse(op.query);
  auto planned = graphql::make_plan(std::get<graphql::document>(parsed), "", json::object{}, schema::admin_schema());
  executor::context ctx(*s);
  ctx.svc = this;
  ctx.bulk = true;
  ctx.now = store::now_seconds();
  ctx.scopes = {"read_products", "read_inventory", "read_customers", "read_orders", "read_locations"};
  json::value data = executor::execute(ctx, *planned.value);
  op.result = executor::to_jsonl(data, op.object_count, op.root_object_count);
  op.status = "COMPLETED";
  op.completed_at = store::now_seconds();
  hooks_.publish(*s, "bulk_operations/finish", webhooks::bulk_finish_payload(*s, op));
}

http::response app::bulk_result(http::request& req) {
  // /_sim/bulk/{shop}/{id}-{secret}.jsonl
  std::string_view rest = std::string_view(req.path).substr(std::string_view("/_sim/bulk/").size());
  auto slash = rest.find('/');
  if (slash == std::string_view::npos) return http::response::text(404, "Not Found");
  store::shop* s = store_.find(rest.substr(0, slash));
  std::string_view file = rest.substr(slash + 1);
  auto dash = file.find('-');
  if (!s || dash == std::string_view::npos || file.size() < 6 || file.substr(file.size() - 6) != ".jsonl")
    return http::response::text(404, "Not Found");
  std::string id(file.substr(0, dash));
  std::string secret(file.substr(dash + 1, file.size() - 6 - dash - 1));
  auto it = bulk_secrets_.find(id);
  if (it == bulk_secrets_.end() || it->second != secret) return http::response::text(403, "AccessDenied");
  for (const auto& op : s->bulk_operations)
    if (std::to_string(op.id) == id) {
      http::response r;
      r.status = 200;
      r.set_header("Content-Type", "application/jsonl");
      r.body = op.result;
      return r;
    }
  return http::response::text(404, "Not Found");
}

std::optional<std::string> app::create_order(store::shop& s, const json::object& body, std::size_t& index) {
  store::order o;
  o.status = store::financial_status::paid;
  if (auto* fs = body.if_contains("financial_status")) {
    if (!fs->is_string()) return "financial_status must be a string";
    auto parsed = store::parse_financial_status(fs->as_string());
    if (!parsed) return "unknown financial_status";
    o.status = *parsed;
  }
  const store::seconds now = store::now_seconds();
  o.created_at = o.updated_at = now;
  if (auto* ce = body.if_contains("customer_email"); ce && ce->is_string()) {
    std::string want = lower(ce->as_string());
    for (std::size_t i = 0; i < s.customers.size(); ++i)
      if (lower(s.customers[i].email) == want) o.customer = static_cast<std::int32_t>(i);
    if (o.customer < 0) {
      store::customer c;
      c.email = std::string(ce->as_string());
      c.first_name = "New";
      c.last_name = "Customer";
      c.created_at = c.updated_at = now;
      s.customers.push_back(std::move(c));
      o.customer = static_cast<std::int32_t>(s.customers.size() - 1);
    }
  }
  if (o.customer >= 0) o.email = s.customers[static_cast<std::size_t>(o.customer)].email;
  if (auto* em = body.if_contains("email"); em && em->is_string()) o.email = std::string(em->as_string());
  auto add_line = [&](std::int32_t variant, std::int32_t qty, std::optional<std::int64_t> price) {
    store::line_item li;
    li.id = store::make_id(s.number, s.next_line_item++);
    li.variant = variant;
    li.quantity = qty;
    if (variant >= 0) {
      const auto& v = s.variants[static_cast<std::size_t>(variant)];
      li.sku = v.sku;
      li.title = s.products[v.product].title;
      li.price_cents = price.value_or(v.price_cents);
      if (!s.locations.empty()) s.level(static_cast<std::uint32_t>(variant), 0) -= qty;  // Shopify decrements stock on order
    } else {
      li.title = "Custom item";
      li.price_cents = price.value_or(1000);
    }
    o.subtotal_cents += li.price_cents * li.quantity;
    o.items.push_back(std::move(li));
  };
  if (auto* items = body.if_contains("line_items")) {
    if (!items->is_array()) return "line_items must be an array";
    for (const auto& item : items->as_array()) {
      if (!item.is_object()) return "each line item must be an object";
      const auto& it = item.as_object();
      std::int32_t qty = 1;
      if (auto* q = it.if_contains("quantity")) {
        if (!q->is_number() || q->to_number<double>() < 1) return "quantity must be a positive number";
        qty = static_cast<std::int32_t>(q->to_number<double>());
      }
      std::optional<std::int64_t> price;
      if (auto* p = it.if_contains("price")) {
        double d = p->is_string() ? std::atof(std::string(p->as_string()).c_str()) : p->is_number() ? p->to_number<double>() : -1;
        if (d < 0) return "price must be a decimal amount";
        price = static_cast<std::int64_t>(d * 100 + 0.5);
      }
      std::int32_t variant = -1;
      if (auto* sku = it.if_contains("sku"); sku && sku->is_string()) {
        for (std::size_t v = 0; v < s.variants.size(); ++v)
          if (s.variants[v].sku == sku->as_string()) {
            variant = static_cast<std::int32_t>(v);
            break;
          }
        if (variant < 0) return "no variant has SKU " + std::string(sku->as_string());
      } else if (auto* vid = it.if_contains("variant_id"); vid && vid->is_string()) {
        std::string type;
        std::uint64_t id = 0;
        if (!executor::parse_gid(vid->as_string(), type, id) || type != "ProductVariant" || store::id_shop(id) != s.number ||
            store::id_index(id) >= s.variants.size())
          return "unknown variant_id";
        variant = static_cast<std::int32_t>(store::id_index(id));
      }
      add_line(variant, qty, price);
    }
  } else {
    // Default: one or two variants that have a SKU, chosen by the shop's seeded dice.
    std::vector<std::int32_t> with_sku;
    for (std::size_t v = 0; v < s.variants.size() && with_sku.size() < 5000; ++v)
      if (!s.variants[v].sku.empty()) with_sku.push_back(static_cast<std::int32_t>(v));
    int lines = with_sku.empty() ? 0 : 1 + static_cast<int>(s.rng.next() % 2);
    for (int l = 0; l < lines; ++l) add_line(with_sku[s.rng.next() % with_sku.size()], 1, std::nullopt);
    if (lines == 0) add_line(-1, 1, std::nullopt);
  }
  o.tax_cents = o.subtotal_cents * 19 / 119;
  o.subtotal_cents -= o.tax_cents;
  o.number = s.next_order_number++;
  if (o.customer >= 0) {
    auto& c = s.customers[static_cast<std::size_t>(o.customer)];
    ++c.orders_count;
    c.amount_spent_cents += o.total_cents();
  }
  s.orders.push_back(std::move(o));
  index = s.orders.size() - 1;
  json::value payload = webhooks::order_payload(s, index);
  hooks_.publish(s, "orders/create", payload);
  if (s.orders[index].status == store::financial_status::paid) hooks_.publish(s, "orders/paid", payload);
  return std::nullopt;
}

asio::awaitable<http::response> app::handle(http::request& req) {
  const std::string& path = req.path;
  if (path.rfind("/_sim/bulk/", 0) == 0) co_return bulk_result(req);
  if (path == "/_sim" || path.rfind("/_sim/", 0) == 0) co_return co_await control(req);

  // Which shop: Host "{shop}.myshopify.com" or path "/shops/{shop}/...".
  std::string name;
  std::string rest = path;
  std::string host = lower(req.header("Host").value_or(""));
  if (auto colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos) host.resize(colon);
  constexpr std::string_view suffix = ".myshopify.com";
  if (host.size() > suffix.size() && host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0) {
    name = host.substr(0, host.size() - suffix.size());
  } else if (path.rfind("/shops/", 0) == 0) {
    auto end = path.find('/', 7);
    name = lower(path.substr(7, end == std::string::npos ? std::string::npos : end - 7));
    rest = end == std::string::npos ? "/" : path.substr(end);
  } else {
    if (path == "/" || path == "/health") co_return http::response::text(200, "shopify-sim\n");
    co_return http::response::json(404, json::object{{"errors", "Not Found"}});
  }
  store::shop* s = store_.find(name);
  if (!s) co_return http::response::html(404, store_unavailable_html);

  if (rest == "/admin/oauth/authorize") {
    if (req.method == "GET") co_return oauth_authorize(*s, req);
    if (req.method == "POST") co_return oauth_install(*s, req);
  }
  if (rest == "/admin/oauth/access_token" && req.method == "POST") co_return oauth_token(*s, req);
  if (rest == "/admin/api_permissions/current.json" && req.method == "DELETE") co_return revoke_permissions(*s, req);
  constexpr std::string_view api = "/admin/api/";
  if (rest.rfind(api, 0) == 0 && rest.size() > api.size() + 13 && rest.substr(rest.size() - 13) == "/graphql.json") {
    std::string version = rest.substr(api.size(), rest.size() - api.size() - 13);
    if (req.method != "POST") co_return http::response::json(405, json::object{{"errors", "Method Not Allowed"}});
    co_return co_await admin_graphql(*s, req, version);
  }
  if (rest == "/admin/graphql.json" && req.method == "POST") co_return co_await admin_graphql(*s, req, cfg_.api_version);
  if (req.method == "GET" || req.method == "HEAD")
    co_return http::response::html(200, "<!DOCTYPE html><html><head><title>" + http::html_escape(s->domain()) +
                                            "</title></head><body><h1>" + http::html_escape(s->domain()) +
                                            "</h1><p>shopify-sim shop admin.</p></body></html>");
  co_return http::response::json(405, json::object{{"errors", "Method Not Allowed"}});
}

}  // namespace nexsync::sim
