#pragma once
// Anti-replay window (RFC 4303 §3.4.3) as a ring of 64-bit words (RFC 6479): sliding the
// window clears whole words, never shifts the bitmap. With ESN the high 32 bits of a received
// sequence number are inferred per RFC 4303 Appendix A.2.
//
// Use: check(seq low) before decapsulating (it changes nothing), update(seq64) only after the
// ICV verified — a forged packet must never move the window.
//
// Threads: not synchronised. All workers of one SA share one window, so the I/O side guards
// check() and update() with a per-SA lock (two short critical sections) and may decrypt
// between them: update() re-checks and refuses a sequence number that another worker
// accepted in the meantime.
#include <cstdint>
#include <vector>

#include "esp/packet_error.h"

namespace vpngw::esp {

class ReplayWindow {
 public:
  static constexpr uint32_t kDefaultSize = 1024;
  static constexpr uint32_t kMaxSize = 4096;

  // size: the number of sequence numbers tracked below the highest one, 64..kMaxSize and a
  // multiple of 64 (throws std::invalid_argument otherwise: a configuration bug).
  explicit ReplayWindow(bool esn, uint32_t size = kDefaultSize);

  // The full sequence number of a packet carrying seq_low, or why it must be dropped:
  // kInvalidSeq (0; a 32-bit wrap without ESN; a 64-bit wrap with ESN), kTooOld, kReplayed.
  PacketResult<uint64_t> check(uint32_t seq_low) const;

  // Marks seq (from check()) as received and slides the window. Returns kNone, or kReplayed /
  // kTooOld / kInvalidSeq when seq is no longer acceptable (then nothing changes).
  PacketError update(uint64_t seq);

  uint64_t highest() const { return top_; }  // 0 before the first packet
  uint32_t size() const { return size_; }
  bool esn() const { return esn_; }

 private:
  PacketError verdict(uint64_t seq) const;
  bool isSet(uint64_t seq) const;

  bool esn_;
  uint32_t size_;
  uint64_t top_ = 0;  // highest sequence number received
  uint64_t mask_;     // words_.size() - 1 (a power of two)
  std::vector<uint64_t> words_;
};

}  // namespace vpngw::esp
