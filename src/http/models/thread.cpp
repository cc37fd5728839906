// PLACEHOLDER while the thread model is being written (issue 10): refuses to start.
#include <stdexcept>

#include "http/models/model.h"

namespace muxd::http {

std::unique_ptr<ServiceWorker> make_thread_worker(const ModelContext&) {
  throw std::runtime_error("--model thread is not built yet");
}

}  // namespace muxd::http
