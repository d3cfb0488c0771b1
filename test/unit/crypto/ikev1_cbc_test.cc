// ISAKMP body encryption (RFC 2409 Appendix B): zero padding to the block, no OpenSSL padding,
// IV chaining across messages. Known answers are RFC 3602 case 2 (AES-128-CBC) and the SP 800-67
// 3DES example also used in cipher_test.cc.
#include "crypto/ikev1_cbc.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "test_util.h"

namespace vpngw::crypto::ikev1 {
namespace {

using test::ascii;
using test::hex;
using test::hexOf;

BlockCipherPtr makeCipher(uint16_t id, uint16_t bits) {
  auto c = createCipher(id, bits);
  if (!c) {
    throw std::runtime_error(c.error().message);
  }
  return std::move(c.value());
}

Bytes count(size_t n) {
  Bytes out(n);
  for (size_t i = 0; i < n; ++i) {
    out[i] = static_cast<uint8_t>(i);
  }
  return out;
}

TEST(Ikev1Cbc, FactoryMapsIkev1AttributeValues) {
  EXPECT_EQ(makeCipher(encr_id::k3DesCbc, 0)->keySize(), 24u);
  EXPECT_EQ(makeCipher(encr_id::k3DesCbc, 0)->blockSize(), 8u);
  EXPECT_EQ(makeCipher(encr_id::kAesCbc, 128)->keySize(), 16u);
  EXPECT_EQ(makeCipher(encr_id::kAesCbc, 192)->keySize(), 24u);
  EXPECT_EQ(makeCipher(encr_id::kAesCbc, 256)->keySize(), 32u);
  EXPECT_EQ(makeCipher(encr_id::kAesCbc, 256)->blockSize(), 16u);
  EXPECT_FALSE(createCipher(encr_id::kAesCbc, 0).ok());  // RFC 3602 §5.3: Key Length required
  EXPECT_FALSE(createCipher(encr_id::kAesCbc, 64).ok());
  EXPECT_FALSE(createCipher(encr_id::k3DesCbc, 128).ok());
  EXPECT_FALSE(createCipher(1, 0).ok());     // DES
  EXPECT_FALSE(createCipher(12, 128).ok());  // the IKEv2 AES-CBC number is not an IKEv1 value
}

TEST(Ikev1Cbc, AlignedBodyIsEncryptedWithoutPadding) {
  auto aes = makeCipher(encr_id::kAesCbc, 128);
  auto ct = encryptBody(*aes, hex("c286696d887c9aa0611bbb3e2025a45a"),
                        hex("562e17996d093d28ddb3ba695a2e6f58"), count(32));
  ASSERT_TRUE(ct.ok()) << ct.error().message;
  EXPECT_EQ(hexOf(*ct), "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1");
}

TEST(Ikev1Cbc, ShortBodyIsZeroPaddedToTheBlock) {
  auto des3 = makeCipher(encr_id::k3DesCbc, 192);
  const Bytes key = hex("0123456789abcdef23456789abcdef01456789abcdef0123");
  const Bytes iv(8, 0);
  // "The qufck brown fox jump" is 24 bytes; dropping 3 makes the helper add 3 zero bytes, so
  // the first two blocks are the SP 800-67 ones and the last differs.
  Bytes text = ascii("The qufck brown fox jump");
  auto full = encryptBody(*des3, key, iv, text);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(hexOf(*full), "a826fd8ce53b855f854b649a0a3903c970d563820afe8b35");
  text.resize(21);
  auto padded = encryptBody(*des3, key, iv, text);
  ASSERT_TRUE(padded.ok());
  ASSERT_EQ(padded->size(), 24u);
  EXPECT_EQ(hexOf(ByteView(*padded).first(16)), "a826fd8ce53b855f854b649a0a3903c9");
  auto plain = decryptBody(*des3, key, iv, *padded);
  ASSERT_TRUE(plain.ok());
  Bytes expected = text;
  expected.resize(24, 0);
  EXPECT_EQ(*plain, expected);
}

TEST(Ikev1Cbc, RoundTripEveryLengthAndCipher) {
  struct Case {
    uint16_t id;
    uint16_t bits;
  };
  for (Case c : {Case{encr_id::k3DesCbc, 0}, Case{encr_id::kAesCbc, 128},
                 Case{encr_id::kAesCbc, 192}, Case{encr_id::kAesCbc, 256}}) {
    auto cipher = makeCipher(c.id, c.bits);
    const Bytes key(cipher->keySize(), 0x5a);
    const Bytes iv(cipher->blockSize(), 0xa5);
    for (size_t n = 1; n <= 3 * cipher->blockSize(); ++n) {
      const Bytes text(n, static_cast<uint8_t>(n));
      auto ct = encryptBody(*cipher, key, iv, text);
      ASSERT_TRUE(ct.ok());
      EXPECT_EQ(ct->size() % cipher->blockSize(), 0u);
      EXPECT_LT(ct->size() - n, cipher->blockSize());
      auto pt = decryptBody(*cipher, key, iv, *ct);
      ASSERT_TRUE(pt.ok());
      EXPECT_EQ(Bytes(pt->begin(), pt->begin() + static_cast<std::ptrdiff_t>(n)), text);
      EXPECT_TRUE(std::all_of(pt->begin() + static_cast<std::ptrdiff_t>(n), pt->end(),
                              [](uint8_t b) { return b == 0; }));
    }
  }
}

TEST(Ikev1Cbc, IvChainingContinuesTheCbcStream) {
  // Appendix B: the IV of message 2 is the last ciphertext block of message 1, so two messages
  // encrypted in turn equal one CBC encryption of both.
  auto aes = makeCipher(encr_id::kAesCbc, 256);
  const Bytes key(32, 0x11);
  const Bytes iv(16, 0x22);
  const Bytes m1 = count(48);
  const Bytes m2(32, 0x77);
  auto c1 = encryptBody(*aes, key, iv, m1);
  ASSERT_TRUE(c1.ok());
  Bytes next_iv = lastBlock(*c1, aes->blockSize());
  EXPECT_EQ(next_iv, Bytes(c1->end() - 16, c1->end()));
  auto c2 = encryptBody(*aes, key, next_iv, m2);
  auto both = encryptBody(*aes, key, iv, concat(m1, m2));
  ASSERT_TRUE(c2.ok() && both.ok());
  EXPECT_EQ(concat(*c1, *c2), *both);
  auto p2 = decryptBody(*aes, key, next_iv, *c2);
  ASSERT_TRUE(p2.ok());
  EXPECT_EQ(*p2, m2);
}

TEST(Ikev1Cbc, DecryptRefusesEmptyAndPartialBlocks) {
  auto aes = makeCipher(encr_id::kAesCbc, 128);
  const Bytes key(16, 1);
  const Bytes iv(16, 2);
  EXPECT_FALSE(decryptBody(*aes, key, iv, {}).ok());
  EXPECT_FALSE(decryptBody(*aes, key, iv, Bytes(15, 0)).ok());
  EXPECT_FALSE(decryptBody(*aes, key, iv, Bytes(17, 0)).ok());
  EXPECT_FALSE(decryptBody(*aes, key, Bytes(8, 2), Bytes(16, 0)).ok());  // IV size
  EXPECT_FALSE(encryptBody(*aes, Bytes(24, 1), iv, Bytes(16, 0)).ok());  // key size
  EXPECT_TRUE(lastBlock(Bytes(15, 0), 16).empty());
}

}  // namespace
}  // namespace vpngw::crypto::ikev1
