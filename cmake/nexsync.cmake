# Helpers shared by every module folder.

# Warnings as errors and repository-rooted includes for our own targets.
function(nexsync_flags target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  # g++ 12 reports a false -Wmismatched-new-delete once it inlines an Asio coroutine frame's class
  # operator new/delete (GCC bug 109224, fixed in 13); whether it fires depends on inlining, so any
  # handler edit can trip it.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-mismatched-new-delete)
    # ... and at -O2/-O3 false -Wrestrict errors inside std::string concatenation (GCC bug 105329),
    # which break the Release build of scripts/demo.
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(NEXSYNC_SANITIZE)
    # g++ 12 reports false maybe-uninitialized warnings in libstdc++ (std::regex, std::function) once
    # sanitizers instrument the code; the normal build keeps the warning.
    # -O1 as AddressSanitizer's documentation suggests: it halves compile time against -O2 here
    # (shopify/http_transport.cpp 243 s -> 150 s, app/connect_handlers.cpp 27 s -> 17 s).
    target_compile_options(${target} PRIVATE -O1 -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined -Wno-maybe-uninitialized)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  if(NEXSYNC_SANITIZE_THREAD)
    target_compile_options(${target} PRIVATE -O1 -g -fsanitize=thread -Wno-maybe-uninitialized)
    target_link_options(${target} PRIVATE -fsanitize=thread)
  endif()
endfunction()

# nexsync_library(name SOURCES ... LIBS ...): a static library of one module.
function(nexsync_library name)
  cmake_parse_arguments(arg "" "" "SOURCES;LIBS" ${ARGN})
  add_library(${name} STATIC ${arg_SOURCES})
  target_include_directories(${name} PUBLIC "${CMAKE_SOURCE_DIR}" "${CMAKE_BINARY_DIR}/generated")
  target_link_libraries(${name} PUBLIC ${arg_LIBS})
  nexsync_flags(${name})
  if(NEXSYNC_SANITIZE)
    target_link_options(${name} INTERFACE -fsanitize=address,undefined)
  endif()
endfunction()

# nexsync_executable(name SOURCES ... LIBS ...): a program written to NEXSYNC_BIN_DIR.
function(nexsync_executable name)
  cmake_parse_arguments(arg "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE ${arg_LIBS})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${NEXSYNC_BIN_DIR}")
  nexsync_flags(${name})
endfunction()

# Flags of the tests' own code: in the sanitizer builds unoptimised. It only drives the product, which
# keeps -O1 and its instrumentation, and compiles in half the time (tests/shopify/http_transport_tls_test.cpp:
# 122 s at -O1, 56 s at -O0); test files were most of a clean CI build's compile time.
function(nexsync_test_flags target)
  nexsync_flags(${target})
  if(NEXSYNC_SANITIZE OR NEXSYNC_SANITIZE_THREAD)
    target_compile_options(${target} PRIVATE -O0)
  endif()
endfunction()

# nexsync_test(name SOURCES ... LIBS ... [LABELS ...]): a Catch2 test binary; each TEST_CASE is a ctest.
# Integration tests read NEXSYNC_TEST_DATABASE_URL and the binaries' paths from the environment
# that scripts/test sets.
function(nexsync_test name)
  if(NOT NEXSYNC_TESTS)
    return()
  endif()
  cmake_parse_arguments(arg "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE nexsync_test_main ${arg_LIBS})
  target_include_directories(${name} PRIVATE "${CMAKE_SOURCE_DIR}")
  nexsync_test_flags(${name})
  catch_discover_tests(${name} PROPERTIES LABELS "${arg_LABELS}")
endfunction()
