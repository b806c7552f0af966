#include "shopify/parse_error.hpp"

#include <boost/throw_exception.hpp>

#include <stdexcept>

namespace nexsync::shopify {

void throw_exception_from_error(const parse_error& e, const boost::source_location& loc) {
  boost::throw_exception(std::runtime_error(e.message), loc);
}

}  // namespace nexsync::shopify
