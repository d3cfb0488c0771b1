#include "base/bytes.h"

#include <gtest/gtest.h>

#include "base/byte_io.h"

namespace vpngw {
namespace {

TEST(Hex, RoundTrip) {
  Bytes b{0x00, 0xab, 0xff};
  EXPECT_EQ(toHex(b), "00abff");
  EXPECT_EQ(fromHex("00ABff"), b);
  EXPECT_FALSE(fromHex("abc"));
  EXPECT_FALSE(fromHex("zz"));
}

TEST(ByteReader, StopsAtEndAndStaysFailed) {
  Bytes b{1, 2, 3};
  ByteReader r(b);
  EXPECT_EQ(r.u16(), 0x0102);
  EXPECT_EQ(r.u16(), 0);  // only one byte left
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.u8(), 0);  // stays failed
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ByteReader, TakeChecksBounds) {
  Bytes b(10, 7);
  ByteReader r(b);
  EXPECT_EQ(r.take(4).size(), 4u);
  EXPECT_EQ(r.take(7).size(), 0u);
  EXPECT_FALSE(r.ok());
}

TEST(ByteWriter, BigEndianAndPatch) {
  ByteWriter w;
  w.u8(1);
  w.u16(0x0203);
  w.u32(0x04050607);
  w.u64(0x08090a0b0c0d0e0full);
  w.patchU16(1, 0xbeef);
  EXPECT_EQ(toHex(w.take()), "01beef0405060708090a0b0c0d0e0f");
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  Bytes a{1, 2, 3}, b{1, 2, 3}, c{1, 2, 4}, d{1, 2};
  EXPECT_TRUE(constantTimeEqual(a, b));
  EXPECT_FALSE(constantTimeEqual(a, c));
  EXPECT_FALSE(constantTimeEqual(a, d));
}

TEST(Concat, JoinsViews) {
  Bytes a{1}, b{2, 3};
  SecureBytes s = concat<SecureBytes>(a, b);
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s[2], 3);
}

}  // namespace
}  // namespace vpngw
