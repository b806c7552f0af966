# Every dependency comes from Debian 12 packages (scripts/bootstrap installs them).

find_package(Threads REQUIRED)
find_package(Boost 1.81 REQUIRED COMPONENTS json url)
find_package(OpenSSL 3 REQUIRED)
find_package(PostgreSQL REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(Catch2 2 REQUIRED)

# libcaf-dev (CAF 0.17.6) ships no CMake config: wrap its headers and libraries in imported targets.
find_path(CAF_INCLUDE_DIR caf/all.hpp REQUIRED)
find_library(CAF_CORE_LIBRARY caf_core REQUIRED)
find_library(CAF_IO_LIBRARY caf_io REQUIRED)
add_library(caf::core SHARED IMPORTED GLOBAL)
set_target_properties(caf::core PROPERTIES
  IMPORTED_LOCATION "${CAF_CORE_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES Threads::Threads)
add_library(caf::io SHARED IMPORTED GLOBAL)
set_target_properties(caf::io PROPERTIES
  IMPORTED_LOCATION "${CAF_IO_LIBRARY}"
  INTERFACE_LINK_LIBRARIES caf::core)

# libargon2 (password hashes) has a pkg-config file only.
find_path(ARGON2_INCLUDE_DIR argon2.h REQUIRED)
find_library(ARGON2_LIBRARY argon2 REQUIRED)
add_library(argon2::argon2 UNKNOWN IMPORTED GLOBAL)
set_target_properties(argon2::argon2 PROPERTIES
  IMPORTED_LOCATION "${ARGON2_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${ARGON2_INCLUDE_DIR}")
