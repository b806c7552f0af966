// The actors on the real, multi-threaded scheduler, driven from several plain threads at once (as the
// Asio threads of the server do): nothing lost, nothing run twice. Its point is the ThreadSanitizer
// run of scripts/test (build/tsan), which watches these threads race; under ASan it runs too.
#include "actors/rate_limiter.hpp"
#include "actors/runtime.hpp"
#include "actors/shop_connection.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

using namespace nexsync::actors;
using namespace std::chrono_literals;

TEST_CASE("many threads click, queue and ask for budget at once: every request is answered and every call is granted") {
  runtime rt(4);
  auto& sys = rt.system();
  constexpr int threads = 8, per_thread = 40, shops = 4;

  // The starter finishes each job from another thread, as a job on the Asio pool would.
  std::atomic<int> started{0};
  std::mutex finishers_mutex;
  std::vector<std::thread> finishers;
  auto starter = [&](shop_connection_actor conn, std::int64_t, const std::string&, const sync_request& req) {
    ++started;
    std::lock_guard lock{finishers_mutex};
    finishers.emplace_back([conn, req] {
      sync_result r;
      r.direction = req.direction;
      r.trigger = req.trigger;
      r.synced = 1;
      caf::anon_send(conn, finished_atom_v, r);
    });
  };
  auto registry = spawn_connection_registry(sys, starter, 1h);
  auto limiter = spawn_rate_limiter(sys, 16);
  for (int s = 0; s < shops; ++s)
    caf::anon_send(limiter, plan_atom_v, "shop-" + std::to_string(s), 1e9, 1e9);

  std::atomic<int> replies{0}, refused{0}, granted{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < threads; ++t) {
    clients.emplace_back([&, t] {
      caf::scoped_actor self{sys};
      for (int i = 0; i < per_thread; ++i) {
        auto shop = "shop-" + std::to_string((t + i) % shops);
        // Cron work: queued behind whatever runs, answered when it has run.
        sync_request req;
        req.direction = i % 2 ? "reconcile" : "products";
        req.trigger = i % 2 ? "cron" : "manual";
        shop_connection_actor conn;
        self->request(registry, caf::infinite, connection_atom_v, std::int64_t{1}, shop)
            .receive([&](shop_connection_actor c) { conn = c; }, [](caf::error&) {});
        self->request(conn, caf::infinite, sync_atom_v, req)
            .receive([&](sync_reply& r) { ++replies; if (r.refused) ++refused; }, [](caf::error&) {});
        self->request(limiter, caf::infinite, acquire_atom_v, shop, 10.0, std::uint8_t{2})
            .receive([&](std::uint64_t ticket) {
              ++granted;
              caf::anon_send(limiter, release_atom_v, ticket, bucket_report{});
            }, [](caf::error&) {});
      }
    });
  }
  for (auto& c : clients) c.join();
  {
    std::lock_guard lock{finishers_mutex};
    for (auto& f : finishers) f.join();
  }
  CHECK(replies == threads * per_thread);
  CHECK(granted == threads * per_thread);
  // A click was run or refused at once (another job of its shop ran); cron work was never refused,
  // and ran or merged into an identical queued run, so no request started more than one job.
  CHECK(refused <= threads * per_thread / 2);
  CHECK(started + refused <= threads * per_thread);
  CHECK(started >= shops);
  caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(limiter, caf::exit_reason::user_shutdown);
}
