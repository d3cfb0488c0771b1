// Block ciphers and AEAD: RFC 3602 §4 AES-CBC cases, NIST SP 800-38A F.2 (AES-192/256-CBC),
// NIST SP 800-67 3DES example, McGrew-Viega GCM specification test cases.
#include <gtest/gtest.h>

#include "crypto/algorithms.h"
#include "test_util.h"

namespace vpngw::crypto {
namespace {

using test::ascii;
using test::hex;
using test::hexOf;

BlockCipherPtr makeCbc(uint16_t id, uint16_t bits) {
  auto cipher = createBlockCipher(id, bits);
  if (!cipher) {
    ADD_FAILURE() << cipher.error().message;
    return nullptr;
  }
  return std::move(cipher.value());
}

AeadPtr makeGcm(uint16_t bits) {
  auto aead = createAead(20, bits);
  if (!aead) {
    ADD_FAILURE() << aead.error().message;
    return nullptr;
  }
  return std::move(aead.value());
}

struct CbcVector {
  const char* name;
  uint16_t id;
  uint16_t bits;
  const char* key;
  const char* iv;
  Bytes plaintext;
  const char* ciphertext;
};

std::vector<CbcVector> cbcVectors() {
  Bytes count32(32);
  Bytes a0_df(64);
  for (size_t i = 0; i < 32; ++i) {
    count32[i] = static_cast<uint8_t>(i);
  }
  for (size_t i = 0; i < 64; ++i) {
    a0_df[i] = static_cast<uint8_t>(0xa0 + i);
  }
  return {
      {"rfc3602-case1", 12, 128, "06a9214036b8a15b512e03d534120006",
       "3dafba429d9eb430b422da802c9fac41", ascii("Single block msg"),
       "e353779c1079aeb82708942dbe77181a"},
      {"rfc3602-case2", 12, 128, "c286696d887c9aa0611bbb3e2025a45a",
       "562e17996d093d28ddb3ba695a2e6f58", count32,
       "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1"},
      {"rfc3602-case3", 12, 128, "6c3ea0477630ce21a2ce334aa746c2cd",
       "c782dc4c098c66cbd9cd27d825682c81",
       ascii("This is a 48-byte message (exactly 3 AES blocks)"),
       "d0a02b3836451753d493665d33f0e8862dea54cdb293abc7506939276772f8d5"
       "021c19216bad525c8579695d83ba2684"},
      {"rfc3602-case4", 12, 128, "56e47a38c5598974bc46903dba290349",
       "8ce82eefbea0da3c44699ed7db51b7d9", a0_df,
       "c30e32ffedc0774e6aff6af0869f71aa0f3af07a9a31a9c684db207eb0ef8e4e"
       "35907aa632c3ffdf868bb7b29d3d46ad83ce9f9a102ee99d49a53e87f4c3da55"},
      {"sp800-38a-f.2.3", 12, 192, "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
       "000102030405060708090a0b0c0d0e0f", hex("6bc1bee22e409f96e93d7e117393172a"),
       "4f021db243bc633d7178183a9fa071e8"},
      {"sp800-38a-f.2.5", 12, 256,
       "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
       "000102030405060708090a0b0c0d0e0f", hex("6bc1bee22e409f96e93d7e117393172a"),
       "f58c4c04d6e5f1ba779eabfb5f7bfbd6"},
      // SP 800-67 Rev.2 example keys and plaintext "The qufck brown fox jump". With a zero IV
      // the first CBC block equals the published ECB block a826fd8ce53b855f; the remaining
      // blocks were computed with `openssl enc -des-ede3-cbc -nopad -K <key> -iv <iv>`.
      {"3des-sp800-67-zero-iv", 3, 0, "0123456789abcdef23456789abcdef01456789abcdef0123",
       "0000000000000000", ascii("The qufck brown fox jump"),
       "a826fd8ce53b855f854b649a0a3903c970d563820afe8b35"},
      {"3des-openssl-cli", 3, 192, "0123456789abcdef23456789abcdef01456789abcdef0123",
       "1234567890abcdef", ascii("The qufck brown fox jump"),
       "38413d4ba2325cf1141f707471ac2ced57db530f0123b5ac"},
  };
}

TEST(BlockCipher, KnownAnswersBothDirections) {
  for (const auto& v : cbcVectors()) {
    SCOPED_TRACE(v.name);
    auto cipher = makeCbc(v.id, v.bits);
    ASSERT_TRUE(cipher);
    auto ct = cipher->encrypt(hex(v.key), hex(v.iv), v.plaintext);
    ASSERT_TRUE(ct.ok()) << ct.error().message;
    EXPECT_EQ(hexOf(*ct), v.ciphertext);
    auto pt = cipher->decrypt(hex(v.key), hex(v.iv), hex(v.ciphertext));
    ASSERT_TRUE(pt.ok()) << pt.error().message;
    EXPECT_EQ(*pt, v.plaintext);
  }
}

TEST(BlockCipher, Sizes) {
  struct Size {
    uint16_t id;
    uint16_t bits;
    size_t key;
    size_t block;
  };
  const Size sizes[] = {
      {3, 0, 24, 8}, {3, 192, 24, 8}, {12, 128, 16, 16}, {12, 192, 24, 16}, {12, 256, 32, 16}};
  for (const auto& s : sizes) {
    auto cipher = makeCbc(s.id, s.bits);
    ASSERT_TRUE(cipher);
    EXPECT_EQ(cipher->keySize(), s.key);
    EXPECT_EQ(cipher->blockSize(), s.block);
  }
}

TEST(BlockCipher, FactoryRefusesBadParameters) {
  EXPECT_FALSE(createBlockCipher(3, 128).ok());
  EXPECT_FALSE(createBlockCipher(12, 0).ok());
  EXPECT_FALSE(createBlockCipher(12, 64).ok());
  EXPECT_FALSE(createBlockCipher(12, 512).ok());
  EXPECT_FALSE(createBlockCipher(20, 128).ok());  // GCM is an AEAD, not a block cipher here
  EXPECT_FALSE(createBlockCipher(2, 0).ok());     // DES
  EXPECT_FALSE(createBlockCipher(0, 128).ok());
}

TEST(BlockCipher, RefusesPartialBlocksAndBadKeyOrIv) {
  auto aes = makeCbc(12, 128);
  auto des3 = makeCbc(3, 0);
  ASSERT_TRUE(aes && des3);
  const Bytes key(16, 7), iv(16, 9);
  for (size_t n : {1, 15, 17, 31, 33}) {
    EXPECT_FALSE(aes->encrypt(key, iv, Bytes(n)).ok()) << n;
    EXPECT_FALSE(aes->decrypt(key, iv, Bytes(n)).ok()) << n;
  }
  EXPECT_FALSE(des3->encrypt(Bytes(24), Bytes(8), Bytes(12)).ok());
  EXPECT_TRUE(des3->encrypt(Bytes(24), Bytes(8), Bytes(16)).ok());
  // Wrong key and IV lengths.
  EXPECT_FALSE(aes->encrypt(Bytes(15), iv, Bytes(16)).ok());
  EXPECT_FALSE(aes->encrypt(Bytes(32), iv, Bytes(16)).ok());
  EXPECT_FALSE(aes->encrypt(key, Bytes(8), Bytes(16)).ok());
  EXPECT_FALSE(aes->decrypt(key, Bytes(17), Bytes(16)).ok());
  EXPECT_FALSE(des3->encrypt(Bytes(16), Bytes(8), Bytes(8)).ok());
  // Zero blocks is a whole number of blocks.
  auto empty = aes->encrypt(key, iv, {});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(BlockCipher, NoPaddingIsAdded) {
  auto aes = makeCbc(12, 256);
  ASSERT_TRUE(aes);
  const Bytes key(32, 1), iv(16, 2);
  const Bytes pt(64, 0x10);  // looks like PKCS#7 padding, must survive untouched
  auto ct = aes->encrypt(key, iv, pt);
  ASSERT_TRUE(ct.ok());
  EXPECT_EQ(ct->size(), pt.size());
  auto back = aes->decrypt(key, iv, *ct);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, pt);
}

// McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", test cases. The 12-byte IV
// cafebabefacedbaddecaf888 splits into the RFC 4106 salt cafebabe and explicit IV.
struct GcmVector {
  const char* name;
  uint16_t bits;
  const char* key;
  const char* salt;
  const char* iv;
  const char* aad;
  const char* plaintext;
  const char* ciphertext;
  const char* tag;
};

constexpr char kP3[] =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
constexpr char kP4[] =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
constexpr char kA4[] = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
constexpr char kK3[] = "feffe9928665731c6d6a8f9467308308";

const GcmVector kGcmVectors[] = {
    {"tc1", 128, "00000000000000000000000000000000", "00000000", "0000000000000000", "", "", "",
     "58e2fccefa7e3061367f1d57a4e7455a"},
    {"tc2", 128, "00000000000000000000000000000000", "00000000", "0000000000000000", "",
     "00000000000000000000000000000000", "0388dace60b6a392f328c2b971b2fe78",
     "ab6e47d42cec13bdf53a67b21257bddf"},
    {"tc3", 128, kK3, "cafebabe", "facedbaddecaf888", "", kP3,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
     "4d5c2af327cd64a62cf35abd2ba6fab4"},
    {"tc4", 128, kK3, "cafebabe", "facedbaddecaf888", kA4, kP4,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
     "5bc94fbc3221a5db94fae95ae7121a47"},
    {"tc9", 192, "feffe9928665731c6d6a8f9467308308feffe9928665731c", "cafebabe", "facedbaddecaf888",
     "", kP3,
     "3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c"
     "7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710acade256",
     "9924a7c8587336bfb118024db8674a14"},
    {"tc15", 256, "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "cafebabe",
     "facedbaddecaf888", "", kP3,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
     "b094dac5d93471bdec1a502270e3cc6c"},
    {"tc16", 256, "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "cafebabe",
     "facedbaddecaf888", kA4, kP4,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
};

TEST(AesGcm, McGrewViegaVectors) {
  for (const auto& v : kGcmVectors) {
    SCOPED_TRACE(v.name);
    auto aead = makeGcm(v.bits);
    ASSERT_TRUE(aead);
    const Bytes keymat = concat(hex(v.key), hex(v.salt));
    auto sealed = aead->seal(keymat, hex(v.iv), hex(v.aad), hex(v.plaintext));
    ASSERT_TRUE(sealed.ok()) << sealed.error().message;
    EXPECT_EQ(hexOf(*sealed), std::string(v.ciphertext) + v.tag);
    auto opened = aead->open(keymat, hex(v.iv), hex(v.aad), *sealed);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    EXPECT_EQ(hexOf(*opened), v.plaintext);
  }
}

TEST(AesGcm, OpenFailsCleanlyOnAnyTampering) {
  auto aead = makeGcm(128);
  ASSERT_TRUE(aead);
  const Bytes keymat = concat(hex(kK3), hex("cafebabe"));
  const Bytes iv = hex("facedbaddecaf888");
  const Bytes aad = hex(kA4);
  auto sealed = aead->seal(keymat, iv, aad, hex(kP4));
  ASSERT_TRUE(sealed.ok());

  Bytes bad_tag = *sealed;
  bad_tag.back() ^= 0x01;
  EXPECT_FALSE(aead->open(keymat, iv, aad, bad_tag).ok());
  Bytes bad_ct = *sealed;
  bad_ct[0] ^= 0x80;
  EXPECT_FALSE(aead->open(keymat, iv, aad, bad_ct).ok());
  Bytes bad_aad = aad;
  bad_aad[3] ^= 0x04;
  EXPECT_FALSE(aead->open(keymat, iv, bad_aad, *sealed).ok());
  EXPECT_FALSE(aead->open(keymat, iv, {}, *sealed).ok());
  Bytes bad_iv = iv;
  bad_iv[7] ^= 0x01;
  EXPECT_FALSE(aead->open(keymat, bad_iv, aad, *sealed).ok());
  Bytes bad_salt = keymat;
  bad_salt.back() ^= 0x01;
  EXPECT_FALSE(aead->open(bad_salt, iv, aad, *sealed).ok());
  // Truncated input: shorter than the tag, and a tag with a missing ciphertext byte.
  EXPECT_FALSE(aead->open(keymat, iv, aad, ByteView(*sealed).first(15)).ok());
  EXPECT_FALSE(aead->open(keymat, iv, aad, ByteView(*sealed).subspan(1)).ok());
  EXPECT_FALSE(aead->open(keymat, iv, aad, {}).ok());
  // The object still works after failures (no state is left behind).
  EXPECT_TRUE(aead->open(keymat, iv, aad, *sealed).ok());
}

TEST(AesGcm, SizesAndParameterChecks) {
  auto g128 = makeGcm(128);
  auto g192 = makeGcm(192);
  auto g256 = makeGcm(256);
  ASSERT_TRUE(g128 && g192 && g256);
  EXPECT_EQ(g128->keySize(), 20u);
  EXPECT_EQ(g192->keySize(), 28u);
  EXPECT_EQ(g256->keySize(), 36u);
  EXPECT_EQ(g128->ivSize(), 8u);
  EXPECT_EQ(g128->icvSize(), 16u);

  const Bytes iv(8, 1);
  EXPECT_FALSE(g128->seal(Bytes(16), iv, {}, Bytes(4)).ok());  // salt missing
  EXPECT_FALSE(g128->seal(Bytes(36), iv, {}, Bytes(4)).ok());
  EXPECT_FALSE(g128->seal(Bytes(20), Bytes(12), {}, Bytes(4)).ok());  // full nonce is not the IV
  EXPECT_FALSE(g256->open(Bytes(36), Bytes(7), {}, Bytes(32)).ok());

  // Any plaintext length works (GCM is a stream mode) and the tag is always appended.
  for (size_t n : {0, 1, 15, 16, 17, 1000}) {
    auto sealed = g256->seal(Bytes(36, 3), iv, ascii("aad"), Bytes(n, 5));
    ASSERT_TRUE(sealed.ok());
    EXPECT_EQ(sealed->size(), n + 16);
    auto opened = g256->open(Bytes(36, 3), iv, ascii("aad"), *sealed);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(*opened, Bytes(n, 5));
  }
}

TEST(AesGcm, FactoryAndIsAead) {
  EXPECT_FALSE(createAead(20, 0).ok());
  EXPECT_FALSE(createAead(20, 64).ok());
  EXPECT_FALSE(createAead(12, 128).ok());  // AES-CBC is not an AEAD
  EXPECT_FALSE(createAead(18, 128).ok());  // GCM with an 8-byte ICV: not offered
  EXPECT_TRUE(isAead(20));
  EXPECT_TRUE(isAead(18));
  EXPECT_TRUE(isAead(19));
  EXPECT_TRUE(isAead(16));
  EXPECT_TRUE(isAead(28));
  EXPECT_FALSE(isAead(12));
  EXPECT_FALSE(isAead(3));
  EXPECT_FALSE(isAead(0));
}

}  // namespace
}  // namespace vpngw::crypto
