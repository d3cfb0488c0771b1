// Key exchange: RFC 5903 §8 (ECP 19/20/21), RFC 7748 §6.1 (X25519), RFC 5114 §A.3 test data
// for group 24 (as carried in strongSwan's test_vectors/modpsub.c), pairwise agreement for every
// group, and the peer-value checks of RFC 6989 and RFC 8031.
#include <gtest/gtest.h>
#include <openssl/bn.h>

#include "crypto/algorithms.h"
#include "crypto/testing.h"
#include "test_util.h"

namespace vpngw::crypto {
namespace {

using test::hex;
using test::hexOf;

constexpr uint16_t kAllGroups[] = {1, 2, 5, 14, 15, 16, 24, 19, 20, 21, 31};
constexpr uint16_t kModpGroups[] = {1, 2, 5, 14, 15, 16, 24};

// RFC 5114 §2.3 domain parameters of group 24 (2048-bit MODP, 256-bit prime-order subgroup).
constexpr char kG24P[] =
    "87a8e61db4b6663cffbbd19c651959998ceef608660dd0f25d2ceed4435e3b00e00df8f1"
    "d61957d4faf7df4561b2aa3016c3d91134096faa3bf4296d830e9a7c209e0c6497517abd"
    "5a8a9d306bcf67ed91f9e6725b4758c022e0b1ef4275bf7b6c5bfc11d45f9088b941f54e"
    "b1e59bb8bc39a0bf12307f5c4fdb70c581b23f76b63acae1caa6b7902d52526735488a0e"
    "f13c6d9a51bfa4ab3ad8347796524d8ef6a167b5a41825d967e144e5140564251ccacb83"
    "e6b486f6b3ca3f7971506026c0b857f689962856ded4010abd0be621c3a3960a54e710c3"
    "75f26375d7014103a4b54330c198af126116d2276e11715f693877fad7ef09cadb094ae9"
    "1e1a1597";
constexpr char kG24G[] =
    "3fb32c9b73134d0b2e77506660edbd484ca7b18f21ef205407f4793a1a0ba12510dbc150"
    "77be463fff4fed4aac0bb555be3a6c1b0c6b47b1bc3773bf7e8c6f62901228f8c28cbb18"
    "a55ae31341000a650196f931c77a57f2ddf463e5e9ec144b777de62aaab8a8628ac376d2"
    "82d6ed3864e67982428ebc831d14348f6f2f9193b5045af2767164e1dfc967c1fb3f2e55"
    "a4bd1bffe83b9c80d052b985d182ea0adb2a3b7313d3fe14c8484b1e052588b9b7d2bbd2"
    "df016199ecd06e1557cd0915b3353bbb64e0ec377fd028370df92b52c7891428cdc67eb6"
    "184b523d1db246c32f63078490f00ef8d647d148d47954515e2327cfef98c582664b4c0f"
    "6cc41659";
constexpr char kG24Q[] = "8cf83642a709a097b447997640129da299b1a47d1eb3750ba308b0fe64f5fbd3";
constexpr char kG24XA[] = "0881382cdb87660c6dc13e614938d5b9c8b2f248581cc5e31b35454397fce50e";
constexpr char kG24XB[] = "7d62a7e3ef36de617b13d1afb82c780d83a23bd4ee6705645121f371f546a53d";
constexpr char kG24YA[] =
    "2e9380c8323af97545bc4941deb0ec3742c62fe0ece824a6abdbe66c59bee0242911bfb9"
    "67235ceba35ae13e4ec752be630b92dc4bde2847a9c62cb8152745421fb7eb60a63c0fe9"
    "159fcce726ce7cd8523d7450667ef840e4919121eb5f01c8c9b0d3d648a93bfb75689e82"
    "44ac134af544711ce79a02dcc34226684780dddcb498594106c37f5bc79856487af5ab02"
    "2a2e5e42f09897c1a85a11ea0212af04d9b4cebc937c3c1a3e15a8a0342e337615c84e7f"
    "e3b8b9b87fb1e73a15af12a30d746e06dfc34f290d797ce51aa13aa785bf6658aff5e4b0"
    "93003cbeaf665b3c2e113a3a4e905269341dc0711426685f4ef37e868a8126ff3f2279b5"
    "7ca67e29";
constexpr char kG24YB[] =
    "575f0351bd2b1b817448bdf87a6c362c1e289d3903a30b9832c5741fa250363e7acbc7f7"
    "7f3dacbc1f131add8e03367eff8fbbb3e1c5784424809b25afe4d2262a1a6fd2fab64105"
    "ca30a674e07f7809852088632fc049233791ad4edd083a978b883ee618bc5e0dd047415f"
    "2d95e683cf14826b5fbe10d3ce41c6c120c78ab20008c698bf7f0bcab9d7f407bed0f43a"
    "fb2970f57f8d12043963e66ddd320d599ad9936c8f44137c08b180ec5e985cebe186f3d5"
    "49677e80607331ee17af3380a725b0782317d7dd43f59d7af9568a9bb63a84d365f92244"
    "ed120988219302f42924c7ca90b89d24f71b0ab697823d7deb1aff5b0e8e4a45d49f7f53"
    "757e1913";
constexpr char kG24Z[] =
    "86c70bf8d0bb81bb01078a17219cb7d27203db2a19c877f1d1f19fd7d77ef22546a68f00"
    "5ad52dc84553b78fc60330be51ea7c0672cac1515e4b35c047b9a551b88f39dc26da14a0"
    "9ef74774d47c762dd177f9ed5bc2f11e52c879bd95098504cd9eecd8a8f9b3efbd1f008a"
    "c5853097d9d1837f2b18f77cd7be01af80a7c7b5ea3ca54cc02d0c116fee3f95bb873993"
    "85875d7e86747e676e728938acbff7098e05be4dcfb24052b83aeffb14783f029adbde7f"
    "53fae92084224090e007cee94d4bf2bace9ffd4b57d2af7c724d0caa19bf0501f6f17b4a"
    "a10f425e3ea76080b4b9d6b3cefea115b2ceb8789bb8a3b0ea87febe63b6c8f846ec6db0"
    "c26c5d7c";

// The MODP prime of a group, independently of the code under test: OpenSSL's copies of the
// RFC 2409 / RFC 3526 constants, and the RFC 5114 text above for group 24.
Bytes primeOf(uint16_t group) {
  BIGNUM* (*get)(BIGNUM*) = nullptr;
  switch (group) {
    case 1:
      get = BN_get_rfc2409_prime_768;
      break;
    case 2:
      get = BN_get_rfc2409_prime_1024;
      break;
    case 5:
      get = BN_get_rfc3526_prime_1536;
      break;
    case 14:
      get = BN_get_rfc3526_prime_2048;
      break;
    case 15:
      get = BN_get_rfc3526_prime_3072;
      break;
    case 16:
      get = BN_get_rfc3526_prime_4096;
      break;
    case 24:
      return hex(kG24P);
    default:
      ADD_FAILURE() << "no prime for group " << group;
      return {};
  }
  BIGNUM* p = get(nullptr);
  Bytes out(static_cast<size_t>(BN_num_bytes(p)));
  BN_bn2bin(p, out.data());
  BN_free(p);
  return out;
}

// Big-endian add of a small signed delta to a fixed-width number (no over/underflow in use).
Bytes addSmall(Bytes n, int delta) {
  int carry = delta;
  for (size_t i = n.size(); i-- > 0 && carry != 0;) {
    int v = n[i] + carry;
    carry = 0;
    while (v < 0) {
      v += 256;
      --carry;
    }
    carry += v / 256;
    n[i] = static_cast<uint8_t>(v % 256);
  }
  return n;
}

Bytes smallValue(size_t size, uint8_t v) {
  Bytes out(size, 0);
  out.back() = v;
  return out;
}

KeyExchangePtr make(uint16_t group) {
  auto ke = createKeyExchange(group);
  if (!ke) {
    ADD_FAILURE() << "group " << group << ": " << ke.error().message;
    return nullptr;
  }
  return std::move(ke.value());
}

KeyExchangePtr makeFixed(uint16_t group, const Bytes& private_key) {
  auto ke = createKeyExchangeForTest(group, private_key);
  if (!ke) {
    ADD_FAILURE() << "group " << group << ": " << ke.error().message;
    return nullptr;
  }
  return std::move(ke.value());
}

size_t secretSize(uint16_t group) {
  switch (group) {
    case 19:
      return 32;
    case 20:
      return 48;
    case 21:
      return 66;
    case 31:
      return 32;
    default:
      return publicValueSize(group);  // MODP: the prime length
  }
}

TEST(KeyExchange, SupportedGroupsAndSizes) {
  const std::pair<uint16_t, size_t> sizes[] = {{1, 96},   {2, 128},  {5, 192},  {14, 256},
                                               {15, 384}, {16, 512}, {24, 256}, {19, 64},
                                               {20, 96},  {21, 132}, {31, 32}};
  for (auto [group, size] : sizes) {
    EXPECT_TRUE(isSupportedGroup(group)) << group;
    EXPECT_EQ(publicValueSize(group), size) << group;
  }
  // 0 NONE, 17/18 MODP 6144/8192, 22/23 RFC 5114 1024/2048-224, 25/26 ECP 192/224, 27-30
  // Brainpool, 32 curve448: not offered.
  for (uint16_t group : {0, 3, 4, 17, 18, 22, 23, 25, 26, 27, 30, 32, 1000}) {
    EXPECT_FALSE(isSupportedGroup(group)) << group;
    EXPECT_EQ(publicValueSize(group), 0u) << group;
    EXPECT_FALSE(createKeyExchange(group).ok()) << group;
  }
}

class EveryGroup : public ::testing::TestWithParam<uint16_t> {};

TEST_P(EveryGroup, BothSidesAgree) {
  const uint16_t group = GetParam();
  auto a = make(group);
  auto b = make(group);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->group(), group);
  const Bytes pa = a->publicValue();
  const Bytes pb = b->publicValue();
  EXPECT_EQ(pa.size(), publicValueSize(group));
  EXPECT_EQ(pb.size(), publicValueSize(group));
  EXPECT_NE(pa, pb);                // fresh keys each time
  EXPECT_EQ(a->publicValue(), pa);  // and stable per object

  auto sa = a->sharedSecret(pb);
  auto sb = b->sharedSecret(pa);
  ASSERT_TRUE(sa.ok()) << sa.error().message;
  ASSERT_TRUE(sb.ok()) << sb.error().message;
  EXPECT_EQ(*sa, *sb);
  EXPECT_EQ(sa->size(), secretSize(group));
  // The same peer value may be used again (retransmitted IKE_SA_INIT).
  auto again = a->sharedSecret(pb);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *sa);
}

TEST_P(EveryGroup, WrongLengthIsRefused) {
  const uint16_t group = GetParam();
  auto a = make(group);
  auto b = make(group);
  ASSERT_TRUE(a && b);
  const Bytes pb = b->publicValue();
  EXPECT_FALSE(a->sharedSecret({}).ok());
  EXPECT_FALSE(a->sharedSecret(ByteView(pb).first(pb.size() - 1)).ok());
  EXPECT_FALSE(a->sharedSecret(concat(pb, Bytes{0})).ok());
  EXPECT_FALSE(a->sharedSecret(concat(Bytes{0}, pb)).ok());
}

INSTANTIATE_TEST_SUITE_P(Groups, EveryGroup, ::testing::ValuesIn(kAllGroups),
                         [](const auto& param_info) {
                           return "group" + std::to_string(param_info.param);
                         });

// ---- MODP ---------------------------------------------------------------------------------

class ModpGroup : public ::testing::TestWithParam<uint16_t> {};

TEST_P(ModpGroup, RangeCheckRfc6989) {
  const uint16_t group = GetParam();
  auto ke = make(group);
  ASSERT_TRUE(ke);
  const Bytes p = primeOf(group);
  ASSERT_EQ(p.size(), publicValueSize(group));
  const size_t n = p.size();
  auto zero = ke->sharedSecret(Bytes(n, 0));
  ASSERT_FALSE(zero.ok()) << "y = 0";
  EXPECT_NE(zero.error().message.find("out of range"), std::string::npos);
  EXPECT_FALSE(ke->sharedSecret(smallValue(n, 1)).ok()) << "y = 1";
  EXPECT_FALSE(ke->sharedSecret(addSmall(p, -1)).ok()) << "y = p-1";
  EXPECT_FALSE(ke->sharedSecret(p).ok()) << "y = p";
  EXPECT_FALSE(ke->sharedSecret(addSmall(p, 1)).ok()) << "y = p+1";
  EXPECT_FALSE(ke->sharedSecret(Bytes(n, 0xff)).ok()) << "y = 2^n-1 > p";
  // The values just inside the range are not refused by the range check itself.
  if (group != 24) {
    EXPECT_TRUE(ke->sharedSecret(addSmall(p, -2)).ok()) << "y = p-2";
  }
}

TEST_P(ModpGroup, PeerGeneratorYieldsOurPublicValue) {
  // g^x for the peer value g is our own public value: checks padding and the derivation.
  const uint16_t group = GetParam();
  auto ke = make(group);
  ASSERT_TRUE(ke);
  const Bytes g = group == 24 ? hex(kG24G) : smallValue(publicValueSize(group), 2);
  auto secret = ke->sharedSecret(g);
  ASSERT_TRUE(secret.ok()) << secret.error().message;
  EXPECT_EQ(toBytes(view(*secret)), ke->publicValue());
}

INSTANTIATE_TEST_SUITE_P(Modp, ModpGroup, ::testing::ValuesIn(kModpGroups),
                         [](const auto& param_info) {
                           return "group" + std::to_string(param_info.param);
                         });

TEST(Modp, PublicValueAndSecretAreLeftPadded) {
  // With x = 2 the public value is g^2 = 4: 95 zero bytes then 0x04 for the 768-bit group.
  auto ke = makeFixed(1, Bytes{2});
  ASSERT_TRUE(ke);
  EXPECT_EQ(ke->publicValue(), smallValue(96, 4));
  // A peer value of 3 gives 3^2 = 9, which must come out padded to the prime length.
  auto secret = ke->sharedSecret(smallValue(96, 3));
  ASSERT_TRUE(secret.ok()) << secret.error().message;
  EXPECT_EQ(toBytes(view(*secret)), smallValue(96, 9));
}

TEST(Modp, Group24Rfc5114TestData) {
  auto initiator = makeFixed(24, hex(kG24XA));
  auto responder = makeFixed(24, hex(kG24XB));
  ASSERT_TRUE(initiator && responder);
  EXPECT_EQ(hexOf(initiator->publicValue()), kG24YA);
  EXPECT_EQ(hexOf(responder->publicValue()), kG24YB);
  auto zi = initiator->sharedSecret(hex(kG24YB));
  auto zr = responder->sharedSecret(hex(kG24YA));
  ASSERT_TRUE(zi.ok()) << zi.error().message;
  ASSERT_TRUE(zr.ok()) << zr.error().message;
  EXPECT_EQ(hexOf(view(*zi)), kG24Z);
  EXPECT_EQ(hexOf(view(*zr)), kG24Z);
}

TEST(Modp, Group24RefusesValuesOutsideTheSubgroup) {
  auto ke = make(24);
  ASSERT_TRUE(ke);
  const Bytes p = hex(kG24P);
  // 2 and p-g are in range but have order != q (2^q != 1, (-g)^q = -1 mod p): RFC 6989 §2.2.
  auto two = ke->sharedSecret(smallValue(256, 2));
  ASSERT_FALSE(two.ok());
  // Refused by our own RFC 6989 check, not only somewhere inside OpenSSL.
  EXPECT_NE(two.error().message.find("subgroup"), std::string::npos) << two.error().message;
  BIGNUM* bp = BN_bin2bn(p.data(), static_cast<int>(p.size()), nullptr);
  Bytes gb = hex(kG24G);
  BIGNUM* bg = BN_bin2bn(gb.data(), static_cast<int>(gb.size()), nullptr);
  ASSERT_TRUE(bp && bg);
  BN_sub(bp, bp, bg);  // p - g
  Bytes minus_g(256);
  BN_bn2binpad(bp, minus_g.data(), 256);
  BN_free(bp);
  BN_free(bg);
  EXPECT_FALSE(ke->sharedSecret(minus_g).ok());
  // g with its last byte altered is (overwhelmingly likely) outside the subgroup too.
  Bytes altered = hex(kG24G);
  altered.back() ^= 0x01;
  EXPECT_FALSE(ke->sharedSecret(altered).ok());
  // A genuine subgroup element is accepted.
  EXPECT_TRUE(ke->sharedSecret(hex(kG24YA)).ok());
}

TEST(Modp, Group24TestConstantsAreConsistent) {
  // Guards the hand-copied RFC 5114 constants used above: g has order q modulo p.
  Bytes pb = hex(kG24P), gb = hex(kG24G), qb = hex(kG24Q);
  BIGNUM* p = BN_bin2bn(pb.data(), static_cast<int>(pb.size()), nullptr);
  BIGNUM* g = BN_bin2bn(gb.data(), static_cast<int>(gb.size()), nullptr);
  BIGNUM* q = BN_bin2bn(qb.data(), static_cast<int>(qb.size()), nullptr);
  BIGNUM* r = BN_new();
  BN_CTX* ctx = BN_CTX_new();
  ASSERT_TRUE(p && g && q && r && ctx);
  ASSERT_EQ(BN_mod_exp(r, g, q, p, ctx), 1);
  EXPECT_TRUE(BN_is_one(r));
  EXPECT_EQ(BN_num_bits(q), 256);
  BN_CTX_free(ctx);
  BN_free(r);
  BN_free(q);
  BN_free(g);
  BN_free(p);
}

TEST(Modp, SafePrimeGroupAcceptsTwo) {
  // Contrast with group 24: in the RFC 3526 groups 2 is the generator, a valid peer value.
  auto ke = make(14);
  ASSERT_TRUE(ke);
  EXPECT_TRUE(ke->sharedSecret(smallValue(256, 2)).ok());
}

TEST(Modp, TestFactoryRefusesBadExponents) {
  EXPECT_FALSE(createKeyExchangeForTest(14, {}).ok());
  EXPECT_FALSE(createKeyExchangeForTest(14, Bytes{0}).ok());
  EXPECT_FALSE(createKeyExchangeForTest(14, Bytes{1}).ok());
  EXPECT_FALSE(createKeyExchangeForTest(14, primeOf(14)).ok());
  EXPECT_FALSE(createKeyExchangeForTest(99, Bytes{5}).ok());
}

// ---- ECP ----------------------------------------------------------------------------------

struct EcpVector {
  uint16_t group;
  const char* i;     // initiator private scalar
  const char* gi;    // x | y
  const char* r;     // responder private scalar
  const char* gr;    // x | y
  const char* girx;  // shared secret: x coordinate only (RFC 5903 §9)
};

// RFC 5903 §8.1, §8.2, §8.3.
const EcpVector kEcpVectors[] = {
    {19, "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433",
     "dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c37725811805271a046"
     "1cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3",
     "c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53",
     "d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf6356fbf3ca"
     "366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab",
     "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de"},
    {20,
     "099f3c7034d4a2c699884d73a375a67f7624ef7c6b3c0f160647b67414dce655e35b5380"
     "41e649ee3faef896783ab194",
     "667842d7d180ac2cde6f74f37551f55755c7645c20ef73e31634fe72b4c55ee6de3ac808"
     "acb4bdb4c88732aee95f41aa9482ed1fc0eeb9cafc4984625ccfc23f65032149e0e144ad"
     "a024181535a0f38eeb9fcff3c2c947dae69b4c634573a81c",
     "41cb0779b4bdb85d47846725fbec3c9430fab46cc8dc5060855cc9bda0aa2942e0308312"
     "916b8ed2960e4bd55a7448fc",
     "e558dbef53eecde3d3fccfc1aea08a89a987475d12fd950d83cfa41732bc509d0d1ac43a"
     "0336def96fda41d0774a3571dcfbec7aacf3196472169e838430367f66eebe3c6e70c416"
     "dd5f0c68759dd1fff83fa40142209dff5eaad96db9e6386c",
     "11187331c279962d93d604243fd592cb9d0a926f422e47187521287e7156c5c4d6031355"
     "69b9e9d09cf5d4a270f59746"},
    {21,
     "0037ade9319a89f4dabdb3ef411aaccca5123c61acab57b5393dce47608172a095aa85a3"
     "0fe1c2952c6771d937ba9777f5957b2639bab072462f68c27a57382d4a52",
     "0015417e84dbf28c0ad3c278713349dc7df153c897a1891bd98bab4357c9ecbee1e3bf42"
     "e00b8e380aeae57c2d107564941885942af5a7f4601723c4195d176ced3e017cae20b664"
     "1d2eeb695786d8c946146239d099e18e1d5a514c739d7cb4a10ad8a788015ac405d7799d"
     "c75e7b7d5b6cf2261a6a7f1507438bf01beb6ca3926f9582",
     "0145ba99a847af43793fdd0e872e7cdfa16be30fdc780f97bccc3f078380201e9c677d60"
     "0b343757a3bdbf2a3163e4c2f869cca7458aa4a4effc311f5cb151685eb9",
     "00d0b3975ac4b799f5bea16d5e13e9af971d5e9b984c9f39728b5e5739735a219b97c356"
     "436adc6e95bb0352f6be64a6c2912d4ef2d0433ced2b6171640012d9460f015c68226383"
     "956e3bd066e797b623c27ce0eac2f551a10c2c724d9852077b87220b6536c5c408a1d2ae"
     "bb8e86d678ae49cb57091f4732296579ab44fcd17f0fc56a",
     "01144c7d79ae6956bc8edb8e7c787c4521cb086fa64407f97894e5e6b2d79b04d1427e73"
     "ca4baa240a34786859810c06b3c715a3a8cc3151f2bee417996d19f3ddea"},
};

TEST(Ecp, Rfc5903Vectors) {
  for (const auto& v : kEcpVectors) {
    SCOPED_TRACE(v.group);
    auto initiator = makeFixed(v.group, hex(v.i));
    auto responder = makeFixed(v.group, hex(v.r));
    ASSERT_TRUE(initiator && responder);
    EXPECT_EQ(hexOf(initiator->publicValue()), v.gi);
    EXPECT_EQ(hexOf(responder->publicValue()), v.gr);
    auto si = initiator->sharedSecret(hex(v.gr));
    auto sr = responder->sharedSecret(hex(v.gi));
    ASSERT_TRUE(si.ok()) << si.error().message;
    ASSERT_TRUE(sr.ok()) << sr.error().message;
    EXPECT_EQ(hexOf(view(*si)), v.girx);
    EXPECT_EQ(hexOf(view(*sr)), v.girx);
  }
}

TEST(Ecp, PointsOffTheCurveAreRefused) {
  for (const auto& v : kEcpVectors) {
    SCOPED_TRACE(v.group);
    auto ke = make(v.group);
    ASSERT_TRUE(ke);
    const Bytes good = hex(v.gr);
    const size_t n = good.size();
    Bytes bad_y = good;
    bad_y.back() ^= 0x01;
    EXPECT_FALSE(ke->sharedSecret(bad_y).ok()) << "y altered";
    Bytes bad_x = good;
    bad_x[n / 2 - 1] ^= 0x01;
    EXPECT_FALSE(ke->sharedSecret(bad_x).ok()) << "x altered";
    EXPECT_FALSE(ke->sharedSecret(Bytes(n, 0)).ok()) << "(0, 0)";
    EXPECT_FALSE(ke->sharedSecret(Bytes(n, 0xff)).ok()) << "coordinates >= p";
    // SEC 1 encodings with the format octet are not the RFC 5903 encoding.
    EXPECT_FALSE(ke->sharedSecret(concat(Bytes{0x04}, good)).ok());
    EXPECT_FALSE(ke->sharedSecret(ByteView(concat(Bytes{0x02}, good)).first(n / 2 + 1)).ok());
    // The untouched value still works with the same object.
    EXPECT_TRUE(ke->sharedSecret(good).ok());
  }
}

TEST(Ecp, PointOfAnotherCurveIsRefused) {
  // The P-256 test point, zero-extended to the P-384 coordinate size, is not on P-384.
  auto ke = make(20);
  ASSERT_TRUE(ke);
  const Bytes p256 = hex(kEcpVectors[0].gi);
  Bytes as384 =
      concat(Bytes(16, 0), ByteView(p256).first(32), Bytes(16, 0), ByteView(p256).subspan(32));
  ASSERT_EQ(as384.size(), 96u);
  EXPECT_FALSE(ke->sharedSecret(as384).ok());
}

TEST(Ecp, TestFactoryRefusesBadScalars) {
  EXPECT_FALSE(createKeyExchangeForTest(19, Bytes(32, 0)).ok());     // zero
  EXPECT_FALSE(createKeyExchangeForTest(19, Bytes(32, 0xff)).ok());  // >= n
  EXPECT_FALSE(createKeyExchangeForTest(19, Bytes(31, 1)).ok());     // wrong size
}

// ---- curve25519 ---------------------------------------------------------------------------

TEST(X25519, Rfc7748Section6_1) {
  auto alice =
      makeFixed(31, hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
  auto bob = makeFixed(31, hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
  ASSERT_TRUE(alice && bob);
  EXPECT_EQ(hexOf(alice->publicValue()),
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  EXPECT_EQ(hexOf(bob->publicValue()),
            "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  auto sa = alice->sharedSecret(bob->publicValue());
  auto sb = bob->sharedSecret(alice->publicValue());
  ASSERT_TRUE(sa.ok() && sb.ok());
  EXPECT_EQ(hexOf(view(*sa)), "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  EXPECT_EQ(hexOf(view(*sb)), hexOf(view(*sa)));
}

TEST(X25519, LowOrderPointsAreRefusedRfc8031) {
  // u-coordinates of small-order points (and their non-canonical aliases >= p); each makes the
  // X25519 output all zero, which RFC 8031 §2.1 requires us to refuse.
  const char* low_order[] = {
      "0000000000000000000000000000000000000000000000000000000000000000",  // 0
      "0100000000000000000000000000000000000000000000000000000000000000",  // 1
      "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",  // order 8
      "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",  // order 8
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p - 1
      "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p
      "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p + 1
  };
  auto ke = make(31);
  ASSERT_TRUE(ke);
  for (const char* u : low_order) {
    EXPECT_FALSE(ke->sharedSecret(hex(u)).ok()) << u;
  }
  EXPECT_FALSE(createKeyExchangeForTest(31, Bytes(31, 1)).ok());
}

}  // namespace
}  // namespace vpngw::crypto
