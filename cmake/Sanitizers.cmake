# MUXD_SANITIZE=thread|address: the whole normal tree (binary, unit and integration
# tests; bench/ is left out) built with a sanitizer, for build/tsan and build/asan.
# g++ and clang++ both build either tree; the Makefile uses g++ for build/tsan and
# clang++ for build/asan (g++ compiles ASan+UBSan about half as fast).
#   thread   ThreadSanitizer
#   address  AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer, on by default)
# -O1 keeps stacks readable and compiles faster than -O2. cmake/sanitizer_options.cpp
# is linked into every program so that the runtime options (halt at the first report,
# abort so the exit status says so, leaks on) apply however the program is started:
# ctest, a Python test's subprocess, or by hand. *SAN_OPTIONS in the environment
# still override them.
set(MUXD_SANITIZE "" CACHE STRING "Build everything with a sanitizer: thread, address, or empty")
set_property(CACHE MUXD_SANITIZE PROPERTY STRINGS "" thread address)

if(MUXD_SANITIZE STREQUAL "")
  return()
elseif(MUXD_FUZZ)
  message(FATAL_ERROR "MUXD_SANITIZE and MUXD_FUZZ are separate trees (the fuzz tree has ASan+UBSan already)")
elseif(MUXD_SANITIZE STREQUAL "thread")
  set(muxd_sanitizer_flags -fsanitize=thread)
elseif(MUXD_SANITIZE STREQUAL "address")
  # Without UBSan's vptr check: it reads the object's memory through a pipe, so a process
  # out of descriptors (tests that exhaust them on purpose) gets false "invalid vptr"
  # reports; ASan still catches calls on freed objects.
  set(muxd_sanitizer_flags -fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=all)
else()
  message(FATAL_ERROR "MUXD_SANITIZE must be thread or address, not '${MUXD_SANITIZE}'")
endif()

string(REGEX REPLACE "-O[0-9s]" "-O1" CMAKE_CXX_FLAGS_RELWITHDEBINFO "${CMAKE_CXX_FLAGS_RELWITHDEBINFO}")
add_compile_options(${muxd_sanitizer_flags} -fno-omit-frame-pointer)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # g++'s instrumentation makes -Wmaybe-uninitialized fire inside libstdc++ (std::function in
  # std::regex) under -Werror; the normal tree keeps the warning.
  add_compile_options(-Wno-maybe-uninitialized)
endif()
add_link_options(${muxd_sanitizer_flags})

add_library(muxd_sanitizer_options OBJECT "${CMAKE_CURRENT_LIST_DIR}/sanitizer_options.cpp")
# Every target defined from here on links the object (libraries carry a copy the
# linker never needs; executables get it directly).
link_libraries(muxd_sanitizer_options)
