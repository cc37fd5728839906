// PLACEHOLDER while the iterative model is being written (issue 10): refuses to start.
#include <stdexcept>

#include "http/models/model.h"

namespace muxd::http {

std::unique_ptr<ServiceWorker> make_iterative_worker(const ModelContext&) {
  throw std::runtime_error("--model iterative is not built yet");
}

}  // namespace muxd::http
