#include "bench/load.hpp"

#include "bench/process.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace nexsync::bench {

namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using clock = std::chrono::steady_clock;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct shared {
  const load_options* o = nullptr;
  const make_request* make = nullptr;
  clock::time_point t0, deadline, last_answer;
  std::uint64_t next = 0;
  int running = 0;
  load_result* out = nullptr;
};

asio::awaitable<void> worker(shared& s) {
  auto ex = co_await asio::this_coro::executor;
  boost::beast::tcp_stream stream{ex};
  asio::steady_timer timer{ex};
  boost::beast::flat_buffer buffer;
  asio::ip::tcp::endpoint ep{asio::ip::make_address("127.0.0.1"), s.o->port};
  bool connected = false;
  for (;;) {
    if (s.o->max_requests && s.next >= s.o->max_requests) break;
    if (s.o->done && s.o->done()) break;
    std::uint64_t seq = s.next++;
    auto due = s.o->rate > 0
                   ? s.t0 + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(static_cast<double>(seq) / s.o->rate))
                   : clock::now();
    if (due >= s.deadline || clock::now() >= s.deadline) break;
    if (s.o->rate > 0 && due > clock::now()) {
      timer.expires_at(due);
      auto waited = co_await timer.async_wait(use_tuple);
      (void)waited;
    }
    if (!connected) {
      stream.expires_after(s.o->timeout);
      auto c = co_await stream.async_connect(ep, use_tuple);
      if (std::get<0>(c)) {
        ++s.out->errors;
        continue;
      }
      stream.socket().set_option(asio::ip::tcp::no_delay(true));
      connected = true;
      buffer.clear();
    }
    request_t req;
    (*s.make)(seq, req);
    req.version(11);
    req.keep_alive(true);
    req.prepare_payload();
    auto start = s.o->rate > 0 ? due : clock::now();
    ++s.out->sent;
    stream.expires_after(s.o->timeout);
    auto w = co_await bhttp::async_write(stream, req, use_tuple);
    if (std::get<0>(w)) {
      ++s.out->errors;
      boost::beast::error_code ignored;
      stream.socket().close(ignored);
      connected = false;
      continue;
    }
    bhttp::response<bhttp::string_body> res;
    auto r = co_await bhttp::async_read(stream, buffer, res, use_tuple);
    auto now = clock::now();
    if (std::get<0>(r)) {
      ++s.out->errors;
      boost::beast::error_code ignored;
      stream.socket().close(ignored);
      connected = false;
      continue;
    }
    s.last_answer = now;
    s.out->all.add(static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(now - start).count()));
    auto status = res.result_int();
    ++s.out->statuses[status];
    if (status >= 200 && status < 300) {
      ++s.out->ok;
      s.out->ok_seqs.push_back(seq);
    } else {
      ++s.out->non_2xx;
    }
    if (!res.keep_alive()) {
      boost::beast::error_code ignored;
      stream.socket().close(ignored);
      connected = false;
    }
  }
  boost::beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  --s.running;
}

}  // namespace

load_result run_load(const load_options& o, const make_request& make) {
  load_result out;
  asio::io_context io{1};
  shared s;
  s.o = &o;
  s.make = &make;
  s.out = &out;
  auto cpu0 = own_cpu_seconds();
  s.t0 = clock::now();
  s.last_answer = s.t0;
  s.deadline = s.t0 + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(o.seconds));
  for (int i = 0; i < o.connections; ++i) {
    ++s.running;
    asio::co_spawn(io, worker(s), asio::detached);
  }
  io.run();
  out.elapsed_s = std::chrono::duration<double>(s.last_answer - s.t0).count();
  out.generator_cpu_s = own_cpu_seconds() - cpu0;
  return out;
}

}  // namespace nexsync::bench
