#pragma once
// The hand-off between Asio coroutines (HTTP handlers, Shopify I/O) and actors: co_await an actor's
// reply without blocking the Asio thread. A short-lived event-based actor makes the request (with
// a finite timeout) and posts the reply back to the coroutine's executor.

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>

namespace nexsync::actors {

/// The actor did not answer in time, is gone, or answered with an error.
struct ask_failed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// co_await ask<Reply>(sys, actor, timeout, args...): the actor's single reply of type Reply.
template <class Reply, class Handle, class... Args>
boost::asio::awaitable<Reply> ask(caf::actor_system& sys, Handle dest, std::chrono::milliseconds timeout,
                                  Args... args) {
  auto init = [&sys, dest, timeout](auto handler, Args... xs) {
    auto h = std::make_shared<decltype(handler)>(std::move(handler));
    auto ex = boost::asio::get_associated_executor(*h);
    // (The unused int: CAF 0.17.6 dereferences a null argument tuple for spawns without arguments,
    // which UBSan rightly reports.)
    sys.spawn([=](caf::event_based_actor* self, int) {
      self->request(dest, timeout, xs...)
          .then(
              [=](Reply& reply) {
                boost::asio::post(ex, [h, r = std::move(reply)]() mutable { std::move(*h)(nullptr, std::move(r)); });
              },
              [=](caf::error& err) {
                auto e = std::make_exception_ptr(ask_failed(caf::to_string(err)));
                boost::asio::post(ex, [h, e]() mutable { std::move(*h)(e, Reply{}); });
              });
    }, 0);
  };
  co_return co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>, void(std::exception_ptr, Reply)>(
      init, boost::asio::use_awaitable, std::move(args)...);
}

}  // namespace nexsync::actors
