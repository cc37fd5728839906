#include "http/auth_offload.h"

#include <utility>

namespace muxd::http {

AuthOffload::AuthOffload(SessionShared& shared, WorkThreads::Deliver deliver) : deliver_(std::move(deliver)) {
  if (!shared.config.auth) return;
  threads_ = std::make_unique<WorkThreads>(kThreads, kQueue);
  shared.offload_auth = [this](std::function<bool()> verify, std::function<void(bool)> done) {
    return threads_->try_submit(deliver_, [verify = std::move(verify), done = std::move(done)](size_t) {
      bool ok = verify();
      return WorkThreads::Completion([done, ok] { done(ok); });
    });
  };
}

AuthOffload::~AuthOffload() {
  if (threads_) threads_->stop();
}

}  // namespace muxd::http
