#include "bench/scenarios.hpp"

#include <stdexcept>

namespace nexsync::bench {

boost::json::object run_unthrottled_import(const stack_options&, const import_options&, std::ostream&) {
  throw std::runtime_error("not implemented yet");
}

}  // namespace nexsync::bench
