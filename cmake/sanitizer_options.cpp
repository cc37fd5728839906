// Default runtime options of the sanitizer trees (cmake/Sanitizers.cmake). The
// runtimes call these weak hooks at start-up; the environment's ASAN_OPTIONS,
// TSAN_OPTIONS, UBSAN_OPTIONS and LSAN_OPTIONS are applied on top.
//
// Every report stops the process with SIGABRT (halt_on_error + abort_on_error):
// a unit test binary fails, and a server started by an integration test dies
// with status -6, which tests/integration/harness.py turns into a failure along
// with the report from the server's stderr.
extern "C" {

const char* __asan_default_options() {
  return "halt_on_error=1:abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:"
         "strict_init_order=1:check_initialization_order=1:print_summary=1";
}

const char* __ubsan_default_options() {
  return "halt_on_error=1:abort_on_error=1:print_stacktrace=1";
}

const char* __lsan_default_options() {
  return "abort_on_error=1";
}

const char* __tsan_default_options() {
  return "halt_on_error=1:abort_on_error=1:second_deadlock_stack=1";
}

}  // extern "C"
