#pragma once
// Termination signals as a readable descriptor (signalfd), so the event loop handles them like
// any other event instead of in an async-signal handler.
#include <signal.h>

#include <initializer_list>
#include <optional>

#include "base/unique_fd.h"

namespace vpngw::engine {

class SignalFd {
 public:
  // Blocks the signals in the calling thread (do this before starting threads, which inherit
  // the mask) and opens a non-blocking signalfd for them. Throws std::system_error on failure.
  explicit SignalFd(std::initializer_list<int> signals);
  // Restores the previous signal mask.
  ~SignalFd();
  SignalFd(const SignalFd&) = delete;
  SignalFd& operator=(const SignalFd&) = delete;

  int fd() const { return fd_.get(); }
  // The next pending signal number, if any.
  std::optional<int> read();

 private:
  sigset_t previous_{};
  UniqueFd fd_;
};

}  // namespace vpngw::engine
