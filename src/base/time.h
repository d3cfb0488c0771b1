#pragma once
// Time as the sans-IO engine sees it: a monotonic instant handed in with every event. Tests
// drive a fake clock by passing whatever instants they like.
#include <chrono>

namespace vpngw {

using Duration = std::chrono::milliseconds;
using TimePoint = std::chrono::time_point<std::chrono::steady_clock, Duration>;

inline TimePoint monotonicNow() {
  return std::chrono::time_point_cast<Duration>(std::chrono::steady_clock::now());
}

using namespace std::chrono_literals;

}  // namespace vpngw
