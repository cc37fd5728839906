#include "core/signals.h"

#include <sys/signalfd.h>

#include <csignal>
#include <system_error>

namespace muxd {
namespace {

sigset_t make_set(std::initializer_list<int> signals) {
  sigset_t set;
  sigemptyset(&set);
  for (int signal : signals) sigaddset(&set, signal);
  return set;
}

}  // namespace

void block_signals(std::initializer_list<int> signals) {
  ::signal(SIGPIPE, SIG_IGN);
  sigset_t set = make_set(signals);
  ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

SignalWatcher::SignalWatcher(EventLoop& loop, std::initializer_list<int> signals,
                             std::function<void(int)> on_signal)
    : loop_(loop), on_signal_(std::move(on_signal)) {
  sigset_t set = make_set(signals);
  fd_.reset(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!fd_) throw std::system_error(errno, std::generic_category(), "signalfd");
  loop_.add(fd_.get(), EPOLLIN, this);
}

SignalWatcher::~SignalWatcher() { loop_.remove(fd_.get()); }

void SignalWatcher::handle_events(uint32_t) {
  signalfd_siginfo info;
  while (::read(fd_.get(), &info, sizeof(info)) == static_cast<ssize_t>(sizeof(info)))
    on_signal_(static_cast<int>(info.ssi_signo));
}

}  // namespace muxd
