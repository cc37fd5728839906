#pragma once
// Signals arrive as events on a loop (signalfd), never as asynchronous handlers.
#include <functional>
#include <initializer_list>

#include "core/event_loop.h"

namespace muxd {

// Blocks `signals` in the calling thread and every thread it starts later, and
// ignores SIGPIPE (a closed peer must be an EPIPE, not a dead process). Call it
// first thing in main, before any thread exists.
void block_signals(std::initializer_list<int> signals);

class SignalWatcher : public Watcher {
 public:
  SignalWatcher(EventLoop& loop, std::initializer_list<int> signals, std::function<void(int)> on_signal);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  void handle_events(uint32_t events) override;

 private:
  EventLoop& loop_;
  UniqueFd fd_;
  std::function<void(int)> on_signal_;
};

}  // namespace muxd
