#include "actors/budget_book.hpp"

#include <catch2/catch.hpp>

using namespace nexsync::actors;
using namespace std::chrono_literals;
using clock_type = budget_book::clock;

namespace {
const auto t0 = clock_type::time_point{} + 1000s;

bucket_report status(double max, double current, double rate) {
  bucket_report r;
  r.has_status = true;
  r.maximum_available = max;
  r.currently_available = current;
  r.restore_rate = rate;
  return r;
}
}  // namespace

TEST_CASE("a call is granted only when the bucket holds its cost") {
  budget_book book;
  book.set_default("a", 2000, 100, t0);
  auto first = book.enqueue("a", 1500, call_priority::interactive, t0);
  CHECK(book.grant_ready(t0) == std::vector<std::uint64_t>{first});
  book.complete(first, status(2000, 600, 100), t0);  // Shopify charged less than requested
  auto second = book.enqueue("a", 862, call_priority::interactive, t0);
  CHECK(book.grant_ready(t0).empty());
  auto wait = book.next_wakeup(t0);
  REQUIRE(wait);
  CHECK(std::chrono::duration<double>(*wait).count() == Approx(2.62));  // (862 - 600) / 100
  CHECK(book.grant_ready(t0 + 2600ms).empty());
  CHECK(book.grant_ready(t0 + 2620ms) == std::vector<std::uint64_t>{second});
}

TEST_CASE("a granted call that never went out gives its cost back") {
  budget_book book;
  book.set_default("a", 1000, 50, t0);
  auto first = book.enqueue("a", 900, call_priority::webhook, t0);
  CHECK(book.grant_ready(t0) == std::vector<std::uint64_t>{first});
  bucket_report unsent;
  unsent.sent = false;  // no token, or the server stopping: nothing reached Shopify
  book.complete(first, unsent, t0);
  auto second = book.enqueue("a", 900, call_priority::webhook, t0);
  CHECK(book.grant_ready(t0) == std::vector<std::uint64_t>{second});  // not 16 s later
  book.complete(second, bucket_report{}, t0);  // sent, without a throttleStatus: the debit stands
  book.enqueue("a", 900, call_priority::webhook, t0);
  CHECK(book.grant_ready(t0).empty());
}

TEST_CASE("interactive calls of a shop go before its cron calls") {
  budget_book book;
  book.set_default("a", 100, 10, t0);
  auto cron = book.enqueue("a", 100, call_priority::cron, t0);
  auto click = book.enqueue("a", 100, call_priority::interactive, t0);
  CHECK(book.grant_ready(t0) == std::vector<std::uint64_t>{click});
  book.complete(click, {}, t0);
  CHECK(book.grant_ready(t0 + 10s) == std::vector<std::uint64_t>{cron});
}

TEST_CASE("shops take turns under the global in-flight cap") {
  budget_book book{1, 1};
  for (auto s : {"a", "b", "c"}) book.set_default(s, 1e6, 1e6, t0);
  std::vector<std::uint64_t> a, b, c;
  for (int i = 0; i < 3; ++i) {
    a.push_back(book.enqueue("a", 1, call_priority::interactive, t0));
    b.push_back(book.enqueue("b", 1, call_priority::interactive, t0));
    c.push_back(book.enqueue("c", 1, call_priority::interactive, t0));
  }
  std::string served;
  for (int i = 0; i < 9; ++i) {
    auto g = book.grant_ready(t0);
    REQUIRE(g.size() == 1);
    auto t = g.front();
    served += std::find(a.begin(), a.end(), t) != a.end() ? "a" : std::find(b.begin(), b.end(), t) != b.end() ? "b" : "c";
    book.complete(t, {}, t0);
  }
  CHECK(served == "abcabcabc");
}

TEST_CASE("an interactive call of one shop goes before cron calls of others at the cap") {
  budget_book book{1, 1};
  for (auto s : {"a", "b"}) book.set_default(s, 1e6, 1e6, t0);
  auto cron = book.enqueue("a", 1, call_priority::cron, t0);
  auto click = book.enqueue("b", 1, call_priority::interactive, t0);
  CHECK(book.grant_ready(t0) == std::vector<std::uint64_t>{click});
  book.complete(click, {}, t0);
  CHECK(book.grant_ready(t0) == std::vector<std::uint64_t>{cron});
}

TEST_CASE("the latest throttleStatus wins, including lowered limits") {
  budget_book book;
  book.set_default("a", 2000, 100, t0);
  auto t = book.enqueue("a", 100, call_priority::interactive, t0);
  book.grant_ready(t0);
  book.complete(t, status(500, 200, 25), t0);
  auto snap = book.shop_snapshot("a", t0 + 4s);
  CHECK(snap.capacity == 500);
  CHECK(snap.restore_rate == 25);
  CHECK(snap.available == Approx(300));  // 200 + 4 s × 25
}

TEST_CASE("a throttled call pauses the shop for Retry-After") {
  budget_book book;
  book.set_default("a", 2000, 100, t0);
  auto t = book.enqueue("a", 10, call_priority::interactive, t0);
  book.grant_ready(t0);
  bucket_report r = status(2000, 2000, 100);
  r.throttled = true;
  r.retry_after_seconds = 2.0;  // "Retry-After: 2.0" is two seconds, not two milliseconds
  book.complete(t, r, t0);
  auto again = book.enqueue("a", 10, call_priority::interactive, t0);
  CHECK(book.grant_ready(t0 + 1999ms).empty());
  CHECK(book.grant_ready(t0 + 2s) == std::vector<std::uint64_t>{again});
  CHECK(book.shop_snapshot("a", t0).throttled == 1);
}

TEST_CASE("pacing by requested cost keeps a shop's budget fully used without being throttled") {
  // A model of Shopify's bucket next to the book: 200 calls requesting 862 points and costing 500.
  budget_book book;
  double capacity = 2000, rate = 100, shopify = capacity;
  book.set_default("a", capacity, rate, t0);
  auto now = t0;
  auto last = t0;
  double spent = 0;
  int throttled = 0;
  for (int i = 0; i < 200; ++i) {
    auto ticket = book.enqueue("a", 862, call_priority::interactive, now);
    auto granted = book.grant_ready(now);
    if (granted.empty()) {
      now += *book.next_wakeup(now);
      granted = book.grant_ready(now);
    }
    REQUIRE(granted == std::vector<std::uint64_t>{ticket});
    shopify = std::min(capacity, shopify + std::chrono::duration<double>(now - last).count() * rate);
    last = now;
    if (shopify < 862) ++throttled;
    shopify -= 500;
    spent += 500;
    book.complete(ticket, status(capacity, shopify, rate), now);
  }
  double elapsed = std::chrono::duration<double>(now - t0).count();
  double minimum = (spent - capacity) / rate;  // what the restore rate allows after the first full bucket
  CHECK(throttled == 0);
  CHECK(minimum / elapsed >= 0.95);
}
