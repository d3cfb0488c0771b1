// HMAC PRF known answers: RFC 2202 (MD5, SHA-1), RFC 4231 (SHA-2), RFC 4868 §2.7.1 (PRF vectors
// with keys of the PRF's preferred size), and prf+ (RFC 7296 §2.13).
#include <gtest/gtest.h>

#include "crypto/algorithms.h"
#include "test_util.h"

namespace vpngw::crypto {
namespace {

using test::ascii;
using test::hex;
using test::hexOf;
using test::repeat;

using test::makePrf;

struct PrfVector {
  const char* name;
  uint16_t id;
  Bytes key;
  Bytes data;
  const char* expected;
};

std::vector<PrfVector> knownAnswers() {
  const Bytes jefe = ascii("Jefe");
  const Bytes hi = ascii("Hi There");
  const Bytes want = ascii("what do ya want for nothing?");
  const Bytes big_key_msg = ascii("Test Using Larger Than Block-Size Key - Hash Key First");
  return {
      // RFC 2202 §2 (HMAC-MD5) test cases 1, 2, 6.
      {"2202-md5-1", 1, repeat(0x0b, 16), hi, "9294727a3638bb1c13f48ef8158bfc9d"},
      {"2202-md5-2", 1, jefe, want, "750c783e6ab0b503eaa86e310a5db738"},
      {"2202-md5-6", 1, repeat(0xaa, 80), big_key_msg, "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd"},
      // RFC 2202 §3 (HMAC-SHA-1) test cases 1, 2, 6.
      {"2202-sha1-1", 2, repeat(0x0b, 20), hi, "b617318655057264e28bc0b6fb378c8ef146be00"},
      {"2202-sha1-2", 2, jefe, want, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
      {"2202-sha1-6", 2, repeat(0xaa, 80), big_key_msg, "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
      // RFC 4231 §4.2, §4.3, §4.7 (test cases 1, 2, 6).
      {"4231-1-sha256", 5, repeat(0x0b, 20), hi,
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"4231-1-sha384", 6, repeat(0x0b, 20), hi,
       "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
       "faea9ea9076ede7f4af152e8b2fa9cb6"},
      {"4231-1-sha512", 7, repeat(0x0b, 20), hi,
       "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
       "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
      {"4231-2-sha256", 5, jefe, want,
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {"4231-2-sha384", 6, jefe, want,
       "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
       "8e2240ca5e69e2c78b3239ecfab21649"},
      {"4231-2-sha512", 7, jefe, want,
       "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
       "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
      {"4231-6-sha256", 5, repeat(0xaa, 131), big_key_msg,
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {"4231-6-sha384", 6, repeat(0xaa, 131), big_key_msg,
       "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
       "0c2ef6ab4030fe8296248df163f44952"},
      {"4231-6-sha512", 7, repeat(0xaa, 131), big_key_msg,
       "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
       "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"},
      // RFC 4868 §2.7.1: PRF-1 and PRF-2, keys as long as the PRF output.
      {"4868-prf1-sha256", 5, repeat(0x0b, 32), hi,
       "198a607eb44bfbc69903a0f1cf2bbdc5ba0aa3f3d9ae3c1c7a3b1696a0b68cf7"},
      {"4868-prf1-sha384", 6, repeat(0x0b, 48), hi,
       "b6a8d5636f5c6a7224f9977dcf7ee6c7fb6d0c48cbdee9737a959796489bddbc"
       "4c5df61d5b3297b4fb68dab9f1b582c2"},
      {"4868-prf1-sha512", 7, repeat(0x0b, 64), hi,
       "637edc6e01dce7e6742a99451aae82df23da3e92439e590e43e761b33e910fb8"
       "ac2878ebd5803f6f0b61dbce5e251ff8789a4722c1be65aea45fd464e89f8f5b"},
      {"4868-prf2-sha256", 5, ascii("JefeJefeJefeJefeJefeJefeJefeJefe"), want,
       "167f928588c5cc2eef8e3093caa0e87c9ff566a14794aa61648d81621a2a40c6"},
      {"4868-prf2-sha384", 6, ascii("JefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefe"), want,
       "2c7353974f1842fd66d53c452ca42122b28c0b594cfb184da86a368e9b8e16f5"
       "349524ca4e82400cbde0686d403371c9"},
      {"4868-prf2-sha512", 7,
       ascii("JefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefe"), want,
       "cb370917ae8a7ce28cfd1d8f4705d6141c173b2a9362c15df235dfb251b15454"
       "6aa334ae9fb9afc2184932d8695e397bfa0ffb93466cfcceaae38c833b7dba38"},
  };
}

TEST(Prf, KnownAnswers) {
  for (const auto& v : knownAnswers()) {
    SCOPED_TRACE(v.name);
    auto prf = makePrf(v.id);
    ASSERT_TRUE(prf);
    SecureBytes out = prf->compute(v.key, v.data);
    EXPECT_EQ(hexOf(view(out)), v.expected);
  }
}

TEST(Prf, OutputSizes) {
  const std::pair<uint16_t, size_t> sizes[] = {{1, 16}, {2, 20}, {5, 32}, {6, 48}, {7, 64}};
  for (auto [id, size] : sizes) {
    auto prf = makePrf(id);
    ASSERT_TRUE(prf);
    EXPECT_EQ(prf->outputSize(), size) << id;
    EXPECT_EQ(prf->compute(ascii("k"), ascii("d")).size(), size) << id;
  }
}

TEST(Prf, UnsupportedIdsAreRefused) {
  // 0 reserved, 3 TIGER, 4 AES128-XCBC, 8 AES128-CMAC: none offered.
  for (uint16_t id : {0, 3, 4, 8, 9, 1000}) {
    EXPECT_FALSE(createPrf(id).ok()) << id;
  }
}

TEST(Prf, EmptyKeyAndData) {
  // HMAC-SHA-256 with an empty key over an empty message (a widely published value; also
  // `python3 -c "import hmac; print(hmac.new(b'', b'', 'sha256').hexdigest())"`).
  auto prf = makePrf(5);
  ASSERT_TRUE(prf);
  EXPECT_EQ(hexOf(view(prf->compute({}, {}))),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(Prf, ObjectIsReusableAcrossKeys) {
  // The cached MAC template must not keep the previous key.
  auto prf = makePrf(2);
  ASSERT_TRUE(prf);
  SecureBytes a1 = prf->compute(ascii("key-a"), ascii("msg"));
  SecureBytes b = prf->compute(ascii("key-b"), ascii("msg"));
  SecureBytes a2 = prf->compute(ascii("key-a"), ascii("msg"));
  EXPECT_EQ(a1, a2);
  EXPECT_NE(a1, b);
}

TEST(PrfPlus, FollowsRfc7296Construction) {
  // T1 = prf(K, S | 0x01), T2 = prf(K, T1 | S | 0x02), T3 = prf(K, T2 | S | 0x03).
  auto prf = makePrf(5);
  ASSERT_TRUE(prf);
  const Bytes key = ascii("prf+ key");
  const Bytes seed = ascii("seed bytes");
  SecureBytes t1 = prf->compute(key, concat(seed, Bytes{1}));
  SecureBytes t2 = prf->compute(key, concat(view(t1), seed, Bytes{2}));
  SecureBytes t3 = prf->compute(key, concat(view(t2), seed, Bytes{3}));
  SecureBytes expected = concat<SecureBytes>(view(t1), view(t2), view(t3));
  expected.resize(80);

  auto out = prfPlus(*prf, key, seed, 80);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(*out, expected);

  // Shorter requests are prefixes of longer ones.
  auto short_out = prfPlus(*prf, key, seed, 7);
  ASSERT_TRUE(short_out.ok());
  EXPECT_EQ(*short_out, SecureBytes(expected.begin(), expected.begin() + 7));
}

TEST(PrfPlus, LengthLimits) {
  auto prf = makePrf(2);  // 20-byte output: at most 255 * 20 bytes
  ASSERT_TRUE(prf);
  auto empty = prfPlus(*prf, ascii("k"), ascii("s"), 0);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  auto max = prfPlus(*prf, ascii("k"), ascii("s"), 255 * 20);
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(max->size(), 255u * 20);
  EXPECT_FALSE(prfPlus(*prf, ascii("k"), ascii("s"), 255 * 20 + 1).ok());
}

}  // namespace
}  // namespace vpngw::crypto
