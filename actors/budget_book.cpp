#include "actors/budget_book.hpp"

#include <algorithm>

namespace nexsync::actors {

budget_book::budget_book(std::size_t max_in_flight, std::size_t per_shop_in_flight)
    : max_in_flight_(max_in_flight), per_shop_in_flight_(per_shop_in_flight) {}

budget_book::shop_state& budget_book::shop(const std::string& name, clock::time_point now) {
  auto [it, inserted] = shops_.try_emplace(name);
  if (inserted) it->second.updated = now;
  return it->second;
}

void budget_book::restore(shop_state& s, clock::time_point now) {
  if (now <= s.updated) return;
  double seconds = std::chrono::duration<double>(now - s.updated).count();
  s.available = std::min(s.capacity, s.available + seconds * s.restore_rate);
  s.updated = now;
}

double budget_book::available_at(const shop_state& s, clock::time_point now) {
  double seconds = now > s.updated ? std::chrono::duration<double>(now - s.updated).count() : 0.0;
  return std::min(s.capacity, s.available + seconds * s.restore_rate);
}

void budget_book::set_default(const std::string& name, double capacity, double restore_rate, clock::time_point now) {
  auto& s = shop(name, now);
  s.capacity = capacity;
  s.available = capacity;
  s.restore_rate = restore_rate;
  s.updated = now;
}

std::uint64_t budget_book::enqueue(const std::string& name, double cost, call_priority priority, clock::time_point now) {
  auto& s = shop(name, now);
  auto ticket = next_ticket_++;
  // Keep the queue ordered by priority, first come first served within one priority.
  auto pos = std::find_if(s.waiting.begin(), s.waiting.end(), [&](const call& c) { return c.priority > priority; });
  s.waiting.insert(pos, call{ticket, cost, priority});
  waiting_shops_.insert(name);
  return ticket;
}

bool budget_book::can_grant(const shop_state& s, const call& c, clock::time_point now) const {
  if (now < s.paused_until || s.in_flight >= per_shop_in_flight_) return false;
  // A call dearer than the whole bucket can never be granted by waiting; let it through once the
  // bucket is full and Shopify will answer MAX_COST_EXCEEDED or THROTTLED, which the caller handles.
  double need = std::min(c.cost, s.capacity);
  return available_at(s, now) + 1e-9 >= need;
}

std::vector<std::uint64_t> budget_book::grant_ready(clock::time_point now) {
  std::vector<std::uint64_t> granted;
  // Pass per priority so interactive calls of every shop go before any cron call; within a priority,
  // shops take turns (round-robin from the one after the last served).
  for (int p = 0; p <= static_cast<int>(call_priority::cron); ++p) {
    bool progress = true;
    while (progress && in_flight_.size() < max_in_flight_) {
      progress = false;
      std::vector<std::string> order;  // waiting shops, starting after the last one served
      auto split = waiting_shops_.upper_bound(last_served_);
      order.insert(order.end(), split, waiting_shops_.end());
      order.insert(order.end(), waiting_shops_.begin(), split);
      for (auto& name : order) {
        if (in_flight_.size() >= max_in_flight_) break;
        auto& s = shops_.at(name);
        if (s.waiting.empty() || static_cast<int>(s.waiting.front().priority) != p) continue;
        if (!can_grant(s, s.waiting.front(), now)) continue;
        auto c = s.waiting.front();
        s.waiting.pop_front();
        restore(s, now);
        s.available -= std::min(c.cost, s.capacity);
        ++s.in_flight;
        s.in_flight_cost += c.cost;
        ++s.granted;
        in_flight_[c.ticket] = grant{name, c.cost};
        if (s.waiting.empty()) waiting_shops_.erase(name);
        granted.push_back(c.ticket);
        last_served_ = name;
        progress = true;
      }
    }
  }
  return granted;
}

void budget_book::complete(std::uint64_t ticket, const bucket_report& report, clock::time_point now) {
  auto it = in_flight_.find(ticket);
  if (it == in_flight_.end()) return;
  auto& s = shop(it->second.shop, now);
  --s.in_flight;
  s.in_flight_cost -= it->second.cost;
  restore(s, now);
  if (!report.sent) s.available = std::min(s.capacity, s.available + std::min(it->second.cost, s.capacity));
  in_flight_.erase(it);
  if (report.has_status) {
    // Shopify's figure is the truth (it may have lowered the shop's limits); calls of ours it has
    // not seen yet are still owed.
    s.capacity = report.maximum_available;
    s.restore_rate = report.restore_rate;
    s.available = std::max(-s.capacity, report.currently_available - s.in_flight_cost);
    s.updated = now;
  }
  if (report.throttled) {
    ++s.throttled;
    auto wait = std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(report.retry_after_seconds));
    s.paused_until = std::max(s.paused_until, now + wait);
  }
}

void budget_book::cancel(std::uint64_t ticket) {
  for (auto& [name, s] : shops_) {
    auto pos = std::find_if(s.waiting.begin(), s.waiting.end(), [&](const call& c) { return c.ticket == ticket; });
    if (pos != s.waiting.end()) {
      s.waiting.erase(pos);
      if (s.waiting.empty()) waiting_shops_.erase(name);
      return;
    }
  }
}

std::optional<budget_book::clock::duration> budget_book::next_wakeup(clock::time_point now) const {
  std::optional<clock::duration> best;
  for (auto& name : waiting_shops_) {
    auto& s = shops_.at(name);
    if (s.waiting.empty() || s.in_flight >= per_shop_in_flight_) continue;
    double need = std::min(s.waiting.front().cost, s.capacity);
    double have = available_at(s, now);
    clock::duration wait{0};
    if (have < need && s.restore_rate > 0)
      wait = std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>((need - have) / s.restore_rate));
    if (now < s.paused_until) wait = std::max(wait, s.paused_until - now);
    if (!best || wait < *best) best = wait;
  }
  return best;
}

budget_book::snapshot budget_book::shop_snapshot(const std::string& name, clock::time_point now) const {
  auto it = shops_.find(name);
  if (it == shops_.end()) return {};
  auto& s = it->second;
  return snapshot{s.capacity, available_at(s, now), s.restore_rate, s.waiting.size(), s.in_flight, s.granted, s.throttled};
}

}  // namespace nexsync::actors
