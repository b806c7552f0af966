#include "actors/rate_limiter.hpp"

#include <caf/all.hpp>

#include <unordered_map>

namespace nexsync::actors {

namespace {

struct rate_limiter_state {
  budget_book book;
  std::unordered_map<std::uint64_t, caf::typed_response_promise<std::uint64_t>> pending;
  caf::actor_clock::time_point wake_at{};  // the earliest wake message already scheduled
  bool draining = false;                   // flushed: the server is stopping
  static inline const char* name = "rate_limiter";
};

using self_ptr = rate_limiter_actor::stateful_pointer<rate_limiter_state>;

// Delivers every grant that fits now and schedules a wake-up for the next one that will.
void pump(self_ptr self) {
  auto now = self->clock().now();
  for (auto ticket : self->state.book.grant_ready(now)) {
    auto it = self->state.pending.find(ticket);
    if (it == self->state.pending.end()) continue;
    it->second.deliver(ticket);
    self->state.pending.erase(it);
  }
  if (auto wait = self->state.book.next_wakeup(now)) {
    auto at = now + std::max<budget_book::clock::duration>(*wait, std::chrono::milliseconds(1));
    if (self->state.wake_at <= now || at < self->state.wake_at) {
      self->state.wake_at = at;
      self->delayed_send(self, at - now, wake_atom_v);
    }
  }
}

rate_limiter_actor::behavior_type rate_limiter(self_ptr self, std::size_t max_in_flight) {
  self->state.book = budget_book{max_in_flight};
  // On shutdown every waiting caller gets an error at once instead of waiting for its timeout
  // (the actor system waits for those callers before it can stop).
  self->set_exit_handler([self](caf::exit_msg& msg) {
    for (auto& [ticket, promise] : self->state.pending) promise.deliver(caf::make_error(caf::sec::request_receiver_down));
    self->state.pending.clear();
    self->quit(msg.reason);
  });
  return {
      [=](acquire_atom, const std::string& shop, double cost, std::uint8_t priority) -> caf::result<std::uint64_t> {
        auto now = self->clock().now();
        auto ticket = self->state.book.enqueue(shop, cost, static_cast<call_priority>(std::min<std::uint8_t>(priority, 2)), now);
        if (self->state.draining) {
          self->state.book.cancel(ticket);  // a ticket the book does not hold: its release is ignored
          return ticket;
        }
        auto promise = self->make_response_promise<std::uint64_t>();
        self->state.pending.emplace(ticket, promise);
        pump(self);
        return promise;
      },
      [=](release_atom, std::uint64_t ticket, const bucket_report& report) {
        self->state.book.complete(ticket, report, self->clock().now());
        pump(self);
      },
      [=](plan_atom, const std::string& shop, double capacity, double restore_rate) {
        auto snap = self->state.book.shop_snapshot(shop, self->clock().now());
        if (snap.granted == 0 && snap.in_flight == 0)  // only before the first real response
          self->state.book.set_default(shop, capacity, restore_rate, self->clock().now());
      },
      [=](budget_atom, const std::string& shop) {
        auto s = self->state.book.shop_snapshot(shop, self->clock().now());
        return budget_view{s.capacity, s.available, s.restore_rate, s.waiting, s.in_flight, s.granted, s.throttled};
      },
      [=](wake_atom) { pump(self); },
      [=](flush_atom) {
        // The server is stopping: waiting jobs get their tickets now, see the stop and release them
        // unused, instead of waiting for budget while the stop waits for them.
        self->state.draining = true;
        for (auto& [ticket, promise] : self->state.pending) {
          self->state.book.cancel(ticket);
          promise.deliver(ticket);
        }
        self->state.pending.clear();
      },
  };
}

}  // namespace

rate_limiter_actor spawn_rate_limiter(caf::actor_system& sys, std::size_t max_in_flight) {
  return sys.spawn(rate_limiter, max_in_flight);
}

std::pair<double, double> plan_budget(const std::string& plan) {
  double rate = plan == "advanced" ? 200 : plan == "plus" ? 1000 : plan == "enterprise" ? 2000 : 100;
  return {rate * 20, rate};
}

}  // namespace nexsync::actors
