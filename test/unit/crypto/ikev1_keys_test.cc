// IKEv1 key derivation (RFC 2409 §5, §5.5, §5.7, Appendix B) known answers:
//  - NIST SP 800-135 IKEv1 KDF, HMAC-SHA-1: ACVP tcId 100 from libreswan
//    programs/cavp/test.acvp.ikev1_psk.{run,json} (pre-shared key) and
//    test.acvp.ikev1_dsa.{run,json} (signatures);
//  - every other value (all five hashes, key expansion, IVs, HASH_I/HASH_R, quick mode
//    HASH(1)/(2)/(3), KEYMAT with and without PFS, NAT-D) was computed independently with
//    Python 3's hmac and hashlib modules, writing each RFC 2409 formula out by hand, from the
//    fixed inputs built in Inputs below (the same script reproduces the SP 800-135 vector).
#include "crypto/ikev1_keys.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/algorithms.h"
#include "test_util.h"

namespace vpngw::crypto::ikev1 {
namespace {

using test::hex;
using test::hexOf;

HashFunction makeHash(uint16_t id) {
  auto h = HashFunction::create(id);
  if (!h) {
    throw std::runtime_error(h.error().message);
  }
  return std::move(h.value());
}

Bytes plain(const SecureBytes& s) { return Bytes(s.begin(), s.end()); }

// ---- SP 800-135 (ACVP) vectors -----------------------------------------------------------

TEST(Ikev1Kdf, Sp800135PreSharedKeySha1) {
  HashFunction sha1 = makeHash(hash_id::kSha1);
  const Bytes ni = hex("b9a2d0e922dc66dd");
  const Bytes nr = hex("2130166863b5ddef");
  const Bytes gxy = hex("739003ba2c11c982946c65e26acf661fbf8ebb78011a9fead79efa12fe3e71cc");
  SecureBytes skeyid = skeyidPsk(sha1.prf(), hex("75"), ni, nr);
  EXPECT_EQ(hexOf(view(skeyid)), "62b04d112877e442fc3282fc37c076997718a0b9");
  Phase1Keys keys =
      derivePhase1Keys(sha1.prf(), skeyid, gxy, 0x83d374c30b3b5082, 0x5afc0da06c728029);
  EXPECT_EQ(hexOf(view(keys.skeyid)), "62b04d112877e442fc3282fc37c076997718a0b9");
  EXPECT_EQ(hexOf(view(keys.skeyid_d)), "369e5aad1bdb5faf6a3d929d500cdc236710a9ab");
  EXPECT_EQ(hexOf(view(keys.skeyid_a)), "588e957d8d790d093b3a39f121473473af78e9bb");
  EXPECT_EQ(hexOf(view(keys.skeyid_e)), "cd74b0c048219db81384d3fda8f6cda51e398a2b");
}

TEST(Ikev1Kdf, Sp800135SignatureSha1) {
  HashFunction sha1 = makeHash(hash_id::kSha1);
  const Bytes gxy = hex("8ba4cbc73c0187301dc19a975823854dbd641c597f637f8d053a83b9514673eb");
  SecureBytes skeyid =
      skeyidSignature(sha1.prf(), hex("69a62284195f1680"), hex("80c94ba25c8abda5"), gxy);
  EXPECT_EQ(hexOf(view(skeyid)), "707197817fb2d90cf54d1842606bdea59b9f4823");
  Phase1Keys keys =
      derivePhase1Keys(sha1.prf(), skeyid, gxy, 0x8c3bcd3a69831d7f, 0xd2d9a7ff4fbe95a7);
  EXPECT_EQ(hexOf(view(keys.skeyid_d)), "384be709a8a5e63c3ed160cfe3921c4b37d5b32d");
  EXPECT_EQ(hexOf(view(keys.skeyid_a)), "48b327575abe3adba0f279849e289022a13e2b47");
  EXPECT_EQ(hexOf(view(keys.skeyid_e)), "a4a415c8e0c38c0da847c356cc61c24df8025560");
}

// ---- Independent (Python) values for every hash --------------------------------------------

Bytes pattern(size_t n, unsigned mul, unsigned add) {
  Bytes out(n);
  for (size_t i = 0; i < n; ++i) {
    out[i] = static_cast<uint8_t>(i * mul + add);
  }
  return out;
}

// The Python script's inputs.
struct Inputs {
  Bytes psk = test::ascii("vpngw-test-psk");
  Bytes ni = pattern(16, 1, 0x10);
  Bytes nr = pattern(16, 1, 0x80);
  Bytes gxi = pattern(128, 7, 1);
  Bytes gxr = pattern(128, 13, 5);
  Bytes gxy = pattern(128, 31, 11);
  uint64_t cky_i = 0x0102030405060708;
  uint64_t cky_r = 0x1112131415161718;
  Bytes sai_b = pattern(56, 3, 2);
  Bytes idii_b = hex("01000000c0000201");  // IPV4_ADDR 192.0.2.1
  Bytes idir_b = hex("01000000c6336401");  // IPV4_ADDR 198.51.100.1
  uint32_t message_id = 0x9abcdef0;
  Bytes after_hash = pattern(40, 5, 9);
  Bytes last_phase1_block = pattern(16, 9, 0x40);
  Bytes spi = hex("c0ffee01");
  Bytes gqm_xy = pattern(128, 17, 3);
};

struct Expected {
  uint16_t hash;
  const char* name;
  const char* skeyid;
  const char* skeyid_d;
  const char* skeyid_a;
  const char* skeyid_e;
  const char* key24;  // encryptionKey(24): 3DES, AES-192
  const char* key32;  // encryptionKey(32): AES-256
  const char* iv1;    // phase1Iv, 16-byte block
  const char* iv2;    // phase2Iv, 16-byte block
  const char* hash_i;
  const char* hash_r;
  const char* qh1;
  const char* qh2;
  const char* qh3;
  const char* keymat;      // 72 bytes, ESP, no PFS
  const char* keymat_pfs;  // 72 bytes, ESP, PFS
  const char* natd;        // 192.0.2.1:500
};

const Expected kMd5 = {
    hash_id::kMd5,
    "Md5",
    "1fdff9b8124123bf966d78bce81d2ffe",
    "f14baefaa8a7f530df2306f1edba6968",
    "f93c6fd11d9940a891396df8f79297dc",
    "f7cfa49174bf68b5892d1f9236aab2b7",
    "706926153f823ae4b3768883664f0dd7fad5a793f2b26a28",
    "706926153f823ae4b3768883664f0dd7fad5a793f2b26a2885bd3417efcd4b3e",
    "c8b7e65cfeb4fd0fecf4ef2f455b341f",
    "e2eeea6c6d01fcd9402d6df977cacaf4",
    "7d3c4703386225bfa57552d29169f4ae",
    "5d592be6952609e2b4e8a1524dc21edd",
    "b53e37266bc4f3af1e614ccf08b2156e",
    "853137a00d48a3da9e64bd6ab4fe5003",
    "e68f3059b690dd4183ec8b45e9ff7763",
    "ae9df8b2d9397e5e10aa4d6ce0e7ca5ffa8b990a515330eef8678088d0ae9a0102303f1db8c62d3476bd34cb"
    "469eee380e4a6cd101211e0360b0954c39f440745fae9fc46052b4a6",
    "beb3d5dac3f36bcf8161da3c4793274b96f8c7750afa2b64c50a4ab8933207859108961b2ebd83a0729593d7"
    "b13f4b8042bf12a17369b8789fcd6cb1d6b2e4d757f57c59ae463e16",
    "cf5faa9384eb43f6272e122d4934e27f",
};

const Expected kSha1 = {
    hash_id::kSha1,
    "Sha1",
    "5408abb723a21617d4893026d831c9299c58a0da",
    "8f6eefafa360edc423b4ba40cdc1710dab50b99c",
    "8bdd8d05fd640fd11731a39157c5e2c19d45265e",
    "f0771ca55518699cb7448fcb13f4423434b0ff60",
    "d3be6e9e9b421c6d2be5c7a9991e9532b414c0822db03a86",
    "d3be6e9e9b421c6d2be5c7a9991e9532b414c0822db03a8674e414fd085cc302",
    "336158dc0599b223b476118fcfe96714",
    "be263fc618bfcfea07bbfac907f2c1db",
    "ae91a31443e5e02b037769bb0ee07367feb59987",
    "2354578fc3a9786ce57b7ac03e463ab9dbe84f64",
    "fd2408da7efdfce127aa029ebd1e34400c80ff1c",
    "818e8ad3ef9209855a29824195f928381268c6b6",
    "8ce4c891ffdaae35264e6ee97d11f3b1e9f79526",
    "28667cff283f86f0f60f8c893f2ff5e67a3146567b1db612750151db07eeddb036ffdd57497dd806296d072f"
    "95de7ab7c96ee9e24267ccc1c1a4558d088986af78504f6fd183188e",
    "fae872c06b53f0289df509a632c8cc20451aa552f2d1eca027c6eba69549fde843c600780744da8bc23031e9"
    "d7376824e9829665b34ca2422d517ada8a6020871e7a24cf58ecbbb1",
    "d798d986143f878f70765e0e869c80bbc375f701",
};

const Expected kSha256 = {
    hash_id::kSha256,
    "Sha256",
    "49d1de1de95ca17021be5b72553c52f97e955a818bf2647ce00f7f80b836d45b",
    "8bf8777da7f7bc20a1d9216dfee9eeef95264b5433923db61f8e050033127395",
    "a41929889647f883555f00dd44f0eb7802aaddcde51182bcf405e3edfc1644e8",
    "fdc84350a85660a10877f9580ff5a0b2a2e6924f1fae109b75228b42640a0535",
    "fdc84350a85660a10877f9580ff5a0b2a2e6924f1fae109b",
    "fdc84350a85660a10877f9580ff5a0b2a2e6924f1fae109b75228b42640a0535",
    "6252d609a0852676386518bc6785a7a0",
    "bcb719a3e5fa2ab2a75a1f7cdf1a1e40",
    "864f2ff295902e8d291a63e0404a9c9f903f63e3dbf448d0c5ae7598b3123125",
    "8853a944bfa578aec64960b4c8549e5f5eb3a875a1e9633b40619bc1ec86548e",
    "8fdfc06b7cdf37c2c047abde10e4014e6c1025c14cb7027c6bad1b2b8dff361b",
    "72c9c63c7becd0f2f14c541f0185e4d810e4d4a67acd0de73681fa55e4046aa7",
    "d58c2afb48c5ad569bd1b78acdccbb2a9be28d28f68d1fa108cdcb28e73f9569",
    "5ba2d10f1bb0205211d5441707399ac4869ab139ce2011fd6a398a1a40a5e21d50a226f941ba51280b4ac105"
    "a059fc296c37c7c6cbaa1d5fe49f9cc0af508a074e85381908490064",
    "2175a3058fdcdd6e4540329ebe638db6ec8f380f08021abad7bd209e09d3b231fd36d44034ab3aafc68a5f57"
    "0b797828c393a6cf10c92ff40481c197f0dc63ea9113b247f7d93a18",
    "1f2143b5f4921e97f1d040b016b4443a97ba0383703aa02d511907f137b11a77",
};

const Expected kSha384 = {
    hash_id::kSha384,
    "Sha384",
    "42481512d0ce32b7525545a40c11b6f8d3348a3ac79abb7ace79bf82d960b63cef7bc408e7f912f20c5de642"
    "55bdee27",
    "1a63744bf00483491ac07e0fa17cd5faac297d2fd82fd8fb6646182d06684252bccc9a9e7deb8bfbe451bdfa"
    "2006cc55",
    "46c63436725619cc1cfc1f219553215e7ae86d858095edec8f1582e91c24f745beb785d6539fdf441921a85b"
    "24f725ba",
    "85c30f5302ad50efa03d2e9411e92437076b9ee41543290f186e81c2ab1b9a71f5c2daee3da4a5de64cf6fca"
    "ecaa636e",
    "85c30f5302ad50efa03d2e9411e92437076b9ee41543290f",
    "85c30f5302ad50efa03d2e9411e92437076b9ee41543290f186e81c2ab1b9a71",
    "97a75837a428f18f4ab0fe025b1ce2ba",
    "5db546bab372302afca2bff369d9e5e3",
    "38c4a77086696edb8852a3a8d5d9f127652db4a0748585a65f37f09a496feb37b556e1ac08ec7cd467404f48"
    "08dfbdff",
    "a7b847afe6a1487e2220e55d24346d666c1629986bc247bb6f38d9a8af0914c4362b8a1b3314595626c13e43"
    "1cb47368",
    "c9fbd8b600e0cfece1ee1dda851520463f45a84da2754f8064f281131d28d55e26ec852cf1279f8c127b9409"
    "520e2510",
    "e8f7fcf16ffde57a09b5dd8cf7b8716625741191a1c35eac556daea3f5e18dc8bd7246b22cd7c32f7bb312e2"
    "eef75793",
    "42ed9e2fa86f0955ebeb9e87f11ec5273803d3d9dfee268341f4c5e9c0954164619bd58ea0596303bedfcd4c"
    "795d71eb",
    "f87c1f000ce5ab36bc5e4dce8ef01b4efa0b5458205d40ad8907129335f2869923a7be004f9f3c930d5f197f"
    "b1a642994645b8b38e76d17fadb3919f11182e01e243e3128c7d4431",
    "e80a636bfbd4ae74e259fdcd2c7ae346a59dff1ef674f71ac929dbb3e4e3224aa30d04dc94f9596a030212bd"
    "1fdd4c7138ef7c82d40b4cbd8b02cd7b85e98662a74579950e5c4e45",
    "36504044f5e49a1e581d4c54da7ad2b5fc4846129e0f71b453caa2769a7877c467d85d6b0af020c07e50dea0"
    "b388371d",
};

const Expected kSha512 = {
    hash_id::kSha512,
    "Sha512",
    "766360b3de48357ef434b9c2cde156361f026f20e0f35bc2b188e9bc86095daab5ff43a94b384bef105d1de4"
    "271788f5039a6038cdc1f022bb8b12cb361305fa",
    "ff19d5a479304b6592209938f6454ab24b788c56ed4b2a0769175be095c42d4c44357e62708dad549b5d38ca"
    "2ed2bf19e5135f0e5d3f3f7f7bbe1bb8870412ce",
    "e6b169830d3af633b1d6e6c22e596f440284e4aa5953b417275f898abbb2656060b2d66b96405ab446b761d4"
    "a563b1a85068289935780200b6669d66b7b6856a",
    "eed4922fae92f83699ad8840a98127bfa353dc3611a05bb8865398064e347d22b3fa61cd2595bc1f7462666b"
    "3117adc5b08cb6bb1035f46f0010237015f66da5",
    "eed4922fae92f83699ad8840a98127bfa353dc3611a05bb8",
    "eed4922fae92f83699ad8840a98127bfa353dc3611a05bb8865398064e347d22",
    "68ab88653e33ae8a7a04c06a2e7dac1a",
    "7d4326e9419ccfb8aae53c9ad961e7ca",
    "e6db8d07542eab531c2ac7cfc669fb332d9802c7363ef8f403a87c7d4e1fce43106b8da7587c6cd46946e673"
    "3ecbacdefe22a9ee18481ef6f6b395704bef37db",
    "d90e53193800f9dbb6a8f693181b223d214933d30b8e2a41549094ec1b222f09c9289c161631acfabc36d07c"
    "d7e482e3d879ecaab55ecb9d1e234b01dfce49c8",
    "5df9c4d00e331ff575f1cf6b68c67692781c124881264695e3de3e6aada4c51bfdf9190a93be8c3b4f883f26"
    "dca117101cfb1ac1fccd2cc5cd1732fb44613299",
    "f27cf1ade0c4554cc070ac22d6d1c73310117913acabde117e25a84c62d4d45631f80ec3ad00bd904216458f"
    "a66d9e8571efd6072726add8915a3c9869c7342b",
    "de4620b32dd7f163666d2ab6b9ff82fd596a05e941f6913633761f962796dc7dfbb5f956e9593d516baa948f"
    "17aba7b87b4423898efe0b881395f0d1e2b99e3b",
    "431536318ad1e61063eb92fd11c4db9fd5a4e44b66d375d649691055c478f483a18822c42c3727fcd7801f46"
    "1fdc33c760c275ac8673c6dc89fd762dc8e6dcec0aa1dacbf03e3882",
    "e3f6556abedd59f481edde10eff289d99a26b9154136edabf862a555ea4640c76fcc7c1aa9176b1fa8264981"
    "0f75a40aeb218ca32d325c2fbcf5e5e8e7cc562144d18e8c35cedcd6",
    "af5a96ed138a8e5693110fd38fb2881053d2c57ae97817bf7346852016040a3c1e7e3a854579618d1ebf82ed"
    "a7d363ba4e83b3bbb3d0829a700f6d16e816569a",
};

class Ikev1Vectors : public ::testing::TestWithParam<const Expected*> {
 protected:
  Inputs in;
  const Expected& want = *GetParam();
  HashFunction hash = makeHash(GetParam()->hash);

  Phase1Keys keys() const {
    return derivePhase1Keys(hash.prf(), skeyidPsk(hash.prf(), in.psk, in.ni, in.nr), in.gxy,
                            in.cky_i, in.cky_r);
  }
};

TEST_P(Ikev1Vectors, Phase1KeysFromPsk) {
  Phase1Keys k = keys();
  EXPECT_EQ(hexOf(view(k.skeyid)), want.skeyid);
  EXPECT_EQ(hexOf(view(k.skeyid_d)), want.skeyid_d);
  EXPECT_EQ(hexOf(view(k.skeyid_a)), want.skeyid_a);
  EXPECT_EQ(hexOf(view(k.skeyid_e)), want.skeyid_e);
  EXPECT_EQ(k.skeyid.size(), hash.size());
}

TEST_P(Ikev1Vectors, EncryptionKeyTruncatesOrExpands) {
  Phase1Keys k = keys();
  // MD5 (16 bytes) expands for both sizes, SHA-1 (20) for both, SHA-2 only truncates.
  auto key24 = encryptionKey(hash.prf(), view(k.skeyid_e), 24);
  auto key32 = encryptionKey(hash.prf(), view(k.skeyid_e), 32);
  ASSERT_TRUE(key24.ok()) << key24.error().message;
  ASSERT_TRUE(key32.ok()) << key32.error().message;
  EXPECT_EQ(hexOf(view(*key24)), want.key24);
  EXPECT_EQ(hexOf(view(*key32)), want.key32);
  auto key16 = encryptionKey(hash.prf(), view(k.skeyid_e), 16);
  ASSERT_TRUE(key16.ok());
  EXPECT_EQ(plain(*key16), Bytes(k.skeyid_e.begin(), k.skeyid_e.begin() + 16));
}

TEST_P(Ikev1Vectors, Ivs) {
  EXPECT_EQ(hexOf(phase1Iv(hash, in.gxi, in.gxr, 16)), want.iv1);
  EXPECT_EQ(hexOf(phase2Iv(hash, in.last_phase1_block, in.message_id, 16)), want.iv2);
  // 3DES: the same digest truncated to 8 bytes.
  EXPECT_EQ(hexOf(phase1Iv(hash, in.gxi, in.gxr, 8)), std::string(want.iv1).substr(0, 16));
}

TEST_P(Ikev1Vectors, Phase1AuthenticationHashes) {
  Phase1Keys k = keys();
  EXPECT_EQ(hexOf(hashI(hash.prf(), view(k.skeyid), in.gxi, in.gxr, in.cky_i, in.cky_r, in.sai_b,
                        in.idii_b)),
            want.hash_i);
  EXPECT_EQ(hexOf(hashR(hash.prf(), view(k.skeyid), in.gxi, in.gxr, in.cky_i, in.cky_r, in.sai_b,
                        in.idir_b)),
            want.hash_r);
}

TEST_P(Ikev1Vectors, QuickModeAndInformationalHashes) {
  Phase1Keys k = keys();
  ByteView a = view(k.skeyid_a);
  EXPECT_EQ(hexOf(quickHash1(hash.prf(), a, in.message_id, in.after_hash)), want.qh1);
  EXPECT_EQ(hexOf(quickHash2(hash.prf(), a, in.message_id, in.ni, in.after_hash)), want.qh2);
  EXPECT_EQ(hexOf(quickHash3(hash.prf(), a, in.message_id, in.ni, in.nr)), want.qh3);
  EXPECT_EQ(hexOf(informationalHash(hash.prf(), a, in.message_id, in.after_hash)), want.qh1);
}

TEST_P(Ikev1Vectors, KeymatWithAndWithoutPfs) {
  Phase1Keys k = keys();
  constexpr uint8_t kEsp = 3;
  auto no_pfs = keymat(hash.prf(), view(k.skeyid_d), {}, kEsp, in.spi, in.ni, in.nr, 72);
  auto pfs = keymat(hash.prf(), view(k.skeyid_d), in.gqm_xy, kEsp, in.spi, in.ni, in.nr, 72);
  ASSERT_TRUE(no_pfs.ok()) << no_pfs.error().message;
  ASSERT_TRUE(pfs.ok()) << pfs.error().message;
  EXPECT_EQ(hexOf(view(*no_pfs)), want.keymat);
  EXPECT_EQ(hexOf(view(*pfs)), want.keymat_pfs);
  // A shorter request is a prefix of the longer one.
  auto short_keymat = keymat(hash.prf(), view(k.skeyid_d), {}, kEsp, in.spi, in.ni, in.nr, 20);
  ASSERT_TRUE(short_keymat.ok());
  EXPECT_EQ(hexOf(view(*short_keymat)), std::string(want.keymat).substr(0, 40));
}

TEST_P(Ikev1Vectors, NatDetectionHash) {
  const Bytes ip = hex("c0000201");
  EXPECT_EQ(hexOf(natDetectionHash(hash, in.cky_i, in.cky_r, ip, 500)), want.natd);
  EXPECT_NE(natDetectionHash(hash, in.cky_i, in.cky_r, ip, 4500),
            natDetectionHash(hash, in.cky_i, in.cky_r, ip, 500));
}

INSTANTIATE_TEST_SUITE_P(Hashes, Ikev1Vectors,
                         ::testing::Values(&kMd5, &kSha1, &kSha256, &kSha384, &kSha512),
                         [](const auto& param_info) {
                           return std::string(param_info.param->name);
                         });

// ---- Parameter checks ------------------------------------------------------------------------

TEST(Ikev1Kdf, HashFunctionSizesAndRefusals) {
  EXPECT_EQ(makeHash(hash_id::kMd5).size(), 16u);
  EXPECT_EQ(makeHash(hash_id::kSha1).size(), 20u);
  EXPECT_EQ(makeHash(hash_id::kSha256).size(), 32u);
  EXPECT_EQ(makeHash(hash_id::kSha384).size(), 48u);
  EXPECT_EQ(makeHash(hash_id::kSha512).size(), 64u);
  EXPECT_FALSE(HashFunction::create(0).ok());
  EXPECT_FALSE(HashFunction::create(3).ok());  // Tiger
  EXPECT_FALSE(HashFunction::create(7).ok());
  // The plain digest is the standard one: SHA-1("abc") (FIPS 180-4 example).
  EXPECT_EQ(hexOf(makeHash(hash_id::kSha1).digest(test::ascii("abc"))),
            "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(Ikev1Kdf, ExpansionLimits) {
  HashFunction md5 = makeHash(hash_id::kMd5);
  const Bytes key(16, 7);
  EXPECT_FALSE(encryptionKey(md5.prf(), key, 0).ok());
  EXPECT_TRUE(encryptionKey(md5.prf(), key, 255 * 16).ok());
  EXPECT_FALSE(encryptionKey(md5.prf(), key, 255 * 16 + 1).ok());
  EXPECT_FALSE(keymat(md5.prf(), key, {}, 3, Bytes(4, 1), Bytes(8, 2), Bytes(8, 3), 0).ok());
  EXPECT_FALSE(
      keymat(md5.prf(), key, {}, 3, Bytes(4, 1), Bytes(8, 2), Bytes(8, 3), 255 * 16 + 1).ok());
}

TEST(Ikev1Kdf, DirectionsAndInputsMatter) {
  HashFunction sha1 = makeHash(hash_id::kSha1);
  Inputs in;
  const Bytes skeyid(20, 9);
  // HASH_I and HASH_R differ even with the same ID, because the KE values and cookies swap.
  EXPECT_NE(hashI(sha1.prf(), skeyid, in.gxi, in.gxr, in.cky_i, in.cky_r, in.sai_b, in.idii_b),
            hashR(sha1.prf(), skeyid, in.gxi, in.gxr, in.cky_i, in.cky_r, in.sai_b, in.idii_b));
  // KEYMAT depends on the SPI and the protocol (one key per direction and protocol).
  auto esp = keymat(sha1.prf(), skeyid, {}, 3, hex("00000001"), in.ni, in.nr, 40);
  auto esp2 = keymat(sha1.prf(), skeyid, {}, 3, hex("00000002"), in.ni, in.nr, 40);
  auto ah = keymat(sha1.prf(), skeyid, {}, 2, hex("00000001"), in.ni, in.nr, 40);
  ASSERT_TRUE(esp.ok() && esp2.ok() && ah.ok());
  EXPECT_NE(*esp, *esp2);
  EXPECT_NE(*esp, *ah);
  // The phase-2 IV depends on the message ID.
  EXPECT_NE(phase2Iv(sha1, in.last_phase1_block, 1, 16),
            phase2Iv(sha1, in.last_phase1_block, 2, 16));
}

}  // namespace
}  // namespace vpngw::crypto::ikev1
