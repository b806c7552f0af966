#pragma once
// The load generator: C keep-alive connections on one Asio thread, each sending its next request when
// the last answer arrived (closed loop) or at a fixed total rate (open loop: request k is due at
// t0 + k/rate and its latency counts from then, so a slow server cannot hide its queue).

#include "bench/report.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace nexsync::bench {

using request_t = boost::beast::http::request<boost::beast::http::string_body>;

/// How much load, for how long.
struct load_options {
  unsigned short port = 0;       ///< 127.0.0.1:port
  int connections = 32;
  double rate = 0;               ///< requests/s in total; 0 = as fast as answered
  double seconds = 10;           ///< stop issuing after this long
  std::uint64_t max_requests = 0;  ///< and after this many (0: no count bound)
  std::chrono::seconds timeout{30};
  /// And once this returns true (asked before each request, on the generator's thread); empty: never.
  std::function<bool()> done;
};

/// What happened.
struct load_result {
  std::uint64_t sent = 0, ok = 0, non_2xx = 0, errors = 0;
  std::map<unsigned, std::uint64_t> statuses;
  std::vector<std::uint64_t> ok_seqs;   ///< sequence numbers that got a 2xx
  latencies all;                        ///< every answered request
  double elapsed_s = 0;                 ///< first send to last answer
  double generator_cpu_s = 0;           ///< CPU time of the bench process meanwhile
  double ok_per_s() const { return elapsed_s > 0 ? static_cast<double>(ok) / elapsed_s : 0; }
};

/// Fills request number seq (target, headers, body); called on the generator's thread.
using make_request = std::function<void(std::uint64_t seq, request_t& req)>;

/// Runs the load to completion (every issued request answered or failed).
load_result run_load(const load_options& o, const make_request& make);

}  // namespace nexsync::bench
