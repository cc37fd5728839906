// PLACEHOLDER while the uring model is being written (issue 10): refuses to start.
#include <stdexcept>

#include "http/models/model.h"

namespace muxd::http {

std::unique_ptr<ServiceWorker> make_uring_worker(const ModelContext&) {
  throw std::runtime_error("--model uring is not built yet");
}

}  // namespace muxd::http
