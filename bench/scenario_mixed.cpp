#include "bench/scenarios.hpp"

#include <stdexcept>

namespace nexsync::bench {

boost::json::object run_mixed(const stack_options&, const mixed_options&, std::ostream&) {
  throw std::runtime_error("not implemented yet");
}

}  // namespace nexsync::bench
