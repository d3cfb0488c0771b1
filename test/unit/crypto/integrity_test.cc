// Truncated HMAC integrity: RFC 2202 test case 5 (96-bit truncation), RFC 4868 §2.7.2 ICV
// vectors, RFC 4231 test case 5 (truncation), and constant-time verification behaviour.
#include <gtest/gtest.h>

#include "crypto/algorithms.h"
#include "test_util.h"

namespace vpngw::crypto {
namespace {

using test::ascii;
using test::hex;
using test::hexOf;
using test::repeat;

IntegrityPtr makeInteg(uint16_t id) {
  auto integ = createIntegrity(id);
  if (!integ) {
    ADD_FAILURE() << integ.error().message;
    return nullptr;
  }
  return std::move(integ.value());
}

struct IcvVector {
  const char* name;
  uint16_t id;
  Bytes key;
  Bytes data;
  const char* icv;
};

TEST(Integrity, KnownAnswers) {
  const Bytes hi = ascii("Hi There");
  const Bytes want = ascii("what do ya want for nothing?");
  const IcvVector vectors[] = {
      // RFC 2202 test case 5: HMAC-MD5-96 and HMAC-SHA1-96.
      {"2202-md5-96", 1, repeat(0x0c, 16), ascii("Test With Truncation"),
       "56461ef2342edc00f9bab995"},
      {"2202-sha1-96", 2, repeat(0x0c, 20), ascii("Test With Truncation"),
       "4c1a03424b55e07fe7f27be1"},
      // RFC 2202 test case 1 truncated to 96 bits (RFC 2403/2404 take the leftmost bits).
      {"2202-md5-1-96", 1, repeat(0x0b, 16), hi, "9294727a3638bb1c13f48ef8"},
      {"2202-sha1-1-96", 2, repeat(0x0b, 20), hi, "b617318655057264e28bc0b6"},
      // RFC 4868 §2.7.2.1-3 test case AUTH-1 (key 0x0b repeated to the key size).
      {"4868-auth256-1", 12, repeat(0x0b, 32), hi, "198a607eb44bfbc69903a0f1cf2bbdc5"},
      {"4868-auth384-1", 13, repeat(0x0b, 48), hi,
       "b6a8d5636f5c6a7224f9977dcf7ee6c7fb6d0c48cbdee973"},
      {"4868-auth512-1", 14, repeat(0x0b, 64), hi,
       "637edc6e01dce7e6742a99451aae82df23da3e92439e590e43e761b33e910fb8"},
      // RFC 4868 AUTH-2 ("Jefe" repeated to the key size).
      {"4868-auth256-2", 12, ascii("JefeJefeJefeJefeJefeJefeJefeJefe"), want,
       "167f928588c5cc2eef8e3093caa0e87c"},
      {"4868-auth384-2", 13, ascii("JefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefe"), want,
       "2c7353974f1842fd66d53c452ca42122b28c0b594cfb184d"},
      {"4868-auth512-2", 14,
       ascii("JefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefe"), want,
       "cb370917ae8a7ce28cfd1d8f4705d6141c173b2a9362c15df235dfb251b15454"},
      // RFC 4231 test case 5 gives HMAC-SHA-256 truncated to exactly 128 bits.
      {"4231-5-sha256-128", 12, repeat(0x0c, 20), ascii("Test With Truncation"),
       "a3b6167473100ee06e0c796c2955552b"},
  };
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.name);
    auto integ = makeInteg(v.id);
    ASSERT_TRUE(integ);
    Bytes icv = integ->compute(v.key, v.data);
    EXPECT_EQ(hexOf(icv), v.icv);
    EXPECT_TRUE(integ->verify(v.key, v.data, hex(v.icv)));
  }
}

TEST(Integrity, Rfc4231TruncationPrefixForLongerIcvs) {
  // RFC 4231 test case 5 publishes only 128 bits; our 192/256-bit ICVs must start with them.
  const Bytes key = repeat(0x0c, 20);
  const Bytes data = ascii("Test With Truncation");
  auto sha384 = makeInteg(13);
  auto sha512 = makeInteg(14);
  ASSERT_TRUE(sha384 && sha512);
  EXPECT_EQ(hexOf(sha384->compute(key, data)).substr(0, 32), "3abf34c3503b2a23a46efc619baef897");
  EXPECT_EQ(hexOf(sha512->compute(key, data)).substr(0, 32), "415fad6271580a531d4179bc891d87a6");
}

TEST(Integrity, KeyAndIcvSizes) {
  struct Size {
    uint16_t id;
    size_t key;
    size_t icv;
  };
  // RFC 2403, 2404, 4868 §2.1.
  const Size sizes[] = {{1, 16, 12}, {2, 20, 12}, {12, 32, 16}, {13, 48, 24}, {14, 64, 32}};
  for (const auto& s : sizes) {
    auto integ = makeInteg(s.id);
    ASSERT_TRUE(integ);
    EXPECT_EQ(integ->keySize(), s.key) << s.id;
    EXPECT_EQ(integ->icvSize(), s.icv) << s.id;
    EXPECT_EQ(integ->compute(repeat(1, s.key), ascii("x")).size(), s.icv) << s.id;
  }
}

TEST(Integrity, VerifyRejectsAnyChange) {
  for (uint16_t id : {1, 2, 12, 13, 14}) {
    SCOPED_TRACE(id);
    auto integ = makeInteg(id);
    ASSERT_TRUE(integ);
    const Bytes key = repeat(0x42, integ->keySize());
    const Bytes data = ascii("an IKE message, authenticated");
    const Bytes icv = integ->compute(key, data);
    EXPECT_TRUE(integ->verify(key, data, icv));

    for (size_t i : {size_t{0}, icv.size() / 2, icv.size() - 1}) {
      Bytes bad = icv;
      bad[i] ^= 0x01;
      EXPECT_FALSE(integ->verify(key, data, bad)) << "icv byte " << i;
    }
    Bytes bad_data = data;
    bad_data.back() ^= 0x80;
    EXPECT_FALSE(integ->verify(key, bad_data, icv));
    Bytes bad_key = key;
    bad_key[0] ^= 0x01;
    EXPECT_FALSE(integ->verify(bad_key, data, icv));
    // Length mismatches are refused, including a prefix of the right ICV and the full HMAC.
    EXPECT_FALSE(integ->verify(key, data, ByteView(icv).first(icv.size() - 1)));
    EXPECT_FALSE(integ->verify(key, data, concat(icv, Bytes{0})));
    EXPECT_FALSE(integ->verify(key, data, {}));
  }
}

TEST(Integrity, UnsupportedIdsAreRefused) {
  // 0 NONE (not an algorithm), 3 DES-MAC, 5 AES-XCBC-96, 8..11 other MACs.
  for (uint16_t id : {0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 500}) {
    EXPECT_FALSE(createIntegrity(id).ok()) << id;
  }
}

}  // namespace
}  // namespace vpngw::crypto
