#include "sync/shopify_call.hpp"

#include "actors/bridge.hpp"
#include "log/log.hpp"
#include "storage/sync_runs_repo.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <random>

namespace nexsync::sync {

namespace {

std::chrono::milliseconds backoff(const retry_policy& p, int attempt) {
  static thread_local std::mt19937 rng{std::random_device{}()};
  auto ceiling = std::min<std::int64_t>(p.max_backoff.count(), p.base_backoff.count() << std::min(attempt, 16));
  std::uniform_int_distribution<std::int64_t> jitter(ceiling / 2, ceiling);  // "equal jitter"
  return std::chrono::milliseconds(jitter(rng));
}

bool has_error(const shopify::graphql_reply& r, shopify::graphql_error_kind kind) {
  for (auto& e : r.errors)
    if (e.kind == kind) return true;
  return false;
}

std::string first_error(const shopify::graphql_reply& r) {
  return r.errors.empty() ? std::string{} : r.errors.front().message;
}

// A call not made because the server is stopping: the run ends as interrupted, nothing half done.
call_failure stopping_failure() { return call_failure{storage::interrupted_run_error, true}; }

}  // namespace

boost::asio::awaitable<void> pause(job_env& env, std::chrono::milliseconds d) {
  // In slices, so a stop is noticed within one: 200 ms adds nothing to a pause of seconds.
  constexpr std::chrono::milliseconds slice{200};
  boost::asio::steady_timer t{co_await boost::asio::this_coro::executor};
  while (d.count() > 0 && !env.stopper.stopping()) {
    auto step = std::min(d, slice);
    t.expires_after(step);
    co_await t.async_wait(boost::asio::use_awaitable);
    d -= step;
  }
}

actors::bucket_report report_of(const shopify::graphql_reply& reply) {
  actors::bucket_report r;
  if (reply.cost) {
    r.has_status = true;
    r.maximum_available = reply.cost->throttle.maximum_available;
    r.currently_available = reply.cost->throttle.currently_available;
    r.restore_rate = reply.cost->throttle.restore_rate;
  }
  if (has_error(reply, shopify::graphql_error_kind::throttled)) {
    r.throttled = true;
    // Wait until the bucket holds the requested cost again.
    if (reply.cost && reply.cost->throttle.restore_rate > 0) {
      double missing = reply.cost->requested - reply.cost->throttle.currently_available;
      r.retry_after_seconds = std::max(0.0, missing / reply.cost->throttle.restore_rate);
    } else {
      r.retry_after_seconds = 1.0;
    }
  }
  return r;
}

boost::asio::awaitable<call_result> call_shopify(job_env& env, call_spec spec) {
  const double cost = spec.requested_cost.value_or(spec.document->cost(spec.first));
  const std::string query{spec.document->text};
  bool refreshed = false;
  std::string last_problem;
  for (int attempt = 0; attempt < env.retries.max_attempts; ++attempt) {
    if (env.stopper.stopping()) co_return stopping_failure();
    auto ticket = co_await actors::ask<std::uint64_t>(*env.system, env.limiter, std::chrono::hours(1),
                                                      actors::acquire_atom_v, spec.shop, cost,
                                                      static_cast<std::uint8_t>(spec.priority));
    actors::bucket_report report;
    actors::bucket_report unsent;  // the call does not go out: the limiter gives its cost back
    unsent.sent = false;
    if (env.stopper.stopping()) {  // the grant may have taken a while
      caf::anon_send(env.limiter, actors::release_atom_v, ticket, unsent);
      co_return stopping_failure();
    }
    auto token = co_await env.token(spec.tenant_id, refreshed);
    if (!token) {
      caf::anon_send(env.limiter, actors::release_atom_v, ticket, unsent);
      co_return call_failure{"Shopify did not accept nexsync's credentials: " + token.error().message +
                                 ". Reconnect the store on the Integrations page.",
                             false};
    }
    auto reply = co_await env.shopify->graphql(token->subdomain, token->token, query, spec.variables);
    if (reply) {
      report = report_of(*reply);
      if (reply->cost)
        log::debug("sync", "shopify call",
                   {{"shop", spec.shop}, {"document", spec.document->name}, {"first", static_cast<std::int64_t>(spec.first)},
                    {"requested", reply->cost->requested}, {"actual", reply->cost->actual.value_or(-1)},
                    {"available", reply->cost->throttle.currently_available}});
      caf::anon_send(env.limiter, actors::release_atom_v, ticket, report);
      if (report.throttled) {
        last_problem = "Shopify throttled the request";
        continue;  // the limiter holds the shop's calls back until the bucket refills
      }
      if (has_error(*reply, shopify::graphql_error_kind::internal_server_error)) {
        last_problem = first_error(*reply);
        co_await pause(env, backoff(env.retries, attempt));
        continue;
      }
      co_return std::move(*reply);
    }
    auto err = reply.error();
    if (err.kind == shopify::client_error_kind::throttled) {
      report.throttled = true;
      report.retry_after_seconds = err.retry_after ? std::chrono::duration<double>(*err.retry_after).count() : 1.0;
    }
    caf::anon_send(env.limiter, actors::release_atom_v, ticket, report);
    switch (err.kind) {
      case shopify::client_error_kind::unauthorized:
        if (refreshed) co_return call_failure{"Shopify refused nexsync's access token. Reconnect the store.", false};
        refreshed = true;  // once: maybe the token just expired
        --attempt;
        continue;
      case shopify::client_error_kind::throttled:
        last_problem = "Shopify answered 429 Too Many Requests";
        continue;
      case shopify::client_error_kind::server:
      case shopify::client_error_kind::transport:
      case shopify::client_error_kind::bad_response:
        last_problem = err.message;
        log::info("sync", "shopify call failed; retrying",
                  {{"shop", spec.shop}, {"document", spec.document->name}, {"attempt", attempt + 1}, {"error", err.message}});
        co_await pause(env, backoff(env.retries, attempt));
        continue;
      case shopify::client_error_kind::not_found:
        co_return call_failure{"Shopify says the store no longer exists.", false};
      case shopify::client_error_kind::rejected:
        co_return call_failure{"Shopify rejected the request: " + err.message, false};
    }
  }
  co_return call_failure{"Shopify did not answer successfully after " + std::to_string(env.retries.max_attempts) +
                             " attempts (" + last_problem + "). Try again in a few minutes.",
                         true};
}

}  // namespace nexsync::sync

namespace boost::system {
void throw_exception_from_error(const nexsync::sync::call_failure& e, const boost::source_location&) {
  throw std::runtime_error(e.message);
}
}  // namespace boost::system
