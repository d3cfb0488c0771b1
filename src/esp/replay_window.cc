#include "esp/replay_window.h"

#include <bit>
#include <stdexcept>

namespace vpngw::esp {

ReplayWindow::ReplayWindow(bool esn, uint32_t size) : esn_(esn), size_(size) {
  if (size < 64 || size > kMaxSize || size % 64 != 0) {
    throw std::invalid_argument("replay window size must be a multiple of 64 in 64..4096");
  }
  // One word more than the window (RFC 6479 §2): the word holding the top may be partly
  // ahead of the window, and the oldest word partly behind it.
  words_.assign(std::bit_ceil(size / 64 + 1), 0);
  mask_ = words_.size() - 1;
}

bool ReplayWindow::isSet(uint64_t seq) const {
  return (words_[(seq >> 6) & mask_] >> (seq & 63)) & 1;
}

PacketError ReplayWindow::verdict(uint64_t seq) const {
  if (seq == 0) {
    return PacketError::kInvalidSeq;  // senders start at 1 (RFC 4303 §3.3.3)
  }
  if (seq > top_) {
    return PacketError::kNone;
  }
  if (top_ - seq >= size_) {
    return PacketError::kTooOld;
  }
  return isSet(seq) ? PacketError::kReplayed : PacketError::kNone;
}

PacketResult<uint64_t> ReplayWindow::check(uint32_t seq_low) const {
  uint64_t seq = seq_low;
  if (esn_) {
    // RFC 4303 Appendix A.2.2: pick the high half that puts seq nearest the window.
    const auto top_low = static_cast<uint32_t>(top_);
    const auto top_high = static_cast<uint32_t>(top_ >> 32);
    const uint32_t bottom = top_low - (size_ - 1);  // mod 2^32
    uint64_t high = top_high;
    if (top_low >= size_ - 1) {
      // Case A: the window lies within one 2^32 subspace.
      if (seq_low < bottom) {
        high = uint64_t{top_high} + 1;
      }
    } else if (seq_low >= bottom) {
      // Case B: the window spans two subspaces and seq_low is in the lower one.
      if (top_high == 0) {
        return PacketError::kTooOld;  // before sequence number 1
      }
      high = top_high - 1;
    }
    if (high > UINT32_MAX) {
      return PacketError::kInvalidSeq;  // the 64-bit space is exhausted
    }
    seq = high << 32 | seq_low;
  }
  // Without ESN, the wrap to 0 is refused as 0 itself; the window never moves backwards.
  PacketError e = verdict(seq);
  if (e != PacketError::kNone) {
    return e;
  }
  return seq;
}

PacketError ReplayWindow::update(uint64_t seq) {
  if (!esn_ && seq > UINT32_MAX) {
    return PacketError::kInvalidSeq;
  }
  PacketError e = verdict(seq);
  if (e != PacketError::kNone) {
    return e;
  }
  if (seq > top_) {
    // Clear the words between the old top's word and the new one (at most the whole ring).
    const uint64_t old_word = top_ >> 6;
    const uint64_t new_word = seq >> 6;
    const uint64_t steps = new_word - old_word;
    if (steps >= words_.size()) {
      for (auto& w : words_) {
        w = 0;
      }
    } else {
      for (uint64_t i = 1; i <= steps; ++i) {
        words_[(old_word + i) & mask_] = 0;
      }
    }
    top_ = seq;
  }
  words_[(seq >> 6) & mask_] |= uint64_t{1} << (seq & 63);
  return PacketError::kNone;
}

}  // namespace vpngw::esp
