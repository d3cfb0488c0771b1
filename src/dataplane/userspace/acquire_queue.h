#pragma once
// Acquires on their way from the workers to the control thread: the tunnels whose trap caught
// an outbound packet (no SA yet). De-duplicated, rate-limited per tunnel (a flood of packets
// towards a tunnel that is negotiating asks once a second), bounded, with an eventfd the
// control loop polls.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"

namespace vpngw::dataplane::userspace {

class AcquireQueue {
 public:
  static constexpr int64_t kIntervalMs = 1000;  // per tunnel
  static constexpr size_t kCapacity = 4096;     // distinct tunnels pending

  static Result<std::unique_ptr<AcquireQueue>> create();
  explicit AcquireQueue(UniqueFd event) : event_(std::move(event)) {}

  int fd() const { return event_.get(); }
  // A packet for `tunnel` found no SA at now_ms (monotonic). True when this raised an acquire
  // (false: one was raised less than kIntervalMs ago, or the queue is full).
  bool raise(const std::string& tunnel, int64_t now_ms);
  // Moves the pending tunnels to out (each once) and resets the eventfd.
  void take(std::vector<std::string>& out);

 private:
  UniqueFd event_;
  std::mutex mu_;
  std::vector<std::string> pending_;
  std::map<std::string, int64_t> last_ms_;  // when each tunnel last raised one
};

}  // namespace vpngw::dataplane::userspace
