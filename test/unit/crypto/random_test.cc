// OpenSslRandom and the plain digest helper.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "crypto/algorithms.h"
#include "crypto/hash.h"
#include "test_util.h"

namespace vpngw::crypto {
namespace {

TEST(OpenSslRandom, FillsWithDistinctUnpredictableBytes) {
  OpenSslRandom rng;
  std::set<Bytes> seen;
  for (int i = 0; i < 16; ++i) {
    Bytes b(32, 0);
    rng.fill(b);
    EXPECT_NE(b, Bytes(32, 0));
    seen.insert(b);
  }
  EXPECT_EQ(seen.size(), 16u);  // 256-bit draws never repeat in practice
}

TEST(OpenSslRandom, LargeAndEmptyBuffers) {
  OpenSslRandom rng;
  rng.fill({});  // no-op, no crash
  Bytes big(1 << 20, 0);
  rng.fill(big);
  // Every byte value shows up in a MiB of random data; a fill that skipped the tail would
  // leave a long zero run at the end.
  std::set<uint8_t> values(big.begin(), big.end());
  EXPECT_EQ(values.size(), 256u);
  EXPECT_FALSE(std::all_of(big.end() - 64, big.end(), [](uint8_t b) { return b == 0; }));
}

TEST(OpenSslRandom, UsableThroughTheRandomInterface) {
  OpenSslRandom rng;
  Random& r = rng;
  std::set<uint64_t> values;
  for (int i = 0; i < 8; ++i) {
    values.insert(r.u64());
  }
  EXPECT_EQ(values.size(), 8u);
  for (int i = 0; i < 100; ++i) {
    EXPECT_LT(r.below(10), 10u);
  }
}

TEST(Hash, Sha1Fips180Vector) {
  EXPECT_EQ(test::hexOf(sha1(test::ascii("abc"))), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

}  // namespace
}  // namespace vpngw::crypto
