// IKEv2 KDF known answers (NIST SP 800-135 IKEv2 KDF component):
//  - HMAC-SHA-1: ACVP tcId 100 from libreswan programs/cavp/test.acvp.ikev2.{run,json};
//  - HMAC-SHA-256: OpenSSL test/recipes/30-test_evp_data/evpkdf_ikev2.txt (self-test data).
// Both were reproduced independently with Python's hmac module (prf+ written out by hand).
#include "crypto/ikev2_keys.h"

#include <gtest/gtest.h>

#include "crypto/algorithms.h"
#include "test_util.h"

namespace vpngw::crypto {
namespace {

using test::hex;
using test::hexOf;

using test::makePrf;

struct KdfVector {
  uint16_t prf;
  const char* ni;
  const char* nr;
  const char* gir;
  const char* gir_new;
  uint64_t spi_i;
  uint64_t spi_r;
  const char* skeyseed;
  const char* dkm;             // prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)
  const char* dkm_child;       // prf+(SK_d, Ni | Nr), SK_d = first prf-size bytes of dkm
  const char* dkm_child_dh;    // prf+(SK_d, g^ir(new) | Ni | Nr)
  const char* skeyseed_rekey;  // prf(SK_d, g^ir(new) | Ni | Nr)
};

const KdfVector kSha1 = {
    2,
    "32b50d5f4a3763f3",
    "9206a04b26564cb1",
    "4b2c1f971981a8ad8d0abeafabf38cf75fc8349c148142465ed9c8b516b8be52",
    "863f3c9d06efd39d2b907b97f8699e5dd5251ef64a2a176f36ee40c87d4f9330",
    0x34c9e7c188868785,
    0x3ff77d760d2b2199,
    "a9a7b222b59f8f48645f28a1db5b5f5d7479cba7",
    "a14293677cc80ff8f9cc0eee30d895da9d8f405666e30ef0dfcb63c634a46002a2a63080e514a062768b7660"
    "6f9fa5e992204fc5a670bde3f10d6b027113936a5c55b648a194ae587b0088d52204b702c979fa280870d2ed"
    "41efa9c549fd11198af1670b143d384bd275c5f594cf266b05ebadca855e4249520a441a81157435a7a56cc4",
    "8059e3ee8810e6c3a91bc8bcd2a7a41151b8d0e6ae239c7b38093ad85ef4c5811a8e7b5d1cdabd9560b2d5e0"
    "92d1f24e2d4b85eccdf0ad0dc9abd94b51ee71814ca6dbc8bb51b6309f5b9545c7eb35cf5580b1e521a8fe20"
    "754a2d883ba0c2cf285f524aea6545b33106bc03e614296d319d41d4b50b3f510b1c0a22f3e664994d234cb4",
    "bb43244c1860ad65ee1e211ffe8bb3661750c8f89cb9f547df7f4fa61d37301628190e38c66232eab4b3ab14"
    "c400a5197dd3730ed4820a8a10394d51e1c0400052f63ebd36b0e7ef53aaed31eba4a5080d7d4b5666023a8b"
    "bb5ffb7857240f9a05884d1b7d2f933708450b7b3288f1fc863ab49fa901227cffc06e27899c7054d56fd74c",
    "63e81194946ebd05df7df5ebf5d8750056bf1f1d",
};

const KdfVector kSha256 = {
    5,
    "3651fef5c9c35e93",
    "c09a8b90a3f04d59",
    "d084a30166a50fb7325c3960874a839449ef9741c2f4f947d0201dd8c1269273d79509f37e3ca3eb4fa2fe2a"
    "28254e289cd3f34dad4eb4df1a07685a4b8a94fa61e2491f7598b3ce65547ff133b3f63d1ac4175eaa695033"
    "f3cedb026a6873a36455172a8540b8a5d23a0143bed0390ee49b168269d75fffee9fb62be965993c",
    "52f00ab174c25d5b7139ae5ff4e8e9eddee5992d2e36adf8a559ffd90dab1442e4fbe429d320c0f33552a17d"
    "1557fa41ea70e8fb916c4fa27ed52b5f8ebd8461afa78f1159159a64055ac5f6319e29c28eae58cbc6847770"
    "f32c3fed1d04750484f854790f95e9ec01bc5bc461f24966462e359511329305038e94deb6dd42c2",
    0x8e5c3ae507221684,
    0xb1f201bb155c3acd,
    "efaa7ab0eaa85a3d0be2100cd4b6fe00ff5025a9eafddb3ef518e9f0d3fe60e6",
    "462b9dd525d4fd71169174272779e704baf62c6231779ae9efe8c58b21916b42010164af2111ebd762f6916c"
    "a9a6f0ee05c8b320e4ee27705521de2589adea1878f1a551738af7c88dc4f0bb0c096a3f7d1f1a670fc79f49"
    "f678d60d665bb3710c8657f03ba9f62b9a818d7a228968c506e237ae9502aa6db395c61ea6a3e79504f86b73"
    "68bfb5423df79e48809bbccd49fd826d024f63d7c2a5566400a12e736aa034510428f5ea008fe2fc16886fa3"
    "88274ea6c2b4fcfc6141bf04f8207ef8afc224ea1059cb220dc0b23ac0e4ccda495a4e131b1d56e223aba5a4"
    "8e8ed1f5",
    "23647677e7d403fa1e3006f19840aee18ad9fecc4215814c4131bdeba98433d8b0e31bfbbddf822abcce5e06"
    "486aa388022b75e27e1e68aa5983028b65282c730c5d49ef7606770376cfdec41f7cc435d816029989bc353d"
    "3b67b9fd1168ddcb8978850da9b752aee6a30d0086d2c4d74ec0e03648a0dad334faf5fe88084e67b0f3e8fe"
    "e8b5e1bd3850db540f1fb8cffe23c9e92cda209373f354880c246c753e2a0eca9cb73b9910a8531c4010e676"
    "8fa29f909e60af777fed6e739c3cfda03467e915d6f03fce9c41f5f9d578f8912d66a75457e79ee1d5bcc2be"
    "5c2f9bae",
    "6a919387a5fa2835fe8a8237e4a14845bd2b9930db87eff7adf268f62186004902dba9aa942d0259a0edc412"
    "0b932a503865b57ba8fb88117ef5df7b26799cd8ba37aa5438108cb1a4fe117907c9d0597b708c3f11151fef"
    "d624d2317202b7c81430600e6fcbb6e1a8df2b4861ef2363d53de1be69057b0cf6634a7e7bfa97b3c2810623"
    "e2bd6757738777177036e9c3a39794456954bd41fc444a12507ab9cac69a0540d13c29db8510f566a691691b"
    "aa2d9569dacc990d56a454bb444bcbbe8751b0550a5278812fc5ab4f28990dd6d608538d7ddde24dc81bdaac"
    "a7751fde",
    "90722c42bd849e9b72d240fc254174270fa8295de6f0338dafc303a9ec104f12",
};

class Kdf : public ::testing::TestWithParam<const KdfVector*> {};

TEST_P(Kdf, Skeyseed) {
  const KdfVector& v = *GetParam();
  auto prf = makePrf(v.prf);
  ASSERT_TRUE(prf);
  EXPECT_EQ(hexOf(view(skeyseed(*prf, hex(v.ni), hex(v.nr), hex(v.gir)))), v.skeyseed);
}

TEST_P(Kdf, DeriveIkeKeysSplitsDkmInRfcOrder) {
  const KdfVector& v = *GetParam();
  auto prf = makePrf(v.prf);
  ASSERT_TRUE(prf);
  const Bytes dkm = hex(v.dkm);
  // Choose integ/encr sizes that use exactly the published DKM: 3 * prf + 2 * integ + 2 * encr.
  IkeKeySizes sizes;
  sizes.prf = prf->outputSize();
  sizes.integ = prf->outputSize();
  sizes.encr = (dkm.size() - 5 * sizes.prf) / 2;
  ASSERT_EQ(3 * sizes.prf + 2 * sizes.integ + 2 * sizes.encr, dkm.size());

  auto keys = deriveIkeKeys(*prf, hex(v.skeyseed), hex(v.ni), hex(v.nr), v.spi_i, v.spi_r, sizes);
  ASSERT_TRUE(keys.ok()) << keys.error().message;
  size_t offset = 0;
  auto next = [&](size_t n) {
    Bytes part(dkm.begin() + static_cast<std::ptrdiff_t>(offset),
               dkm.begin() + static_cast<std::ptrdiff_t>(offset + n));
    offset += n;
    return part;
  };
  EXPECT_EQ(toBytes(view(keys->sk_d)), next(sizes.prf));
  EXPECT_EQ(toBytes(view(keys->sk_ai)), next(sizes.integ));
  EXPECT_EQ(toBytes(view(keys->sk_ar)), next(sizes.integ));
  EXPECT_EQ(toBytes(view(keys->sk_ei)), next(sizes.encr));
  EXPECT_EQ(toBytes(view(keys->sk_er)), next(sizes.encr));
  EXPECT_EQ(toBytes(view(keys->sk_pi)), next(sizes.prf));
  EXPECT_EQ(toBytes(view(keys->sk_pr)), next(sizes.prf));
}

TEST_P(Kdf, PrfPlusProducesWholeDkm) {
  const KdfVector& v = *GetParam();
  auto prf = makePrf(v.prf);
  ASSERT_TRUE(prf);
  // Seed = Ni | Nr | SPIi | SPIr, the SPIs as 8 big-endian bytes each.
  Bytes spis(16);
  for (size_t i = 0; i < 8; ++i) {
    spis[i] = static_cast<uint8_t>(v.spi_i >> (56 - 8 * i));
    spis[8 + i] = static_cast<uint8_t>(v.spi_r >> (56 - 8 * i));
  }
  const size_t length = hex(v.dkm).size();
  auto out = prfPlus(*prf, hex(v.skeyseed), concat(hex(v.ni), hex(v.nr), spis), length);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(hexOf(view(*out)), v.dkm);
}

Bytes skD(const KdfVector& v, size_t prf_size) {
  const Bytes dkm = hex(v.dkm);
  return Bytes(dkm.begin(), dkm.begin() + static_cast<std::ptrdiff_t>(prf_size));
}

TEST_P(Kdf, ChildKeymatWithoutPfs) {
  const KdfVector& v = *GetParam();
  auto prf = makePrf(v.prf);
  ASSERT_TRUE(prf);
  const size_t length = hex(v.dkm_child).size();
  auto keymat = childKeymat(*prf, skD(v, prf->outputSize()), {}, hex(v.ni), hex(v.nr), length);
  ASSERT_TRUE(keymat.ok()) << keymat.error().message;
  EXPECT_EQ(hexOf(view(*keymat)), v.dkm_child);
}

TEST_P(Kdf, ChildKeymatWithPfs) {
  const KdfVector& v = *GetParam();
  auto prf = makePrf(v.prf);
  ASSERT_TRUE(prf);
  const size_t length = hex(v.dkm_child_dh).size();
  auto keymat =
      childKeymat(*prf, skD(v, prf->outputSize()), hex(v.gir_new), hex(v.ni), hex(v.nr), length);
  ASSERT_TRUE(keymat.ok()) << keymat.error().message;
  EXPECT_EQ(hexOf(view(*keymat)), v.dkm_child_dh);
}

TEST_P(Kdf, RekeyedSkeyseed) {
  const KdfVector& v = *GetParam();
  auto prf = makePrf(v.prf);
  ASSERT_TRUE(prf);
  SecureBytes seed =
      rekeyedSkeyseed(*prf, skD(v, prf->outputSize()), hex(v.gir_new), hex(v.ni), hex(v.nr));
  EXPECT_EQ(hexOf(view(seed)), v.skeyseed_rekey);
}

INSTANTIATE_TEST_SUITE_P(Vectors, Kdf, ::testing::Values(&kSha1, &kSha256),
                         [](const auto& param_info) {
                           return param_info.param->prf == 2 ? std::string("HmacSha1")
                                                             : std::string("HmacSha256");
                         });

TEST(IkeKeys, AeadSizesLeaveIntegrityKeysEmpty) {
  // AES-GCM-256 with HMAC-SHA-256 PRF: SK_ai/SK_ar empty, SK_ei/SK_er 32 + 4 salt bytes.
  auto prf = makePrf(5);
  ASSERT_TRUE(prf);
  const Bytes ni(32, 1), nr(32, 2), gir(256, 3);
  SecureBytes seed = skeyseed(*prf, ni, nr, gir);
  ASSERT_EQ(seed.size(), 32u);
  IkeKeySizes sizes{32, 0, 36};
  auto keys =
      deriveIkeKeys(*prf, view(seed), ni, nr, 0x0102030405060708, 0x1112131415161718, sizes);
  ASSERT_TRUE(keys.ok());
  EXPECT_TRUE(keys->sk_ai.empty());
  EXPECT_TRUE(keys->sk_ar.empty());
  EXPECT_EQ(keys->sk_ei.size(), 36u);
  EXPECT_EQ(keys->sk_er.size(), 36u);
  EXPECT_EQ(keys->sk_d.size(), 32u);
  EXPECT_EQ(keys->sk_pi.size(), 32u);
  EXPECT_EQ(keys->sk_pr.size(), 32u);
  // Same layout as one prf+ stream: SK_ei follows SK_d directly when there is no SK_a.
  Bytes spis = hex("01020304050607081112131415161718");
  auto stream = prfPlus(*prf, view(seed), concat(ni, nr, spis), 3 * 32 + 2 * 36);
  ASSERT_TRUE(stream.ok());
  EXPECT_EQ(keys->sk_ei, SecureBytes(stream->begin() + 32, stream->begin() + 68));
  EXPECT_EQ(keys->sk_pr, SecureBytes(stream->end() - 32, stream->end()));
  // Swapping the SPIs changes everything (they are part of the seed, in order).
  auto swapped =
      deriveIkeKeys(*prf, view(seed), ni, nr, 0x1112131415161718, 0x0102030405060708, sizes);
  ASSERT_TRUE(swapped.ok());
  EXPECT_NE(swapped->sk_d, keys->sk_d);
}

TEST(IkeKeys, RefusesMoreKeyMaterialThanPrfPlusAllows) {
  auto prf = makePrf(1);  // HMAC-MD5: at most 255 * 16 = 4080 bytes
  ASSERT_TRUE(prf);
  IkeKeySizes sizes{16, 16, 2001};  // 3 * 16 + 2 * 16 + 2 * 2001 = 4082
  EXPECT_FALSE(deriveIkeKeys(*prf, Bytes(16, 1), Bytes(8, 2), Bytes(8, 3), 1, 2, sizes).ok());
  EXPECT_FALSE(childKeymat(*prf, Bytes(16, 1), {}, Bytes(8, 2), Bytes(8, 3), 4081).ok());
  EXPECT_TRUE(childKeymat(*prf, Bytes(16, 1), {}, Bytes(8, 2), Bytes(8, 3), 4080).ok());
}

TEST(IkeKeys, SkeyseedUsesNoncesAsKey) {
  // RFC 7296 §2.14: SKEYSEED = prf(Ni | Nr, g^ir), not prf(g^ir, Ni | Nr).
  auto prf = makePrf(2);
  ASSERT_TRUE(prf);
  const Bytes ni = hex("0011223344556677"), nr = hex("8899aabbccddeeff"), gir(128, 9);
  EXPECT_EQ(skeyseed(*prf, ni, nr, gir), prf->compute(concat(ni, nr), gir));
  EXPECT_NE(skeyseed(*prf, ni, nr, gir), skeyseed(*prf, nr, ni, gir));
}

}  // namespace
}  // namespace vpngw::crypto
