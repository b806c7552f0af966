#include "shopify/throttle.hpp"

#include <boost/json.hpp>

#include <cmath>

namespace nexsync::shopify {
namespace {

std::optional<double> number(const boost::json::value* v) {
  if (v == nullptr) return std::nullopt;
  if (auto* i = v->if_int64()) return static_cast<double>(*i);
  if (auto* u = v->if_uint64()) return static_cast<double>(*u);
  if (auto* d = v->if_double()) return std::isfinite(*d) ? std::optional(*d) : std::nullopt;
  return std::nullopt;
}

const boost::json::object* object_at(const boost::json::object* o, std::string_view name) {
  if (o == nullptr) return nullptr;
  auto* v = o->if_contains(name);
  return v != nullptr ? v->if_object() : nullptr;
}

// Refuse waits beyond a day: such a header is a bug on the other side, not a plan.
constexpr std::uint64_t max_retry_seconds = 86400;

}  // namespace

std::optional<query_cost> parse_query_cost(const boost::json::value& response) {
  const auto* cost = object_at(object_at(response.if_object(), "extensions"), "cost");
  const auto* status = object_at(cost, "throttleStatus");
  if (status == nullptr) return std::nullopt;
  auto requested = number(cost->if_contains("requestedQueryCost"));
  auto maximum = number(status->if_contains("maximumAvailable"));
  auto current = number(status->if_contains("currentlyAvailable"));
  auto rate = number(status->if_contains("restoreRate"));
  if (!requested || !maximum || !current || !rate) return std::nullopt;
  query_cost out{*requested, std::nullopt, {*maximum, *current, *rate}};
  const auto* actual = cost->if_contains("actualQueryCost");
  if (actual != nullptr && !actual->is_null()) {
    out.actual = number(actual);
    if (!out.actual) return std::nullopt;
  }
  return out;
}

graphql_error_kind classify_error_code(std::string_view code) {
  if (code == "THROTTLED") return graphql_error_kind::throttled;
  if (code == "MAX_COST_EXCEEDED") return graphql_error_kind::max_cost_exceeded;
  if (code == "ACCESS_DENIED") return graphql_error_kind::access_denied;
  if (code == "SHOP_INACTIVE") return graphql_error_kind::shop_inactive;
  if (code == "INTERNAL_SERVER_ERROR") return graphql_error_kind::internal_server_error;
  return graphql_error_kind::other;
}

bool is_retryable(graphql_error_kind kind) {
  return kind == graphql_error_kind::throttled || kind == graphql_error_kind::internal_server_error;
}

std::vector<graphql_error> parse_errors(const boost::json::value& response) {
  std::vector<graphql_error> out;
  const auto* o = response.if_object();
  const auto* errors = o != nullptr ? o->if_contains("errors") : nullptr;
  if (errors == nullptr) return out;
  const auto* list = errors->if_array();
  if (list == nullptr) {
    // Not the documented shape, but still an error: never read it as success.
    out.push_back({graphql_error_kind::other, "", "malformed errors field"});
    return out;
  }
  for (const auto& entry : *list) {
    graphql_error e;
    const auto* eo = entry.if_object();
    if (eo != nullptr) {
      if (auto* m = eo->if_contains("message"); m != nullptr && m->is_string()) e.message = m->get_string();
      const auto* ext = object_at(eo, "extensions");
      if (auto* c = ext != nullptr ? ext->if_contains("code") : nullptr; c != nullptr && c->is_string())
        e.code = c->get_string();
    }
    e.kind = classify_error_code(e.code);
    out.push_back(std::move(e));
  }
  return out;
}

std::optional<graphql_error_kind> classify_errors(const boost::json::value& response) {
  auto errors = parse_errors(response);
  if (errors.empty()) return std::nullopt;
  for (const auto& e : errors)
    if (e.kind != graphql_error_kind::other) return e.kind;
  return graphql_error_kind::other;
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  auto digit = [](char c) { return c >= '0' && c <= '9'; };

  std::size_t i = 0;
  std::uint64_t whole = 0;
  for (; i < text.size() && digit(text[i]); ++i) {
    whole = whole * 10 + static_cast<std::uint64_t>(text[i] - '0');
    if (whole > max_retry_seconds) return std::nullopt;
  }
  if (i == 0) return std::nullopt;  // empty, sign, dot first or not a number

  std::uint64_t millis = 0;
  if (i < text.size()) {
    if (text[i] != '.') return std::nullopt;
    ++i;
    if (i == text.size()) return std::nullopt;  // "2." is not a number
    std::uint64_t scale = 100;
    bool round_up = false;
    for (; i < text.size(); ++i) {
      if (!digit(text[i])) return std::nullopt;
      auto d = static_cast<std::uint64_t>(text[i] - '0');
      if (scale > 0) {
        millis += d * scale;
        scale /= 10;
      } else if (d != 0) {
        round_up = true;  // waiting a hair longer is safe, retrying early is not
      }
    }
    if (round_up) ++millis;
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(whole * 1000 + millis));
}

}  // namespace nexsync::shopify
