#include "sim/executor/executor.hpp"

#include "crypto/encoding.hpp"
#include "sim/executor/internal.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace nexsync::sim::executor {

namespace json = boost::json;
using namespace detail;

bool context::has_scope(std::string_view scope) const {
  if (scopes.count(scope)) return true;
  if (scope.substr(0, 5) == "read_") {
    std::string write = "write_" + std::string(scope.substr(5));
    if (scopes.count(write)) return true;
  }
  if (scope == "read_orders" && scopes.count("read_all_orders")) return true;
  return false;
}

std::string gid(std::string_view type, std::uint64_t id) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, id);
  (void)ec;
  std::string out;
  out.reserve(15 + type.size() + static_cast<std::size_t>(end - digits));
  out.append("gid://shopify/").append(type).append(1, '/').append(digits, end);
  return out;
}

bool parse_gid(std::string_view text, std::string& type, std::uint64_t& id) {
  constexpr std::string_view prefix = "gid://shopify/";
  if (text.substr(0, prefix.size()) != prefix) return false;
  text.remove_prefix(prefix.size());
  auto slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0) return false;
  type = std::string(text.substr(0, slash));
  std::string_view num = text.substr(slash + 1);
  auto q = num.find('?');
  if (q != std::string_view::npos) num = num.substr(0, q);
  if (num.empty()) return false;
  auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), id);
  return ec == std::errc() && p == num.data() + num.size();
}

namespace detail {

json::storage_ptr& current_storage() {
  static thread_local json::storage_ptr sp;
  return sp;
}

const char* type_name(const entity& e) {
  switch (e.k) {
    case entity::kind::shop: return "Shop";
    case entity::kind::app: return "App";
    case entity::kind::app_installation: return "AppInstallation";
    case entity::kind::product: return "Product";
    case entity::kind::variant: return "ProductVariant";
    case entity::kind::inventory_item: return "InventoryItem";
    case entity::kind::inventory_level: return "InventoryLevel";
    case entity::kind::location: return "Location";
    case entity::kind::customer: return "Customer";
    case entity::kind::order: return "Order";
    case entity::kind::line_item: return "LineItem";
    case entity::kind::bulk_operation: return "BulkOperation";
    case entity::kind::subscription: return "WebhookSubscription";
    case entity::kind::json: return e.json_type;
  }
  return "";
}

void add_error(context& ctx, const planned_field& f, const std::string& message, json::object extensions) {
  ctx.errors.push_back(graphql::make_error(message, f.loc, json::array{json::value(f.key)}, std::move(extensions)));
}

std::string money(std::int64_t cents) {
  std::int64_t a = cents < 0 ? -cents : cents;
  std::string out = cents < 0 ? "-" : "";
  out += std::to_string(a / 100);
  out += '.';
  out += static_cast<char>('0' + a % 100 / 10);
  out += static_cast<char>('0' + a % 10);
  return out;
}

json::value money_bag(std::int64_t cents, const std::string& currency) {
  json::object m{{"amount", money(cents)}, {"currencyCode", currency}};
  return json::object{{"shopMoney", m}, {"presentmentMoney", m}};
}

std::string arg_string(const planned_field& f, std::string_view name) {
  auto it = f.args.find(name);
  if (it == f.args.end() || !it->value().is_string()) return {};
  return std::string(it->value().as_string());
}

std::string encode_cursor(std::uint64_t id) {
  return crypto::base64_encode("{\"last_id\":" + std::to_string(id) + ",\"last_value\":\"" + std::to_string(id) + "\"}");
}

namespace {

std::optional<std::uint64_t> decode_cursor(const std::string& c) {
  auto raw = crypto::base64_decode(c);
  if (!raw) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(*raw, ec);
  if (ec || !v.is_object()) return std::nullopt;
  auto* id = v.as_object().if_contains("last_id");
  if (!id) return std::nullopt;
  if (id->is_uint64()) return id->as_uint64();
  if (id->is_int64() && id->as_int64() >= 0) return static_cast<std::uint64_t>(id->as_int64());
  return std::nullopt;
}

json::value resolve_field(context& ctx, const entity& e, const planned_field& f) {
  switch (e.k) {
    case entity::kind::json: return resolve_json_field(ctx, e, f);
    case entity::kind::customer:
    case entity::kind::order:
    case entity::kind::line_item:
    case entity::kind::bulk_operation:
    case entity::kind::subscription: return resolve_commerce_field(ctx, e, f);
    default: return resolve_catalog_field(ctx, e, f);
  }
}

}  // namespace

json::value complete_object(context& ctx, const entity& e, const fields& fs) {
  ctx.actual_cost += 1;
  json::object out(ctx.sp);
  out.reserve(fs.size());
  const char* tn = type_name(e);
  for (const auto& f : fs) {
    if (!f.on_type.empty() && f.on_type != tn) continue;
    if (f.name == "__typename") {
      out[f.key] = tn;
      continue;
    }
    out.emplace(f.key, resolve_field(ctx, e, f));
  }
  return out;
}

json::value complete_connection(context& ctx, const page& p, const planned_field& f) {
  ctx.actual_cost += 2;
  json::object out(ctx.sp);
  for (const auto& c : f.children) {
    if (c.name == "__typename") {
      out[c.key] = f.type->name;
    } else if (c.name == "nodes") {
      json::array nodes(ctx.sp);
      nodes.reserve(p.items.size());
      for (const auto& e : p.items) nodes.push_back(complete_object(ctx, e, c.children));
      out[c.key] = std::move(nodes);
    } else if (c.name == "edges") {
      json::array edges(ctx.sp);
      edges.reserve(p.items.size());
      for (std::size_t i = 0; i < p.items.size(); ++i) {
        json::object edge(ctx.sp);
        for (const auto& ec : c.children) {
          if (ec.name == "cursor") edge[ec.key] = encode_cursor(p.ids[i]);
          else if (ec.name == "node") edge[ec.key] = complete_object(ctx, p.items[i], ec.children);
          else if (ec.name == "__typename") edge[ec.key] = std::string(c.type->name);
        }
        edges.push_back(std::move(edge));
      }
      out[c.key] = std::move(edges);
    } else if (c.name == "pageInfo") {
      json::object pi(ctx.sp);
      for (const auto& pc : c.children) {
        if (pc.name == "hasNextPage") pi[pc.key] = p.has_next;
        else if (pc.name == "hasPreviousPage") pi[pc.key] = p.has_previous;
        else if (pc.name == "startCursor") pi[pc.key] = p.ids.empty() ? json::value(nullptr) : json::value(encode_cursor(p.ids.front()));
        else if (pc.name == "endCursor") pi[pc.key] = p.ids.empty() ? json::value(nullptr) : json::value(encode_cursor(p.ids.back()));
        else if (pc.name == "__typename") pi[pc.key] = "PageInfo";
      }
      out[c.key] = std::move(pi);
    }
  }
  return out;
}

json::value resolve_json_field(context& ctx, const entity& e, const planned_field& f) {
  const json::object* obj = e.j && e.j->is_object() ? &e.j->as_object() : nullptr;
  const json::value* v = obj ? obj->if_contains(f.name) : nullptr;
  if (!v || v->is_null()) return nullptr;
  if (!f.type || f.type->is_leaf()) return *v;
  auto complete_one = [&](const json::value& x) -> json::value {
    if (x.is_null()) return nullptr;
    if (const auto* o = x.if_object(); o && o->contains("__entity")) {
      entity ref;
      ref.k = static_cast<entity::kind>(o->at("__entity").to_number<int>());
      ref.a = o->at("a").to_number<std::uint32_t>();
      ref.b = o->at("b").to_number<std::uint32_t>();
      return complete_object(ctx, ref, f.children);
    }
    entity child;
    child.k = entity::kind::json;
    child.j = &x;
    child.json_type = f.type->name.c_str();
    return complete_object(ctx, child, f.children);
  };
  if (v->is_array()) {
    json::array out;
    for (const auto& x : v->as_array()) out.push_back(complete_one(x));
    return out;
  }
  return complete_one(*v);
}

std::optional<std::vector<std::uint32_t>> paginate(context& ctx, const planned_field& f, std::size_t n,
                                                   const std::function<bool(std::uint32_t)>& keep,
                                                   const std::function<std::uint64_t(std::uint32_t)>& id_of,
                                                   const less_fn& less, bool& has_next, bool& has_previous) {
  auto int_arg = [&](const char* k) -> std::int64_t {
    auto it = f.args.find(k);
    return it != f.args.end() && it->value().is_int64() ? it->value().as_int64() : -1;
  };
  std::int64_t first = int_arg("first");
  std::int64_t last = int_arg("last");
  bool reverse = false;
  if (auto it = f.args.find("reverse"); it != f.args.end() && it->value().is_bool()) reverse = it->value().as_bool();
  std::optional<std::uint64_t> after, before;
  for (auto [name, slot] : {std::pair{"after", &after}, std::pair{"before", &before}}) {
    std::string c = arg_string(f, name);
    if (c.empty()) continue;
    *slot = decode_cursor(c);
    if (!*slot) {
      add_error(ctx, f, "Invalid cursor for current pagination sort.", {{"code", "BAD_REQUEST"}});
      return std::nullopt;
    }
  }
  if (ctx.bulk) {
    first = std::numeric_limits<std::int64_t>::max();
    last = -1;
  }
  std::vector<std::uint32_t> out;
  has_next = has_previous = false;
  if (!less && !reverse && last < 0 && !before) {
    // Hot path: records are stored in id order; binary-search the cursor and scan forward.
    std::uint32_t lo = 0, hi = static_cast<std::uint32_t>(n);
    if (after) {
      while (lo < hi) {
        std::uint32_t mid = lo + (hi - lo) / 2;
        if (id_of(mid) <= *after) lo = mid + 1;
        else hi = mid;
      }
      has_previous = lo > 0;
    }
    for (std::uint32_t i = lo; i < n; ++i) {
      if (!keep(i)) continue;
      if (static_cast<std::int64_t>(out.size()) >= first) {
        has_next = true;
        break;
      }
      out.push_back(i);
    }
    return out;
  }
  std::vector<std::uint32_t> all;
  for (std::uint32_t i = 0; i < n; ++i)
    if (keep(i)) all.push_back(i);
  if (less) std::stable_sort(all.begin(), all.end(), less);
  if (reverse) std::reverse(all.begin(), all.end());
  std::size_t begin = 0, end = all.size();
  auto find = [&](std::uint64_t id) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < all.size(); ++i)
      if (id_of(all[i]) == id) return i;
    return std::nullopt;
  };
  if (after) {
    auto p = find(*after);
    if (!p) {
      add_error(ctx, f, "Invalid cursor for current pagination sort.", {{"code", "BAD_REQUEST"}});
      return std::nullopt;
    }
    begin = *p + 1;
  }
  if (before) {
    auto p = find(*before);
    if (!p) {
      add_error(ctx, f, "Invalid cursor for current pagination sort.", {{"code", "BAD_REQUEST"}});
      return std::nullopt;
    }
    end = std::min(end, *p);
  }
  if (begin > end) begin = end;
  if (first >= 0) {
    std::size_t stop = std::min(end, begin + static_cast<std::size_t>(first));
    out.assign(all.begin() + static_cast<std::ptrdiff_t>(begin), all.begin() + static_cast<std::ptrdiff_t>(stop));
    has_next = stop < end;
    has_previous = begin > 0;
  } else if (last >= 0) {
    std::size_t start = end > begin + static_cast<std::size_t>(last) ? end - static_cast<std::size_t>(last) : begin;
    out.assign(all.begin() + static_cast<std::ptrdiff_t>(start), all.begin() + static_cast<std::ptrdiff_t>(end));
    has_previous = start > 0;
    has_next = end < all.size();
  }
  return out;
}

page make_page(const std::vector<std::uint32_t>& idx, entity::kind k,
               const std::function<std::uint64_t(std::uint32_t)>& id_of, bool has_next, bool has_previous) {
  page p;
  p.items.reserve(idx.size());
  p.ids.reserve(idx.size());
  for (auto i : idx) {
    entity e;
    e.k = k;
    e.a = i;
    p.items.push_back(e);
    p.ids.push_back(id_of(i));
  }
  p.has_next = has_next;
  p.has_previous = has_previous;
  return p;
}

std::optional<std::uint32_t> lookup_id(context& ctx, const planned_field& f, std::string_view id_text,
                                       std::string_view type, std::size_t count, bool report_missing_as_error) {
  std::string t;
  std::uint64_t id = 0;
  if (!parse_gid(id_text, t, id)) {
    add_error(ctx, f, "Invalid global id '" + std::string(id_text) + "'", {{"code", "argumentLiteralsIncompatible"}});
    return std::nullopt;
  }
  if (t != type || store::id_shop(id) != ctx.shop.number || (id & 0xFFFFFFFFull) == 0 || store::id_index(id) >= count) {
    if (report_missing_as_error) add_error(ctx, f, "Invalid id: " + std::string(id_text), {{"code", "RESOURCE_NOT_FOUND"}});
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(store::id_index(id));
}

void search_warning(context& ctx, const planned_field& f, const std::string& query, const std::string& field) {
  ctx.search_warnings.push_back(json::object{
      {"path", json::array{json::value(f.key)}},
      {"query", query},
      {"warnings", json::array{json::object{{"field", field}, {"message", "Invalid search field for this query."}}}}});
}

}  // namespace detail

json::value execute(context& ctx, const graphql::plan& p) {
  struct storage_scope {
    json::storage_ptr saved;
    explicit storage_scope(const json::storage_ptr& sp) : saved(std::exchange(current_storage(), sp)) {}
    ~storage_scope() { current_storage() = std::move(saved); }
  } scope(ctx.sp);
  json::object data(ctx.sp);
  for (const auto& f : p.fields) {
    if (f.name == "__typename") {
      data[f.key] = p.kind == "mutation" ? "Mutation" : "QueryRoot";
      continue;
    }
    if (f.def && !f.def->required_access.empty() && !ctx.has_scope(f.def->required_access)) {
      add_error(ctx, f,
                "Access denied for " + f.name + " field. Required access: `" + f.def->required_access + "` access scope.",
                {{"code", "ACCESS_DENIED"},
                 {"documentation", "https://shopify.dev/api/usage/access-scopes"},
                 {"requiredAccess", "`" + f.def->required_access + "` access scope."}});
      data[f.key] = nullptr;
      continue;
    }
    data[f.key] = p.kind == "mutation" ? resolve_mutation_field(ctx, f) : resolve_root_field(ctx, f);
  }
  return data;
}

namespace {

bool is_connection(const json::value& v) {
  if (!v.is_object()) return false;
  const auto& o = v.as_object();
  return (o.contains("edges") && o.at("edges").is_array()) || (o.contains("nodes") && o.at("nodes").is_array());
}

void flatten(const json::object& node, const json::value* parent_id, std::string& out, std::uint64_t& objects) {
  json::object copy;
  std::vector<const json::value*> children;
  for (const auto& kv : node) {
    if (is_connection(kv.value())) children.push_back(&kv.value());
    else copy[kv.key()] = kv.value();
  }
  if (parent_id) copy["__parentId"] = *parent_id;
  out += json::serialize(copy);
  out += '\n';
  ++objects;
  const json::value* id = node.if_contains("id");
  for (const auto* c : children) {
    const auto& co = c->as_object();
    if (auto* edges = co.if_contains("edges"); edges && edges->is_array()) {
      for (const auto& e : edges->as_array())
        if (e.is_object() && e.as_object().contains("node") && e.at("node").is_object())
          flatten(e.at("node").as_object(), id, out, objects);
    } else if (auto* nodes = co.if_contains("nodes"); nodes && nodes->is_array()) {
      for (const auto& n : nodes->as_array())
        if (n.is_object()) flatten(n.as_object(), id, out, objects);
    }
  }
}

}  // namespace

std::string to_jsonl(const json::value& data, std::uint64_t& objects, std::uint64_t& roots) {
  std::string out;
  objects = roots = 0;
  if (!data.is_object()) return out;
  for (const auto& kv : data.as_object()) {
    if (!is_connection(kv.value())) {
      if (kv.value().is_object()) {
        flatten(kv.value().as_object(), nullptr, out, objects);
        ++roots;
      }
      continue;
    }
    const auto& co = kv.value().as_object();
    std::vector<const json::object*> nodes;
    if (auto* edges = co.if_contains("edges"); edges && edges->is_array()) {
      for (const auto& e : edges->as_array())
        if (e.is_object() && e.as_object().contains("node") && e.at("node").is_object()) nodes.push_back(&e.at("node").as_object());
    } else if (auto* ns = co.if_contains("nodes"); ns && ns->is_array()) {
      for (const auto& n : ns->as_array())
        if (n.is_object()) nodes.push_back(&n.as_object());
    }
    for (const auto* n : nodes) {
      flatten(*n, nullptr, out, objects);
      ++roots;
    }
  }
  return out;
}

}  // namespace nexsync::sim::executor
