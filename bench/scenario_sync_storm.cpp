#include "bench/scenarios.hpp"

#include <stdexcept>

namespace nexsync::bench {

boost::json::object run_sync_storm(const stack_options&, const storm_options&, std::ostream&) {
  throw std::runtime_error("not implemented yet");
}

}  // namespace nexsync::bench
