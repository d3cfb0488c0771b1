#pragma once
// The engine keeps monotonic instants; people read wall-clock time. A WallClock pairs the two
// clocks read at one moment so any engine instant can be shown as ISO 8601 UTC.
#include <chrono>
#include <string>

#include "base/log.h"
#include "base/time.h"

namespace vpngw::engine {

struct WallClock {
  TimePoint steady_now{};
  std::chrono::system_clock::time_point wall_now{};

  static WallClock now() { return {monotonicNow(), std::chrono::system_clock::now()}; }

  // wall = wall_now - (steady_now - t)
  std::chrono::system_clock::time_point toWall(TimePoint t) const {
    return wall_now -
           std::chrono::duration_cast<std::chrono::system_clock::duration>(steady_now - t);
  }
  std::string iso(TimePoint t) const { return isoTimestamp(toWall(t)); }
};

}  // namespace vpngw::engine
