// Anti-replay window (RFC 4303 §3.4.3) and ESN inference (RFC 4303 Appendix A.2).
#include "esp/replay_window.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <stdexcept>

namespace vpngw::esp {
namespace {

// check() then update(), as the I/O side does after a verified ICV.
PacketError receive(ReplayWindow& w, uint32_t seq_low, uint64_t* full = nullptr) {
  auto r = w.check(seq_low);
  if (!r.ok()) {
    return r.error();
  }
  if (full != nullptr) {
    *full = *r;
  }
  return w.update(*r);
}

TEST(ReplayWindow, InOrder) {
  ReplayWindow w(false);
  for (uint32_t s = 1; s <= 5000; ++s) {
    ASSERT_EQ(receive(w, s), PacketError::kNone) << s;
  }
  EXPECT_EQ(w.highest(), 5000u);
}

TEST(ReplayWindow, CheckDoesNotUpdate) {
  ReplayWindow w(false);
  ASSERT_TRUE(w.check(10).ok());
  ASSERT_TRUE(w.check(10).ok());
  EXPECT_EQ(w.highest(), 0u);
  ASSERT_EQ(w.update(10), PacketError::kNone);
  EXPECT_EQ(w.check(10).error(), PacketError::kReplayed);
}

TEST(ReplayWindow, DuplicatesAreRefused) {
  ReplayWindow w(false);
  for (uint32_t s : {1u, 2u, 3u, 10u, 7u}) {
    ASSERT_EQ(receive(w, s), PacketError::kNone);
  }
  for (uint32_t s : {1u, 2u, 3u, 10u, 7u}) {
    EXPECT_EQ(receive(w, s), PacketError::kReplayed) << s;
  }
  EXPECT_EQ(receive(w, 8), PacketError::kNone);
}

TEST(ReplayWindow, ReorderedWithinTheWindowIsAccepted) {
  ReplayWindow w(false, 1024);
  ASSERT_EQ(receive(w, 2000), PacketError::kNone);
  // Everything in (2000 - 1024, 2000) arrives late, in reverse order.
  for (uint32_t s = 1999; s > 2000 - 1024; --s) {
    ASSERT_EQ(receive(w, s), PacketError::kNone) << s;
  }
  EXPECT_EQ(receive(w, 2000 - 1024), PacketError::kTooOld);
  EXPECT_EQ(receive(w, 1), PacketError::kTooOld);
  for (uint32_t s = 1999; s > 2000 - 1024; --s) {
    ASSERT_EQ(receive(w, s), PacketError::kReplayed) << s;
  }
}

TEST(ReplayWindow, ShuffledStreamAcceptsEachNumberOnce) {
  for (uint32_t size : {64u, 1024u, 4096u}) {
    ReplayWindow w(false, size);
    std::mt19937 rng(size);
    std::vector<uint32_t> seqs;
    for (uint32_t s = 1; s <= 20000; ++s) {
      seqs.push_back(s);
    }
    // Local shuffles smaller than the window: nothing is lost, nothing accepted twice.
    for (size_t i = 0; i + 32 <= seqs.size(); i += 32) {
      std::shuffle(seqs.begin() + static_cast<long>(i), seqs.begin() + static_cast<long>(i + 32),
                   rng);
    }
    std::set<uint64_t> accepted;
    for (uint32_t s : seqs) {
      uint64_t full = 0;
      ASSERT_EQ(receive(w, s, &full), PacketError::kNone) << s;
      accepted.insert(full);
      ASSERT_EQ(receive(w, s), PacketError::kReplayed);
    }
    EXPECT_EQ(accepted.size(), seqs.size());
  }
}

TEST(ReplayWindow, SlidingForgetsOldBitsCorrectly) {
  ReplayWindow w(false, 128);
  ASSERT_EQ(receive(w, 100), PacketError::kNone);
  ASSERT_EQ(receive(w, 228), PacketError::kNone);  // 100 is now exactly 128 behind: too old
  EXPECT_EQ(receive(w, 100), PacketError::kTooOld);
  EXPECT_EQ(receive(w, 101), PacketError::kNone);  // 127 behind, never seen
  // Bits of numbers that left the window must not reappear as "seen" after the ring wraps.
  ASSERT_EQ(receive(w, 228 + 256), PacketError::kNone);
  EXPECT_EQ(receive(w, 228 + 256 - 127), PacketError::kNone);
  EXPECT_EQ(receive(w, 228 + 256 - 128), PacketError::kTooOld);
  for (uint32_t s = 228 + 256 - 126; s < 228 + 256; ++s) {
    ASSERT_EQ(receive(w, s), PacketError::kNone) << s;
  }
}

TEST(ReplayWindow, LargeJumps) {
  ReplayWindow w(false, 1024);
  ASSERT_EQ(receive(w, 5), PacketError::kNone);
  ASSERT_EQ(receive(w, 1000000), PacketError::kNone);
  EXPECT_EQ(receive(w, 5), PacketError::kTooOld);
  EXPECT_EQ(receive(w, 999999), PacketError::kNone);
  EXPECT_EQ(receive(w, 1000000 - 1023), PacketError::kNone);
  EXPECT_EQ(receive(w, 1000000 - 1024), PacketError::kTooOld);
  ASSERT_EQ(receive(w, 0xfffffff0u), PacketError::kNone);
  EXPECT_EQ(receive(w, 1000000), PacketError::kTooOld);
  EXPECT_EQ(w.highest(), 0xfffffff0u);
}

TEST(ReplayWindow, SequenceZeroIsInvalid) {
  ReplayWindow w(false);
  EXPECT_EQ(w.check(0).error(), PacketError::kInvalidSeq);
  EXPECT_EQ(w.update(0), PacketError::kInvalidSeq);
  ReplayWindow e(true);
  EXPECT_EQ(e.check(0).error(), PacketError::kInvalidSeq);
}

TEST(ReplayWindow, WrapWithoutEsnIsRefused) {
  ReplayWindow w(false);
  ASSERT_EQ(receive(w, 0xfffffffeu), PacketError::kNone);
  ASSERT_EQ(receive(w, 0xffffffffu), PacketError::kNone);
  EXPECT_EQ(receive(w, 0), PacketError::kInvalidSeq);
  EXPECT_EQ(receive(w, 1), PacketError::kTooOld);
  EXPECT_EQ(receive(w, 5), PacketError::kTooOld);
  EXPECT_EQ(w.update(uint64_t{1} << 32), PacketError::kInvalidSeq);
  EXPECT_EQ(w.highest(), 0xffffffffu);
}

TEST(ReplayWindow, EsnInfersTheNextSubspaceAcrossTheBoundary) {
  ReplayWindow w(true, 1024);
  uint64_t full = 0;
  ASSERT_EQ(receive(w, 0xfffff000u, &full), PacketError::kNone);
  EXPECT_EQ(full, 0xfffff000u);
  ASSERT_EQ(receive(w, 0xfffffff0u, &full), PacketError::kNone);
  EXPECT_EQ(full, 0xfffffff0u);
  // Case A (the window lies in subspace 0): a small number is in subspace 1.
  ASSERT_EQ(receive(w, 3, &full), PacketError::kNone);
  EXPECT_EQ(full, 0x100000003ull);
  EXPECT_EQ(w.highest(), 0x100000003ull);
  // Case B (the window spans both): a large number is a late packet of subspace 0.
  ASSERT_EQ(receive(w, 0xfffffff5u, &full), PacketError::kNone);
  EXPECT_EQ(full, 0xfffffff5ull);
  EXPECT_EQ(receive(w, 0xfffffff0u), PacketError::kReplayed);
  EXPECT_EQ(receive(w, 3), PacketError::kReplayed);
  ASSERT_EQ(receive(w, 1, &full), PacketError::kNone);
  EXPECT_EQ(full, 0x100000001ull);
  // With ESN nothing is "too old": a low half below the window's bottom is inferred to be
  // ahead, in the current subspace (Appendix A.2.2), where the ICV check will refuse a replay.
  auto ahead = w.check(0xffffffffu - 1030);
  ASSERT_TRUE(ahead.ok());
  EXPECT_EQ(*ahead, 0x1fffffbf9ull);
}

TEST(ReplayWindow, EsnInferenceInBothDirectionsAroundTheTop) {
  ReplayWindow w(true, 1024);
  uint64_t top = (uint64_t{7} << 32) | 0x80000000u;
  ASSERT_EQ(w.update(top), PacketError::kNone);
  auto ahead = w.check(0x80000001u);
  ASSERT_TRUE(ahead.ok());
  EXPECT_EQ(*ahead, top + 1);
  auto behind = w.check(0x80000000u - 100);
  ASSERT_TRUE(behind.ok());
  EXPECT_EQ(*behind, top - 100);
  // Below the window bottom within the same low half means the next subspace.
  auto next = w.check(0x80000000u - 2000);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, (uint64_t{8} << 32) | (0x80000000u - 2000));
  // Near the bottom of a subspace: the window spans the previous one (Case B).
  ReplayWindow b(true, 1024);
  uint64_t low_top = (uint64_t{7} << 32) | 10;
  ASSERT_EQ(b.update(low_top), PacketError::kNone);
  auto prev = b.check(0xfffffff0u);
  ASSERT_TRUE(prev.ok());
  EXPECT_EQ(*prev, (uint64_t{6} << 32) | 0xfffffff0u);
  auto cur = b.check(5);
  ASSERT_TRUE(cur.ok());
  EXPECT_EQ(*cur, low_top - 5);
  auto fwd = b.check(5000);
  ASSERT_TRUE(fwd.ok());
  EXPECT_EQ(*fwd, (uint64_t{7} << 32) | 5000);
  // Below the window's bottom (0xfffffc0b) the low half belongs to the top's subspace: far
  // ahead, not far behind.
  auto far = b.check(0xffff0000u);
  ASSERT_TRUE(far.ok());
  EXPECT_EQ(*far, (uint64_t{7} << 32) | 0xffff0000u);
}

TEST(ReplayWindow, EsnAtTheStartHasNoPreviousSubspace) {
  ReplayWindow w(true, 1024);
  // Before anything is received, numbers just below 2^32 would be in subspace -1.
  EXPECT_EQ(w.check(0xffffffffu).error(), PacketError::kTooOld);
  ASSERT_EQ(receive(w, 1), PacketError::kNone);
  EXPECT_EQ(w.check(0xfffffff0u).error(), PacketError::kTooOld);
  uint64_t full = 0;
  ASSERT_EQ(receive(w, 70000, &full), PacketError::kNone);
  EXPECT_EQ(full, 70000u);
}

TEST(ReplayWindow, EsnRefusesTheSixtyFourBitWrap) {
  ReplayWindow w(true, 1024);
  ASSERT_EQ(w.update(0xfffffffffffffff0ull), PacketError::kNone);
  auto last = w.check(0xffffffffu);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last, 0xffffffffffffffffull);
  EXPECT_EQ(w.check(2).error(), PacketError::kInvalidSeq);  // would be 2^64 + 2
}

TEST(ReplayWindow, UpdateRefusesWhatAnotherWorkerAccepted) {
  ReplayWindow w(false);
  auto a = w.check(42);
  auto b = w.check(42);  // a second copy checked before the first one was verified
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(w.update(*a), PacketError::kNone);
  EXPECT_EQ(w.update(*b), PacketError::kReplayed);
  auto old = w.check(43);
  ASSERT_TRUE(old.ok());
  ASSERT_EQ(w.update(5000), PacketError::kNone);  // the window moved meanwhile
  EXPECT_EQ(w.update(*old), PacketError::kTooOld);
}

TEST(ReplayWindow, SizeIsValidated) {
  EXPECT_THROW(ReplayWindow(false, 0), std::invalid_argument);
  EXPECT_THROW(ReplayWindow(false, 100), std::invalid_argument);
  EXPECT_THROW(ReplayWindow(false, 8192), std::invalid_argument);
  EXPECT_EQ(ReplayWindow(false, 64).size(), 64u);
  EXPECT_EQ(ReplayWindow(true, 4096).size(), 4096u);
  EXPECT_EQ(ReplayWindow(true).size(), ReplayWindow::kDefaultSize);
}

TEST(ReplayWindow, MatchesASetModel) {
  // Random traffic against a straightforward model: accepted iff never seen and within the
  // window of the highest accepted number.
  for (uint32_t size : {64u, 192u, 1024u}) {
    ReplayWindow w(false, size);
    std::set<uint64_t> seen;
    uint64_t top = 0;
    std::mt19937 rng(size * 7 + 1);
    for (int i = 0; i < 50000; ++i) {
      uint64_t base = top > 3000 ? top - 3000 : 1;
      auto s = static_cast<uint32_t>(base + rng() % 3200);
      PacketError expected = PacketError::kNone;
      if (s > top) {
        expected = PacketError::kNone;
      } else if (top - s >= size) {
        expected = PacketError::kTooOld;
      } else if (seen.count(s) != 0) {
        expected = PacketError::kReplayed;
      }
      ASSERT_EQ(receive(w, s), expected) << "i=" << i << " s=" << s << " top=" << top;
      if (expected == PacketError::kNone) {
        seen.insert(s);
        top = std::max<uint64_t>(top, s);
      }
    }
  }
}

}  // namespace
}  // namespace vpngw::esp
