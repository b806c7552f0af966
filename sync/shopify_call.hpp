#pragma once
// One GraphQL call the way every job makes it: wait for the rate limiter's grant (so Shopify never
// has to throttle us), send it with the shop's token (refreshing once on 401), report the response's
// throttleStatus back, and retry what is worth retrying (THROTTLED and 429 after the wait they ask
// for; 5xx, timeouts and truncated replies with exponential backoff and jitter), a bounded number of times.

#include "actors/budget_book.hpp"
#include "shopify/documents.hpp"
#include "sync/job_env.hpp"

#include <boost/json/object.hpp>

#include <optional>

namespace nexsync::sync {

/// A failed call, in words for the person who clicked the button.
struct call_failure {
  std::string message;
  bool retryable = false;  ///< a later run may well succeed (the shop was busy or down)
};

/// The parsed reply (data, cost, errors) or why the call failed.
using call_result = boost::system::result<shopify::graphql_reply, call_failure>;

/// Which call of which shop, with what priority and estimated cost.
struct call_spec {
  std::int64_t tenant_id = 0;
  std::string shop;  ///< the shop domain the limiter keys budgets by
  const shopify::graphql_document* document = nullptr;
  int first = 0;     ///< the page size used (for the cost estimate)
  boost::json::object variables;
  actors::call_priority priority = actors::call_priority::interactive;
  std::optional<int> requested_cost;  ///< when not the document's cost(first) (a products page's `$variants`)
};

/// Makes the call (see the file comment).
boost::asio::awaitable<call_result> call_shopify(job_env& env, call_spec spec);

/// Waits `d`, returning early once the server is stopping (a caller then sees env.stopper.stopping()).
boost::asio::awaitable<void> pause(job_env& env, std::chrono::milliseconds d);

/// The throttle report of a reply or failure, for the limiter.
actors::bucket_report report_of(const shopify::graphql_reply& reply);

}  // namespace nexsync::sync

namespace boost::system {
/// Lets result<T, call_failure>::value() throw with the message.
[[noreturn]] void throw_exception_from_error(const nexsync::sync::call_failure& e, const boost::source_location& loc);
}  // namespace boost::system
