// PLACEHOLDER while the poll model is being written (issue 10): refuses to start.
#include <stdexcept>

#include "http/models/model.h"

namespace muxd::http {

std::unique_ptr<ServiceWorker> make_poll_worker(const ModelContext&) {
  throw std::runtime_error("--model poll is not built yet");
}

}  // namespace muxd::http
