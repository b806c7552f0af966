#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nexsync::shopify {

/// The shop's cost bucket as of one response (`extensions.cost.throttleStatus`).
struct throttle_status {
  double maximum_available{};   ///< Bucket size in points.
  double currently_available{}; ///< Points left after this call.
  double restore_rate{};        ///< Points restored per second.
};

/// One response's `extensions.cost`.
struct query_cost {
  double requested{};            ///< requestedQueryCost: what the bucket had to hold.
  std::optional<double> actual;  ///< actualQueryCost; null when the call was throttled or failed.
  throttle_status throttle;      ///< Bucket state to trust over any local model.
};

/// Reads `extensions.cost` from a GraphQL response; nullopt if it is absent or malformed.
std::optional<query_cost> parse_query_cost(const boost::json::value& response);

/// The kinds of top-level GraphQL error nexsync reacts to differently.
enum class graphql_error_kind {
  throttled,              ///< THROTTLED: wait for the bucket, then retry.
  max_cost_exceeded,      ///< MAX_COST_EXCEEDED: the document is too expensive; retrying never helps.
  access_denied,          ///< ACCESS_DENIED: missing scope or revoked token.
  shop_inactive,          ///< SHOP_INACTIVE: the shop is frozen or closed.
  internal_server_error,  ///< INTERNAL_SERVER_ERROR: Shopify's fault; retry with backoff.
  other,                  ///< Any other code, or none (e.g. a syntax error).
};

/// Maps an `errors[].extensions.code` string to its kind.
graphql_error_kind classify_error_code(std::string_view code);

/// Returns true for the kinds a later identical call may succeed on (throttled, internal error).
bool is_retryable(graphql_error_kind kind);

/// One entry of a response's top-level `errors`.
struct graphql_error {
  graphql_error_kind kind{graphql_error_kind::other};  ///< Classified code.
  std::string code;                                     ///< The raw code, empty if none.
  std::string message;                                  ///< Shopify's message.
};

/// Reads the top-level `errors` array (empty if absent).
std::vector<graphql_error> parse_errors(const boost::json::value& response);

/// Returns the kind of the first error with a code nexsync knows, else `other` if there are errors,
/// else nullopt (the call succeeded at the GraphQL level; userErrors are the document's business).
std::optional<graphql_error_kind> classify_errors(const boost::json::value& response);

/// Parses an HTTP Retry-After given in seconds, possibly fractional ("2.0" is 2000 ms, "0.25" 250 ms,
/// sub-millisecond parts round up); nullopt for garbage, negatives, HTTP dates or absurd values.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view header_value);

}  // namespace nexsync::shopify
