#include "bench/scenarios.hpp"

#include <stdexcept>

namespace nexsync::bench {

boost::json::object run_idle_tenants(const stack_options&, const idle_options&, std::ostream&) {
  throw std::runtime_error("not implemented yet");
}

}  // namespace nexsync::bench
