#pragma once
// A small epoll loop: file descriptors with a handler each, run from one thread. Handlers may
// add and remove descriptors (their own included) while events are being dispatched.
#include <sys/epoll.h>

#include <cstdint>
#include <functional>
#include <unordered_map>

#include "base/time.h"
#include "base/unique_fd.h"

namespace vpngw::engine {

class EventLoop {
 public:
  using Handler = std::function<void(uint32_t events)>;

  // Throws std::system_error when epoll is unavailable (start-up failure).
  EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // events: EPOLLIN / EPOLLOUT ... (level-triggered). The fd must not already be registered.
  // Throws std::system_error if epoll refuses the descriptor (a programming error).
  void add(int fd, uint32_t events, Handler handler);
  void modify(int fd, uint32_t events);
  // Unregisters fd; a pending event of this round for it is not delivered. Unknown fd: no-op.
  void remove(int fd);
  bool contains(int fd) const { return entries_.count(fd) > 0; }
  size_t size() const { return entries_.size(); }

  // Waits up to timeout (0: poll) and runs the handlers of ready descriptors. Returns the
  // number of handlers run (0 on timeout or EINTR).
  int runOnce(Duration timeout);

 private:
  struct Entry {
    uint64_t generation;
    Handler handler;
  };
  UniqueFd epoll_;
  std::unordered_map<int, Entry> entries_;
  // Tags registrations so an event for a closed fd is not delivered to a new fd that reused
  // the number within the same round.
  uint32_t next_generation_ = 1;
};

}  // namespace vpngw::engine
