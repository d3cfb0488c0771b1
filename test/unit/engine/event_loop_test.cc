// The epoll loop: dispatch, timeouts, and handlers that add or remove descriptors.
#include "engine/event_loop.h"

#include <gtest/gtest.h>
#include <sys/eventfd.h>

#include <vector>

namespace vpngw::engine {
namespace {

UniqueFd makeEventFd() { return UniqueFd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)); }
void signal(const UniqueFd& fd) {
  uint64_t one = 1;
  ASSERT_EQ(::write(fd.get(), &one, sizeof one), static_cast<ssize_t>(sizeof one));
}
void drain(const UniqueFd& fd) {
  uint64_t v = 0;
  (void)!::read(fd.get(), &v, sizeof v);
}

TEST(EventLoop, TimesOutWithoutEvents) {
  EventLoop loop;
  UniqueFd fd = makeEventFd();
  loop.add(fd.get(), EPOLLIN, [](uint32_t) { FAIL() << "no event expected"; });
  TimePoint start = monotonicNow();
  EXPECT_EQ(loop.runOnce(30ms), 0);
  EXPECT_GE(monotonicNow() - start, 25ms);
}

TEST(EventLoop, DispatchesReadyDescriptors) {
  EventLoop loop;
  UniqueFd a = makeEventFd();
  UniqueFd b = makeEventFd();
  std::vector<char> seen;
  loop.add(a.get(), EPOLLIN, [&](uint32_t ev) {
    EXPECT_TRUE(ev & EPOLLIN);
    seen.push_back('a');
    drain(a);
  });
  loop.add(b.get(), EPOLLIN, [&](uint32_t) {
    seen.push_back('b');
    drain(b);
  });
  signal(b);
  EXPECT_EQ(loop.runOnce(1000ms), 1);
  EXPECT_EQ(seen, std::vector<char>{'b'});
  EXPECT_EQ(loop.runOnce(0ms), 0);  // drained: level-triggered, nothing pending
  EXPECT_TRUE(loop.contains(a.get()));
  EXPECT_EQ(loop.size(), 2u);
}

TEST(EventLoop, HandlerRemovingAnotherDescriptorSuppressesItsPendingEvent) {
  EventLoop loop;
  UniqueFd a = makeEventFd();
  UniqueFd b = makeEventFd();
  int calls = 0;
  // Whichever runs first removes the other; only one handler may run this round.
  loop.add(a.get(), EPOLLIN, [&](uint32_t) {
    ++calls;
    loop.remove(b.get());
    drain(a);
  });
  loop.add(b.get(), EPOLLIN, [&](uint32_t) {
    ++calls;
    loop.remove(a.get());
    drain(b);
  });
  signal(a);
  signal(b);
  EXPECT_EQ(loop.runOnce(1000ms), 1);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(loop.size(), 1u);
}

TEST(EventLoop, HandlerMayRemoveItselfAndAddOthers) {
  EventLoop loop;
  UniqueFd a = makeEventFd();
  UniqueFd b = makeEventFd();
  bool b_ran = false;
  loop.add(a.get(), EPOLLIN, [&](uint32_t) {
    loop.remove(a.get());
    loop.add(b.get(), EPOLLIN, [&](uint32_t) {
      b_ran = true;
      drain(b);
    });
  });
  signal(a);
  signal(b);
  EXPECT_EQ(loop.runOnce(1000ms), 1);
  EXPECT_FALSE(loop.contains(a.get()));
  EXPECT_EQ(loop.runOnce(1000ms), 1);
  EXPECT_TRUE(b_ran);
  loop.remove(12345);  // unknown: no-op
  loop.modify(12345, EPOLLIN);
}

}  // namespace
}  // namespace vpngw::engine
