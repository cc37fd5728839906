// PLACEHOLDER while the coroutine model is being written (issue 10): refuses to start.
#include <stdexcept>

#include "http/models/model.h"

namespace muxd::http {

std::unique_ptr<ServiceWorker> make_coroutine_worker(const ModelContext&) {
  throw std::runtime_error("--model coroutine is not built yet");
}

}  // namespace muxd::http
