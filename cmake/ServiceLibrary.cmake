# muxd_service_library(NAME [DEPS ...]): a static library from every .cpp in the
# calling folder except command.cpp (the CLI11 flags, compiled into the binary
# by src/cli so that the fuzz tree never needs CLI11).
function(muxd_service_library name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.cpp")
  list(FILTER sources EXCLUDE REGEX "/command\\.cpp$")
  if(NOT sources)  # a service folder that has no code yet
    add_library(${name} INTERFACE)
    target_link_libraries(${name} INTERFACE ${ARG_DEPS})
    return()
  endif()
  add_library(${name} STATIC ${sources})
  target_include_directories(${name} PUBLIC "${PROJECT_SOURCE_DIR}/src")
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()
