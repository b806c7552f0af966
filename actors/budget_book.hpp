#pragma once
// The rate limiter's bookkeeping, free of actors and clocks: one Shopify cost bucket per shop
// (capacity, currently available, restore rate), the calls waiting for budget, and the grants in
// flight. A call is granted only when its shop's bucket holds the call's requested cost, so Shopify
// never has to throttle us. Time is passed in, so tests can drive it.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace nexsync::actors {

/// Who is waiting: a person's click goes before webhook work, which goes before cron work.
enum class call_priority : std::uint8_t { interactive = 0, webhook = 1, cron = 2 };

/// What a Shopify response said about the bucket (extensions.cost.throttleStatus) and throttling.
struct bucket_report {
  bool has_status = false;        ///< a throttleStatus was present
  double maximum_available = 0;
  double currently_available = 0;
  double restore_rate = 0;
  bool throttled = false;         ///< THROTTLED error or HTTP 429
  double retry_after_seconds = 0; ///< from Retry-After, if any
  bool sent = true;               ///< false: the granted call never went out (no token; a stop): its cost comes back
};

/// The budget of every shop and the queue of calls waiting for it.
class budget_book {
 public:
  using clock = std::chrono::steady_clock;

  /// max_in_flight: global cap on granted, unfinished calls; per_shop_in_flight: per shop.
  explicit budget_book(std::size_t max_in_flight = 64, std::size_t per_shop_in_flight = 1);

  /// Sets the bucket a shop starts with until its first response (its plan's documented values).
  void set_default(const std::string& shop, double capacity, double restore_rate, clock::time_point now);
  /// Queues a call needing `cost` points; returns its ticket.
  std::uint64_t enqueue(const std::string& shop, double cost, call_priority priority, clock::time_point now);
  /// Grants every queued call that fits now (debiting its cost); returns the granted tickets.
  std::vector<std::uint64_t> grant_ready(clock::time_point now);
  /// A granted call finished: keep the bucket in step with what Shopify reported.
  void complete(std::uint64_t ticket, const bucket_report& report, clock::time_point now);
  /// Drops a queued (not yet granted) call, e.g. when its requester gave up.
  void cancel(std::uint64_t ticket);
  /// How long until the next queued call could be granted (nullopt: nothing waits or nothing can change).
  std::optional<clock::duration> next_wakeup(clock::time_point now) const;

  /// A shop's bucket as we believe it is now.
  struct snapshot {
    double capacity = 0, available = 0, restore_rate = 0;
    std::size_t waiting = 0, in_flight = 0;
    std::uint64_t granted = 0, throttled = 0;
  };
  snapshot shop_snapshot(const std::string& shop, clock::time_point now) const;
  std::size_t in_flight() const { return in_flight_.size(); }

 private:
  struct call {
    std::uint64_t ticket;
    double cost;
    call_priority priority;
  };
  struct shop_state {
    double capacity = 1000, available = 1000, restore_rate = 50;
    clock::time_point updated{};
    clock::time_point paused_until{};
    std::deque<call> waiting;
    std::size_t in_flight = 0;
    double in_flight_cost = 0;
    std::uint64_t granted = 0, throttled = 0;
  };
  struct grant {
    std::string shop;
    double cost;
  };

  shop_state& shop(const std::string& name, clock::time_point now);
  static void restore(shop_state& s, clock::time_point now);
  static double available_at(const shop_state& s, clock::time_point now);
  bool can_grant(const shop_state& s, const call& c, clock::time_point now) const;

  std::size_t max_in_flight_, per_shop_in_flight_;
  std::uint64_t next_ticket_ = 1;
  std::map<std::string, shop_state> shops_;
  std::map<std::uint64_t, grant> in_flight_;
  std::set<std::string> waiting_shops_;  // shops with queued calls: idle shops cost nothing per grant
  std::string last_served_;  // round-robin position across shops
};

}  // namespace nexsync::actors
