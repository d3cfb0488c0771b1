#pragma once
// Acquires on their way from the workers to the control thread: the tunnels whose trap caught
// an outbound packet (no SA yet). De-duplicated, rate-limited per tunnel (a flood of packets
// towards a tunnel that is negotiating asks once a second), bounded, with an eventfd the
// control loop polls.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
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
  // A packet for `tunnel` found no SA at now_ms (monotonic). True when this raised an acquire;
  // false when the tunnel raised one less than kIntervalMs ago, is still pending, or the queue
  // is full (then nothing is remembered: the next packet tries again).
  bool raise(const std::string& tunnel, int64_t now_ms);
  // Moves the pending tunnels to out (each once, in the order raised) and resets the eventfd.
  void take(std::vector<std::string>& out);
  // Tunnels whose last acquire is remembered (bounded: expired ones are forgotten).
  size_t remembered() const;

 private:
  struct Entry {
    int64_t last_ms = 0;  // when the tunnel last raised an acquire
    bool pending = false;
  };
  UniqueFd event_;
  mutable std::mutex mu_;
  std::vector<std::string> pending_;
  std::unordered_map<std::string, Entry> tunnels_;
  int64_t latest_ms_ = 0;  // the latest now_ms seen
};

}  // namespace vpngw::dataplane::userspace
