#pragma once
// The rate_limiter actor: one for all tenants. Keeps every shop within Shopify's cost budget
// (see budget_book) and answers each `acquire` only when the call may be sent.
// Protocol: acquire(shop, cost, priority) -> ticket; after the response, release(ticket, report).

#include "actors/budget_book.hpp"

#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>

namespace nexsync::actors {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, bucket_report& x) {
  return f(caf::meta::type_name("bucket_report"), x.has_status, x.maximum_available, x.currently_available,
           x.restore_rate, x.throttled, x.retry_after_seconds, x.sent);
}

/// A shop's bucket as the limiter sees it (for status pages and tests).
struct budget_view {
  double capacity = 0, available = 0, restore_rate = 0;
  std::uint64_t waiting = 0, in_flight = 0, granted = 0, throttled = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, budget_view& x) {
  return f(caf::meta::type_name("budget_view"), x.capacity, x.available, x.restore_rate, x.waiting, x.in_flight,
           x.granted, x.throttled);
}

}  // namespace nexsync::actors

CAF_BEGIN_TYPE_ID_BLOCK(nexsync_rate_limiter, caf::first_custom_type_id)
  CAF_ADD_TYPE_ID(nexsync_rate_limiter, (nexsync::actors::bucket_report))
  CAF_ADD_TYPE_ID(nexsync_rate_limiter, (nexsync::actors::budget_view))
  CAF_ADD_ATOM(nexsync_rate_limiter, nexsync::actors, acquire_atom, "acquire")
  CAF_ADD_ATOM(nexsync_rate_limiter, nexsync::actors, release_atom, "release")
  CAF_ADD_ATOM(nexsync_rate_limiter, nexsync::actors, plan_atom, "plan")
  CAF_ADD_ATOM(nexsync_rate_limiter, nexsync::actors, budget_atom, "budget")
  CAF_ADD_ATOM(nexsync_rate_limiter, nexsync::actors, wake_atom, "wake")
  CAF_ADD_ATOM(nexsync_rate_limiter, nexsync::actors, flush_atom, "flush")
CAF_END_TYPE_ID_BLOCK(nexsync_rate_limiter)

namespace nexsync::actors {

/// The limiter's typed interface. priority is a call_priority value.
using rate_limiter_actor = caf::typed_actor<
    caf::replies_to<acquire_atom, std::string, double, std::uint8_t>::with<std::uint64_t>,
    caf::reacts_to<release_atom, std::uint64_t, bucket_report>,
    caf::reacts_to<plan_atom, std::string, double, double>,
    caf::replies_to<budget_atom, std::string>::with<budget_view>,
    caf::reacts_to<wake_atom>,
    caf::reacts_to<flush_atom>>;

/// flush (the server is stopping): every waiting acquire is answered at once, and so is every later
/// one, out of budget; callers see the stop and release their tickets unused.
/// Spawns the limiter. max_in_flight caps granted, unfinished calls across all shops.
rate_limiter_actor spawn_rate_limiter(caf::actor_system& sys, std::size_t max_in_flight = 64);

/// The documented restore rate of a plan name (standard 100, advanced 200, plus 1000, enterprise 2000)
/// and its bucket (20 s of restore); unknown plans get Standard's.
std::pair<double, double> plan_budget(const std::string& plan);

}  // namespace nexsync::actors
