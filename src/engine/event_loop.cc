#include "engine/event_loop.h"

#include <array>
#include <cerrno>
#include <system_error>

namespace vpngw::engine {

namespace {
uint64_t tag(int fd, uint64_t generation) { return generation << 32 | static_cast<uint32_t>(fd); }
}  // namespace

EventLoop::EventLoop() : epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
  if (!epoll_) {
    throw std::system_error(errno, std::generic_category(), "epoll_create1");
  }
}

void EventLoop::add(int fd, uint32_t events, Handler handler) {
  uint64_t generation = next_generation_++;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = tag(fd, generation);
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) {
    throw std::system_error(errno, std::generic_category(), "epoll_ctl ADD");
  }
  entries_[fd] = Entry{generation, std::move(handler)};
}

void EventLoop::modify(int fd, uint32_t events) {
  auto it = entries_.find(fd);
  if (it == entries_.end()) {
    return;
  }
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = tag(fd, it->second.generation);
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &ev) != 0) {
    throw std::system_error(errno, std::generic_category(), "epoll_ctl MOD");
  }
}

void EventLoop::remove(int fd) {
  if (entries_.erase(fd) == 0) {
    return;
  }
  (void)::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
}

int EventLoop::runOnce(Duration timeout) {
  std::array<epoll_event, 64> events{};
  int timeout_ms = static_cast<int>(std::max<Duration::rep>(0, timeout.count()));
  int n = ::epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()), timeout_ms);
  if (n < 0) {
    if (errno == EINTR) {
      return 0;
    }
    throw std::system_error(errno, std::generic_category(), "epoll_wait");
  }
  int handled = 0;
  for (int i = 0; i < n; ++i) {
    const epoll_event& ev = events[static_cast<size_t>(i)];
    int fd = static_cast<int>(static_cast<uint32_t>(ev.data.u64));
    uint64_t generation = ev.data.u64 >> 32;
    auto it = entries_.find(fd);
    if (it == entries_.end() || it->second.generation != generation) {
      continue;  // removed (or replaced) by an earlier handler of this round
    }
    // Copy: the handler may remove itself, which would destroy the function being run.
    Handler handler = it->second.handler;
    handler(ev.events);
    ++handled;
  }
  return handled;
}

}  // namespace vpngw::engine
