// POST /admin/api/{version}/graphql.json: token check, faults, cost and bucket, execution, extensions.

#include "sim/app.hpp"
#include "sim/cost/cost.hpp"
#include "sim/graphql/parser.hpp"
#include "sim/schema/schema.hpp"
#include "sim/store/time.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cmath>
#include <cstdio>

namespace nexsync::sim {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// Shopify prints the bucket's floats with a decimal point ("2000.0"); Boost.JSON would write "2E3".
std::string fixed(double v) {
  char buf[64];
  if (v == std::floor(v)) std::snprintf(buf, sizeof buf, "%.1f", v);
  else std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string cost_extension(long requested, std::optional<long> actual, const cost::bucket& b, double available) {
  return "{\"cost\":{\"requestedQueryCost\":" + std::to_string(requested) +
         ",\"actualQueryCost\":" + (actual ? std::to_string(*actual) : std::string("null")) +
         ",\"throttleStatus\":{\"maximumAvailable\":" + fixed(b.capacity()) +
         ",\"currentlyAvailable\":" + std::to_string(static_cast<long>(std::floor(available))) +
         ",\"restoreRate\":" + fixed(b.restore_rate()) + "}}}";
}

http::response graphql_json(std::string body) {
  http::response r;
  r.status = 200;
  r.set_header("Content-Type", "application/json; charset=utf-8");
  r.body = std::move(body);
  return r;
}

bool valid_version(const std::string& v) {
  if (v == "unstable") return true;
  return v.size() == 7 && std::isdigit(static_cast<unsigned char>(v[0])) && v[4] == '-' &&
         (v.substr(5) == "01" || v.substr(5) == "04" || v.substr(5) == "07" || v.substr(5) == "10");
}

}  // namespace

asio::awaitable<http::response> app::admin_graphql(store::shop& s, http::request& req, std::string version) {
  http::response r = co_await admin_graphql_inner(s, req, std::move(version));
  r.set_header("X-Request-Id", req.request_id);
  co_return r;
}

asio::awaitable<http::response> app::admin_graphql_inner(store::shop& s, http::request& req, std::string version) {
  const auto now = cost::bucket::clock::now();
  auto& f = s.faults;
  if (f.latency_ms > 0) {
    asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(f.latency_ms));
    co_await t.async_wait(asio::use_awaitable);
  }
  auto token = check_token(s, req);
  if (!token)
    co_return http::response::json(401, json::object{{"errors", "[API] Invalid API key or access token (unrecognized login or wrong password)"}});
  if (!valid_version(version))
    co_return http::response::json(404, json::object{{"errors", "Not Found"}});
  std::string scopes = (*token)->scopes;
  ++s.counters.calls;

  if (s.rng.chance(f.timeout_share)) {
    asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(f.timeout_ms));
    co_await t.async_wait(asio::use_awaitable);
    co_return http::response::html(504, "<html><body><h1>504 Gateway Timeout</h1></body></html>");
  }
  if (s.rng.chance(f.error_5xx_share)) {
    http::response r = http::response::html(s.rng.chance(0.5) ? 502 : 503,
                                            "<!DOCTYPE html><html><body><h1>There was a problem loading this website</h1>"
                                            "<p>Please try again.</p></body></html>");
    co_return r;
  }

  // Keep the bucket's limits in step with the plan and any lowered-limit fault.
  double rate = f.restore_rate.value_or(s.plan_restore_rate());
  double capacity = f.bucket_size.value_or(rate * 20);
  if (s.bucket.capacity() != capacity || s.bucket.restore_rate() != rate) s.bucket.set_limits(capacity, rate, now);

  // Body: {"query", "variables", "operationName"} or a raw application/graphql document.
  std::string query;
  json::object variables;
  std::string operation_name;
  auto ct = req.header("Content-Type").value_or("");
  if (ct.find("application/graphql") != std::string_view::npos) {
    query = req.body;
  } else {
    boost::system::error_code ec;
    json::value body = json::parse(req.body, ec);
    if (ec || !body.is_object() || !body.as_object().contains("query") || !body.at("query").is_string())
      co_return http::response::json(400, json::object{{"errors", json::object{{"query", "Required parameter missing or invalid"}}}});
    query = std::string(body.at("query").as_string());
    if (auto* v = body.as_object().if_contains("variables"); v && v->is_object()) variables = v->as_object();
    if (auto* o = body.as_object().if_contains("operationName"); o && o->is_string()) operation_name = std::string(o->as_string());
  }

  auto fail = [&](json::array errors, long requested) {
    std::string out = "{\"errors\":" + json::serialize(errors) + ",\"extensions\":" +
                      cost_extension(requested, std::nullopt, s.bucket, s.bucket.available(now)) + "}";
    return graphql_json(std::move(out));
  };

  auto parsed = graphql::parse(query);
  if (auto* err = std::get_if<graphql::parse_error>(&parsed)) {
    json::array errors{graphql::make_error(err->message, err->loc)};
    co_return fail(std::move(errors), 0);
  }
  auto planned = graphql::make_plan(std::get<graphql::document>(parsed), operation_name, variables, schema::admin_schema());
  if (!planned.value) co_return fail(std::move(planned.errors), 0);
  const graphql::plan& p = *planned.value;
  if (auto errors = cost::pagination_errors(p); !errors.empty()) co_return fail(std::move(errors), 0);

  long requested = cost::requested_cost(p);
  if (requested > cost::max_query_cost) {
    json::array errors{json::object{
        {"message", "Query cost is " + std::to_string(requested) +
                        ", which exceeds the single query max cost limit (1000).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits "
                        "for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer "
                        "limits, bulk operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api "
                        "for usage details.\n"},
        {"extensions", json::object{{"code", "MAX_COST_EXCEEDED"}, {"cost", requested}, {"maxCost", cost::max_query_cost},
                                    {"documentation", "https://shopify.dev/api/usage/rate-limits"}}}}};
    co_return fail(std::move(errors), requested);
  }
  bool forced = s.rng.chance(f.throttle_share);
  if (forced || !s.bucket.try_take(static_cast<double>(requested), now)) {
    ++s.counters.throttled;
    json::array errors{json::object{{"message", "Throttled"},
                                    {"extensions", json::object{{"code", "THROTTLED"}, {"documentation", "https://shopify.dev/api/usage/rate-limits"}}}}};
    if (s.rng.chance(f.http_429_share)) {
      http::response r = fail(std::move(errors), requested);
      r.status = 429;
      double wait = std::max(1.0, static_cast<double>(requested) / s.bucket.restore_rate());
      r.set_header("Retry-After", fixed(std::ceil(wait)));
      co_return r;
    }
    co_return fail(std::move(errors), requested);
  }

  json::monotonic_resource arena(256 * 1024);  // the response tree: one arena, freed at once
  executor::context ctx(s);
  ctx.sp = json::storage_ptr(&arena);
  ctx.svc = this;
  ctx.now = store::now_seconds();
  ctx.api_version = version;
  std::string cur;
  for (char c : scopes + ",") {
    if (c == ',') {
      if (!cur.empty()) ctx.scopes.insert(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  json::value data = executor::execute(ctx, p);
  long actual = std::min<long>(ctx.actual_cost, std::max<long>(requested, ctx.actual_cost));
  if (p.kind == "query" && actual > requested) actual = requested;  // never charge more than was requested
  if (requested > actual) s.bucket.refund(static_cast<double>(requested - actual), now);
  s.counters.cost_used += static_cast<std::uint64_t>(actual);

  std::string out = "{\"data\":" + json::serialize(data);
  if (!ctx.errors.empty()) out += ",\"errors\":" + json::serialize(ctx.errors);
  std::string ext = cost_extension(requested, actual, s.bucket, s.bucket.available(now));
  if (!ctx.search_warnings.empty()) {
    ext.pop_back();
    ext += ",\"search\":" + json::serialize(ctx.search_warnings) + "}";
  }
  out += ",\"extensions\":" + ext + "}";
  if (s.rng.chance(f.truncate_share)) out.resize(out.size() / 2);
  co_return graphql_json(std::move(out));
}

}  // namespace nexsync::sim
