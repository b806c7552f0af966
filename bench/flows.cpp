#include "bench/flows.hpp"

#include <boost/json.hpp>

#include <chrono>

namespace nexsync::bench {

namespace {

double number(const boost::json::value* v) {
  if (!v) return 0;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  return 0;
}

}  // namespace

click_result click_sync(const stack& s, const tenant& t, const std::string& direction, double timeout_s) {
  click_result r;
  auto c = s.client_of(t);
  auto t0 = std::chrono::steady_clock::now();
  try {
    auto res = c.request("POST", "/api/integrations/shopify/sync", "{\"direction\":\"" + direction + "\"}",
                         {{"Content-Type", "application/json"}, {"X-CSRF-Token", t.csrf}},
                         std::chrono::seconds(static_cast<long>(timeout_s)));
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.status = res.status;
    boost::system::error_code ec;
    auto v = boost::json::parse(res.body, ec);
    if (!ec && v.is_object()) r.body = v.as_object();
    if (res.status != 200) {
      r.error = "HTTP " + std::to_string(res.status) + ": " + res.body.substr(0, 300);
      return r;
    }
    r.run_id = static_cast<std::int64_t>(number(r.body.if_contains("run_id")));
    r.synced = static_cast<std::int64_t>(number(r.body.if_contains("synced")));
    r.skipped = static_cast<std::int64_t>(number(r.body.if_contains("skipped")));
    r.failed = static_cast<std::int64_t>(number(r.body.if_contains("failed")));
    if (auto* e = r.body.if_contains("error"); e && e->is_string()) r.error = std::string{e->as_string()};
  } catch (const std::exception& e) {
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.error = e.what();
  }
  return r;
}

shop_stats read_shop_stats(stack& s, const std::string& shop) {
  auto v = parse_json(s.sim_control("GET", "/_sim/shops/" + shop + "/stats").body).as_object();
  shop_stats st;
  st.calls = static_cast<std::int64_t>(number(v.if_contains("calls")));
  st.throttled = static_cast<std::int64_t>(number(v.if_contains("throttled")));
  st.cost_used = static_cast<std::int64_t>(number(v.if_contains("cost_used")));
  if (auto* b = v.if_contains("bucket"); b && b->is_object()) {
    st.maximum = number(b->as_object().if_contains("maximumAvailable"));
    st.available = number(b->as_object().if_contains("currentlyAvailable"));
    st.restore_rate = number(b->as_object().if_contains("restoreRate"));
  }
  return st;
}

std::vector<order_ref> sim_orders(stack& s, const std::string& shop) {
  auto v = parse_json(s.sim_control("GET", "/_sim/shops/" + shop + "/orders").body).as_object();
  std::vector<order_ref> out;
  for (auto& o : v["orders"].as_array()) {
    auto& obj = o.as_object();
    std::string id{obj.at("id").as_string()};
    std::string name{obj.at("name").as_string()};
    order_ref r;
    r.shop = shop;
    r.id = std::stoull(id.substr(id.rfind('/') + 1));
    r.number = std::stoull(name.substr(name.find_first_of("0123456789")));
    out.push_back(r);
  }
  return out;
}

void reset_shop_stats(stack& s, const std::string& shop) { s.sim_control("DELETE", "/_sim/shops/" + shop + "/stats"); }

}  // namespace nexsync::bench
