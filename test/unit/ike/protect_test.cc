#include "ike/protect.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <ostream>
#include <string>
#include <vector>

namespace vpngw::ike {
namespace {

using wire::v2::Payload;

struct SuiteCase {
  std::string label;
  IkeSuite suite;
};
void PrintTo(const SuiteCase& c, std::ostream* os) { *os << c.label; }

std::vector<SuiteCase> allSuites() {
  std::vector<SuiteCase> out;
  const std::pair<const char*, Encryption> encrs[] = {{"3des", Encryption::Des3},
                                                      {"aes128", Encryption::Aes128},
                                                      {"aes192", Encryption::Aes192},
                                                      {"aes256", Encryption::Aes256}};
  const std::pair<const char*, Hash> hashes[] = {{"md5", Hash::Md5},
                                                 {"sha1", Hash::Sha1},
                                                 {"sha256", Hash::Sha256},
                                                 {"sha384", Hash::Sha384},
                                                 {"sha512", Hash::Sha512}};
  for (const auto& [en, e] : encrs) {
    for (const auto& [hn, h] : hashes) {
      IkePolicy p;
      p.encryption = e;
      p.authentication = h;
      p.dh_group = 14;
      out.push_back({std::string(en) + "_" + hn, ikeSuiteFor(p)});
    }
  }
  for (const auto& [en, e] :
       {std::pair<const char*, Encryption>{"aes128gcm16", Encryption::Aes128Gcm16},
        std::pair<const char*, Encryption>{"aes256gcm16", Encryption::Aes256Gcm16}}) {
    IkePolicy p;
    p.encryption = e;
    p.authentication = Hash::Sha256;
    p.dh_group = 19;
    out.push_back({en, ikeSuiteFor(p)});
  }
  return out;
}

crypto::IkeKeySizes keySizes(const IkeSuite& s) {
  crypto::IkeKeySizes sizes;
  if (crypto::isAead(s.encr_id)) {
    sizes.encr = crypto::createAead(s.encr_id, s.encr_key_bits).value()->keySize();
  } else {
    sizes.encr = crypto::createBlockCipher(s.encr_id, s.encr_key_bits).value()->keySize();
    sizes.integ = crypto::createIntegrity(s.integ_id).value()->keySize();
  }
  return sizes;
}

SecureBytes randomKey(Random& r, size_t n) {
  SecureBytes b(n);
  r.fill(b);
  return b;
}

crypto::IkeKeys makeKeys(const IkeSuite& s, uint64_t seed) {
  const auto sizes = keySizes(s);
  SeededRandom r(seed);
  crypto::IkeKeys k;
  k.sk_ei = randomKey(r, sizes.encr);
  k.sk_er = randomKey(r, sizes.encr);
  k.sk_ai = randomKey(r, sizes.integ);
  k.sk_ar = randomKey(r, sizes.integ);
  return k;
}

wire::v2::Header authHeader(bool response) {
  wire::v2::Header h;
  h.spi_i = 0x1122334455667788;
  h.spi_r = 0x99aabbccddeeff00;
  h.exchange = static_cast<uint8_t>(wire::ExchangeType::IkeAuth);
  h.flags = response ? wire::flags::kResponse : wire::flags::kInitiator;
  h.message_id = 1;
  return h;
}

std::vector<Payload> authPayloads() {
  std::vector<Payload> p;
  p.push_back({wire::payload::kIdi, false, wire::v2::IdPayload{wire::id::kIpv4, {10, 0, 0, 1}}});
  p.push_back({wire::payload::kAuth, false,
               wire::v2::AuthPayload{wire::auth::kSharedKey, Bytes(32, 0x5a)}});
  p.push_back(
      {wire::payload::kNotify, false,
       wire::v2::NotifyPayload{wire::ProtocolId::None, {}, wire::notify::kInitialContact, {}}});
  wire::v2::TrafficSelector ts;
  ts.start_address = {10, 1, 0, 0};
  ts.end_address = {10, 1, 0, 255};
  p.push_back({wire::payload::kTsi, false, wire::v2::TsPayload{{ts}}});
  p.push_back({wire::payload::kTsr, false, wire::v2::TsPayload{{ts}}});
  return p;
}

bool startsWith(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

class SkRoundTrip : public ::testing::TestWithParam<SuiteCase> {};

TEST_P(SkRoundTrip, BothDirections) {
  const IkeSuite& suite = GetParam().suite;
  const auto keys = makeKeys(suite, 42);
  auto initiator = SkProtector::create(suite, keys, true);
  auto responder = SkProtector::create(suite, keys, false);
  ASSERT_TRUE(initiator) << initiator.error().message;
  ASSERT_TRUE(responder) << responder.error().message;
  SeededRandom rnd(7);

  for (bool from_initiator : {true, false}) {
    const SkProtector& sender = from_initiator ? *initiator : *responder;
    const SkProtector& receiver = from_initiator ? *responder : *initiator;
    const auto inner = authPayloads();
    const auto header = authHeader(!from_initiator);
    auto sealed = sender.seal(header, inner, rnd);
    ASSERT_TRUE(sealed) << sealed.error().message;

    auto decoded = wire::v2::decode(*sealed);
    ASSERT_TRUE(decoded) << decoded.error().message;
    EXPECT_EQ(decoded->header.next_payload, wire::payload::kSk);
    EXPECT_EQ(decoded->header.length, sealed->size());
    EXPECT_EQ(decoded->header.spi_i, header.spi_i);
    EXPECT_EQ(decoded->header.message_id, header.message_id);
    EXPECT_EQ(decoded->header.flags, header.flags);
    ASSERT_EQ(decoded->payloads.size(), 1u);
    const auto* sk = std::get_if<wire::v2::EncryptedPayload>(&decoded->payloads[0].body);
    ASSERT_NE(sk, nullptr);
    EXPECT_EQ(sk->inner_first, wire::payload::kIdi);

    const size_t plain = wire::v2::encodePayloadChain(inner).size();
    EXPECT_EQ(sealed->size(), wire::kHeaderSize + plain + sender.overhead(plain));

    auto opened = receiver.open(*sealed, *decoded);
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_EQ(*opened, inner);

    // The sender's own receive keys are the other direction's: refused.
    auto own = sender.open(*sealed, *decoded);
    ASSERT_FALSE(own);
    EXPECT_TRUE(startsWith(own.error().message, "integrity:")) << own.error().message;
  }
}

TEST_P(SkRoundTrip, EveryPaddingLengthAndEmptyContent) {
  const IkeSuite& suite = GetParam().suite;
  const auto keys = makeKeys(suite, 3);
  auto initiator = SkProtector::create(suite, keys, true);
  auto responder = SkProtector::create(suite, keys, false);
  ASSERT_TRUE(initiator && responder);
  SeededRandom rnd(11);
  // An empty SK (liveness check) and vendor IDs of 0..33 bytes cover every pad length.
  for (int n = -1; n < 34; ++n) {
    std::vector<Payload> inner;
    if (n >= 0) {
      inner.push_back({wire::payload::kVendorId, false,
                       wire::v2::VendorIdPayload{Bytes(static_cast<size_t>(n), 0x77)}});
    }
    auto sealed = responder->seal(authHeader(true), inner, rnd);
    ASSERT_TRUE(sealed) << sealed.error().message;
    const size_t plain = wire::v2::encodePayloadChain(inner).size();
    EXPECT_EQ(sealed->size(), wire::kHeaderSize + plain + responder->overhead(plain)) << n;
    auto decoded = wire::v2::decode(*sealed);
    ASSERT_TRUE(decoded) << decoded.error().message;
    auto opened = initiator->open(*sealed, *decoded);
    ASSERT_TRUE(opened) << n << ": " << opened.error().message;
    EXPECT_EQ(*opened, inner);
  }
}

TEST_P(SkRoundTrip, WrongKeysAreRefused) {
  const IkeSuite& suite = GetParam().suite;
  auto sender = SkProtector::create(suite, makeKeys(suite, 1), true);
  auto stranger = SkProtector::create(suite, makeKeys(suite, 2), false);
  ASSERT_TRUE(sender && stranger);
  SeededRandom rnd(5);
  auto sealed = sender->seal(authHeader(false), authPayloads(), rnd);
  ASSERT_TRUE(sealed);
  auto decoded = wire::v2::decode(*sealed);
  ASSERT_TRUE(decoded);
  auto opened = stranger->open(*sealed, *decoded);
  ASSERT_FALSE(opened);
  EXPECT_TRUE(startsWith(opened.error().message, "integrity:")) << opened.error().message;
}

std::string caseName(const ::testing::TestParamInfo<SuiteCase>& info) { return info.param.label; }

INSTANTIATE_TEST_SUITE_P(AllSuites, SkRoundTrip, ::testing::ValuesIn(allSuites()), caseName);

TEST(SkProtector, RefusesKeysOfTheWrongSize) {
  IkePolicy p;
  p.encryption = Encryption::Aes256;
  p.authentication = Hash::Sha256;
  const IkeSuite suite = ikeSuiteFor(p);
  auto keys = makeKeys(suite, 9);
  keys.sk_ar.pop_back();
  EXPECT_FALSE(SkProtector::create(suite, keys, true));
  IkeSuite bogus = suite;
  bogus.encr_id = 99;
  EXPECT_FALSE(SkProtector::create(bogus, makeKeys(suite, 9), true));
}

// --- tampering ----------------------------------------------------------------------------

class SkTamper : public ::testing::TestWithParam<SuiteCase> {};

// Every single-bit change anywhere in the datagram (header, SK header, IV, ciphertext, ICV)
// is refused by the integrity check.
TEST_P(SkTamper, EveryFlippedBitIsRefused) {
  const IkeSuite& suite = GetParam().suite;
  const auto keys = makeKeys(suite, 21);
  auto initiator = SkProtector::create(suite, keys, true);
  auto responder = SkProtector::create(suite, keys, false);
  ASSERT_TRUE(initiator && responder);
  SeededRandom rnd(13);
  auto sealed = initiator->seal(authHeader(false), authPayloads(), rnd);
  ASSERT_TRUE(sealed);
  auto original = wire::v2::decode(*sealed);
  ASSERT_TRUE(original);
  ASSERT_TRUE(responder->open(*sealed, *original));

  for (size_t i = 0; i < sealed->size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes flipped = *sealed;
      flipped[i] ^= static_cast<uint8_t>(1u << bit);
      // With the structure decoded before the change (only the bytes differ)...
      auto opened = responder->open(flipped, *original);
      ASSERT_FALSE(opened) << "byte " << i << " bit " << bit;
      EXPECT_TRUE(startsWith(opened.error().message, "integrity:"))
          << "byte " << i << " bit " << bit << ": " << opened.error().message;
      // ...and as the engine does it: decode the received bytes first.
      auto decoded = wire::v2::decode(flipped);
      if (!decoded) {
        continue;  // the codec already refuses it (lengths, version)
      }
      auto again = responder->open(flipped, *decoded);
      ASSERT_FALSE(again) << "byte " << i << " bit " << bit;
      const auto* sk =
          decoded->payloads.empty()
              ? nullptr
              : std::get_if<wire::v2::EncryptedPayload>(&decoded->payloads.back().body);
      if (sk && decoded->payloads.back().type == wire::payload::kSk) {
        EXPECT_TRUE(startsWith(again.error().message, "integrity:"))
            << "byte " << i << " bit " << bit << ": " << again.error().message;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Some, SkTamper,
                         ::testing::Values(allSuites()[1], allSuites()[7], allSuites()[19],
                                           allSuites()[20], allSuites()[21]),
                         caseName);

// Builds a datagram by RFC 7296 §3.14 / RFC 5282 directly from the primitives, with the
// plaintext (including padding and Pad Length) chosen by the test.
Bytes craft(const IkeSuite& suite, const crypto::IkeKeys& keys, uint8_t inner_first,
            const Bytes& plaintext, size_t data_size_delta = 0) {
  wire::v2::Message m;
  m.header = authHeader(false);
  const bool aead = crypto::isAead(suite.encr_id);
  size_t iv_size = 0;
  size_t icv_size = 0;
  crypto::AeadPtr gcm;
  crypto::BlockCipherPtr cbc;
  crypto::IntegrityPtr integ;
  if (aead) {
    gcm = std::move(crypto::createAead(suite.encr_id, suite.encr_key_bits).value());
    iv_size = gcm->ivSize();
    icv_size = gcm->icvSize();
  } else {
    cbc = std::move(crypto::createBlockCipher(suite.encr_id, suite.encr_key_bits).value());
    integ = std::move(crypto::createIntegrity(suite.integ_id).value());
    iv_size = cbc->blockSize();
    icv_size = integ->icvSize();
  }
  wire::v2::EncryptedPayload sk;
  sk.inner_first = inner_first;
  sk.data.assign(iv_size + plaintext.size() + icv_size - data_size_delta, 0);
  for (size_t i = 0; i < iv_size; ++i) {
    sk.data[i] = static_cast<uint8_t>(0xa0 + i);
  }
  const size_t data_size = sk.data.size();
  m.payloads.push_back({wire::payload::kSk, false, sk});
  Bytes out = wire::v2::encode(m);
  const size_t offset = out.size() - data_size;
  const ByteView iv = ByteView(out).subspan(offset, iv_size);
  if (data_size_delta != 0) {
    return out;  // deliberately inconsistent sizes: contents do not matter
  }
  Bytes body;
  if (aead) {
    body = gcm->seal(keys.sk_ei, iv, ByteView(out).first(offset), plaintext).value();
  } else {
    body = cbc->encrypt(keys.sk_ei, iv, plaintext).value();
  }
  std::copy(body.begin(), body.end(), out.begin() + static_cast<ptrdiff_t>(offset + iv_size));
  if (!aead) {
    Bytes icv = integ->compute(keys.sk_ai, ByteView(out).first(out.size() - icv_size));
    std::copy(icv.begin(), icv.end(), out.end() - static_cast<ptrdiff_t>(icv_size));
  }
  return out;
}

const IkeSuite& cbcSuite() {
  static const IkeSuite s = allSuites()[7].suite;  // aes128_sha256
  return s;
}
const IkeSuite& gcmSuite() {
  static const IkeSuite s = allSuites()[20].suite;  // aes128gcm16
  return s;
}

Result<std::vector<Payload>> openCrafted(const IkeSuite& suite, const crypto::IkeKeys& keys,
                                         const Bytes& datagram) {
  auto responder = SkProtector::create(suite, keys, false);
  if (!responder) {
    return responder.error();
  }
  auto decoded = wire::v2::decode(datagram);
  if (!decoded) {
    return makeError("decode: " + decoded.error().message);
  }
  return responder->open(datagram, *decoded);
}

TEST(SkPadding, CraftedMessagesOpen) {
  // Cross-check of the format against an independent construction, including padding longer
  // than needed, which the recipient MUST accept (RFC 7296 §3.14).
  const auto inner = authPayloads();
  const Bytes chain = wire::v2::encodePayloadChain(inner);
  for (const IkeSuite* suite : {&cbcSuite(), &gcmSuite()}) {
    const auto keys = makeKeys(*suite, 77);
    const size_t block = crypto::isAead(suite->encr_id) ? 1 : 16;
    for (size_t extra_blocks : {0u, 1u, 3u}) {
      Bytes plain = chain;
      const size_t pad = (block - (chain.size() + 1) % block) % block + extra_blocks * block;
      plain.insert(plain.end(), pad, 0xee);
      plain.push_back(static_cast<uint8_t>(pad));
      auto opened = openCrafted(*suite, keys, craft(*suite, keys, wire::payload::kIdi, plain));
      ASSERT_TRUE(opened) << opened.error().message;
      EXPECT_EQ(*opened, inner);
    }
  }
}

TEST(SkPadding, SealPadsMinimally) {
  const auto keys = makeKeys(cbcSuite(), 5);
  auto initiator = SkProtector::create(cbcSuite(), keys, true);
  ASSERT_TRUE(initiator);
  SeededRandom rnd(1);
  const auto inner = authPayloads();
  const size_t chain = wire::v2::encodePayloadChain(inner).size();
  auto sealed = initiator->seal(authHeader(false), inner, rnd);
  ASSERT_TRUE(sealed);
  // Decrypt by hand: IV (16) | ciphertext | ICV (16 for SHA2-256-128).
  auto cbc = crypto::createBlockCipher(wire::encr::kAesCbc, 128).value();
  const ByteView data = ByteView(*sealed).subspan(wire::kHeaderSize + 4);
  auto plain = cbc->decrypt(keys.sk_ei, data.first(16), data.subspan(16, data.size() - 32));
  ASSERT_TRUE(plain);
  const size_t pad = plain->back();
  EXPECT_EQ(pad, (16 - (chain + 1) % 16) % 16);
  EXPECT_EQ(chain + pad + 1, plain->size());
  EXPECT_EQ(Bytes(plain->begin(), plain->begin() + static_cast<ptrdiff_t>(chain)),
            wire::v2::encodePayloadChain(inner));

  // GCM: no alignment, Pad Length 0.
  const auto gkeys = makeKeys(gcmSuite(), 5);
  auto g = SkProtector::create(gcmSuite(), gkeys, true);
  ASSERT_TRUE(g);
  auto gsealed = g->seal(authHeader(false), inner, rnd);
  ASSERT_TRUE(gsealed);
  EXPECT_EQ(gsealed->size(), wire::kHeaderSize + 4 + 8 + chain + 1 + 16);
  auto gcm = crypto::createAead(wire::encr::kAesGcm16, 128).value();
  const ByteView gdata = ByteView(*gsealed).subspan(wire::kHeaderSize + 4);
  auto gplain = gcm->open(gkeys.sk_ei, gdata.first(8),
                          ByteView(*gsealed).first(wire::kHeaderSize + 4), gdata.subspan(8));
  ASSERT_TRUE(gplain) << gplain.error().message;
  EXPECT_EQ(gplain->back(), 0);
  EXPECT_EQ(gplain->size(), chain + 1);
}

TEST(SkPadding, PadLengthBeyondPlaintextIsRefused) {
  const Bytes chain = wire::v2::encodePayloadChain(authPayloads());
  for (const IkeSuite* suite : {&cbcSuite(), &gcmSuite()}) {
    const auto keys = makeKeys(*suite, 78);
    const size_t block = crypto::isAead(suite->encr_id) ? 1 : 16;
    Bytes plain = chain;
    plain.insert(plain.end(), (block - (chain.size() + 1) % block) % block, 0);
    plain.push_back(0);
    plain.back() = static_cast<uint8_t>(std::min<size_t>(plain.size(), 255));
    auto opened = openCrafted(*suite, keys, craft(*suite, keys, wire::payload::kIdi, plain));
    ASSERT_FALSE(opened);
    EXPECT_TRUE(startsWith(opened.error().message, "malformed:")) << opened.error().message;
  }
  // Pad length = everything but itself: an empty inner chain, accepted.
  for (const IkeSuite* suite : {&cbcSuite(), &gcmSuite()}) {
    const auto keys = makeKeys(*suite, 79);
    Bytes plain(crypto::isAead(suite->encr_id) ? 5 : 32, 0);
    plain.back() = static_cast<uint8_t>(plain.size() - 1);
    auto opened = openCrafted(*suite, keys, craft(*suite, keys, wire::payload::kNone, plain));
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_TRUE(opened->empty());
  }
}

TEST(SkPadding, InnerPayloadsMustDecode) {
  // Authentic but garbled content (a chain whose length does not fit) is malformed.
  for (const IkeSuite* suite : {&cbcSuite(), &gcmSuite()}) {
    const auto keys = makeKeys(*suite, 80);
    Bytes plain = {0, 0, 0, 200, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0};
    auto opened = openCrafted(*suite, keys, craft(*suite, keys, wire::payload::kNonce, plain));
    ASSERT_FALSE(opened);
    EXPECT_TRUE(startsWith(opened.error().message, "malformed:")) << opened.error().message;
  }
}

TEST(SkTruncated, ShortSkDataIsRefused) {
  const Bytes chain = wire::v2::encodePayloadChain(authPayloads());
  // CBC: no ciphertext block at all; a ciphertext that is not whole blocks.
  {
    const auto keys = makeKeys(cbcSuite(), 81);
    auto no_block = openCrafted(cbcSuite(), keys,
                                craft(cbcSuite(), keys, wire::payload::kIdi, Bytes(16, 0), 16));
    ASSERT_FALSE(no_block);
    EXPECT_TRUE(startsWith(no_block.error().message, "malformed:")) << no_block.error().message;
    auto partial = openCrafted(cbcSuite(), keys,
                               craft(cbcSuite(), keys, wire::payload::kIdi, Bytes(48, 0), 1));
    ASSERT_FALSE(partial);
    EXPECT_TRUE(startsWith(partial.error().message, "malformed:")) << partial.error().message;
  }
  // GCM: less than IV + Pad Length + tag.
  {
    const auto keys = makeKeys(gcmSuite(), 82);
    auto tiny =
        openCrafted(gcmSuite(), keys, craft(gcmSuite(), keys, wire::payload::kIdi, Bytes(1, 0), 1));
    ASSERT_FALSE(tiny);
    EXPECT_TRUE(startsWith(tiny.error().message, "malformed:")) << tiny.error().message;
  }
  // A real message cut short by one block (lengths rewritten to match): the ICV no longer
  // verifies. Cut by one byte: not a whole number of blocks.
  {
    const auto keys = makeKeys(cbcSuite(), 83);
    auto initiator = SkProtector::create(cbcSuite(), keys, true);
    auto responder = SkProtector::create(cbcSuite(), keys, false);
    SeededRandom rnd(2);
    auto sealed = initiator->seal(authHeader(false), authPayloads(), rnd);
    ASSERT_TRUE(sealed);
    auto decoded = wire::v2::decode(*sealed);
    ASSERT_TRUE(decoded);
    for (size_t cut : {16u, 1u}) {
      wire::v2::Message shorter = *decoded;
      auto& sk = std::get<wire::v2::EncryptedPayload>(shorter.payloads.back().body);
      sk.data.resize(sk.data.size() - cut);
      Bytes bytes = wire::v2::encode(shorter);
      auto redecoded = wire::v2::decode(bytes);
      ASSERT_TRUE(redecoded);
      auto opened = responder->open(bytes, *redecoded);
      ASSERT_FALSE(opened);
      EXPECT_TRUE(startsWith(opened.error().message, cut == 16 ? "integrity:" : "malformed:"))
          << opened.error().message;
    }
  }
}

TEST(SkProtector, RefusesToSealOversizedMessages) {
  const auto keys = makeKeys(cbcSuite(), 85);
  auto initiator = SkProtector::create(cbcSuite(), keys, true);
  ASSERT_TRUE(initiator);
  SeededRandom rnd(3);
  std::vector<Payload> inner;
  for (int i = 0; i < 3; ++i) {
    inner.push_back({wire::payload::kVendorId, false, wire::v2::VendorIdPayload{Bytes(30000, 1)}});
  }
  EXPECT_FALSE(initiator->seal(authHeader(false), inner, rnd));
}

TEST(SkProtector, NoSkPayloadIsMalformed) {
  const auto keys = makeKeys(cbcSuite(), 84);
  auto responder = SkProtector::create(cbcSuite(), keys, false);
  ASSERT_TRUE(responder);
  wire::v2::Message m;
  m.header = authHeader(false);
  m.payloads.push_back({wire::payload::kNonce, false, wire::v2::NoncePayload{Bytes(32, 1)}});
  Bytes bytes = wire::v2::encode(m);
  auto decoded = wire::v2::decode(bytes);
  ASSERT_TRUE(decoded);
  auto opened = responder->open(bytes, *decoded);
  ASSERT_FALSE(opened);
  EXPECT_TRUE(startsWith(opened.error().message, "malformed:"));
  // A datagram shorter than the SK data the decoded message claims.
  auto initiator = SkProtector::create(cbcSuite(), keys, true);
  ASSERT_TRUE(initiator);
  SeededRandom rnd(1);
  auto sealed = initiator->seal(authHeader(false), {}, rnd);
  ASSERT_TRUE(sealed);
  auto sk_decoded = wire::v2::decode(*sealed);
  ASSERT_TRUE(sk_decoded);
  auto short_open = responder->open(ByteView(*sealed).first(40), *sk_decoded);
  ASSERT_FALSE(short_open);
  EXPECT_TRUE(startsWith(short_open.error().message, "malformed:"));
}

// --- PSK authentication -------------------------------------------------------------------

Bytes hmac(const EVP_MD* md, ByteView key, ByteView data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()), data.data(), data.size(), out, &len);
  return Bytes(out, out + len);
}

struct PskInputs {
  Bytes psk = toBytes(view(std::string_view("correct horse battery staple")));
  Bytes message;
  Bytes nonce = Bytes(32, 0xa5);
  Bytes sk_p;
  wire::v2::IdPayload id{wire::id::kFqdn, toBytes(view(std::string_view("gw.example.net")))};
  PskInputs() {
    for (int i = 0; i < 0x40; ++i) {
      message.push_back(static_cast<uint8_t>(i));
    }
    for (int i = 0x80; i < 0xa0; ++i) {
      sk_p.push_back(static_cast<uint8_t>(i));
    }
  }
};

TEST(PskAuth, IdPayloadBody) {
  wire::v2::IdPayload id{wire::id::kIpv4, {198, 51, 100, 7}};
  EXPECT_EQ(idPayloadBody(id), (Bytes{1, 0, 0, 0, 198, 51, 100, 7}));
  EXPECT_EQ(idPayloadBody(wire::v2::IdPayload{wire::id::kFqdn, {}}), (Bytes{2, 0, 0, 0}));
}

TEST(PskAuth, MatchesIndependentHmac) {
  const PskInputs in;
  const std::pair<uint16_t, const EVP_MD*> prfs[] = {{wire::prf::kHmacMd5, EVP_md5()},
                                                     {wire::prf::kHmacSha1, EVP_sha1()},
                                                     {wire::prf::kHmacSha256, EVP_sha256()},
                                                     {wire::prf::kHmacSha384, EVP_sha384()},
                                                     {wire::prf::kHmacSha512, EVP_sha512()}};
  for (const auto& [id, md] : prfs) {
    auto prf = crypto::createPrf(id);
    ASSERT_TRUE(prf);
    // RFC 7296 §2.15 written out with OpenSSL's one-shot HMAC.
    const Bytes key = hmac(md, in.psk, view(std::string_view("Key Pad for IKEv2")));
    const Bytes id_body = concat(Bytes{wire::id::kFqdn, 0, 0, 0}, in.id.data);
    const Bytes want = hmac(md, key, concat(in.message, in.nonce, hmac(md, in.sk_p, id_body)));
    const SecureBytes got = pskAuth(**prf, in.psk, in.message, in.nonce, in.sk_p, in.id);
    EXPECT_EQ(toHex(got), toHex(want)) << "prf " << id;
  }
}

TEST(PskAuth, KnownValues) {
  // Computed with Python's hmac module from the same inputs.
  const PskInputs in;
  auto sha1 = crypto::createPrf(wire::prf::kHmacSha1);
  auto sha256 = crypto::createPrf(wire::prf::kHmacSha256);
  ASSERT_TRUE(sha1 && sha256);
  EXPECT_EQ(toHex(pskAuth(**sha1, in.psk, in.message, in.nonce, in.sk_p, in.id)),
            "9fe7dd70d4f1c9eacfa4d138ccd36801e3be837b");
  EXPECT_EQ(toHex(pskAuth(**sha256, in.psk, in.message, in.nonce, in.sk_p, in.id)),
            "a7e14a7379c9d9d2e9bc0ceb3cdd4d0300edb10f9ecbc76c3deec72885e6ea85");
  // Any change in the inputs changes the value.
  PskInputs other;
  other.nonce.back() ^= 1;
  EXPECT_NE(toHex(pskAuth(**sha256, other.psk, other.message, other.nonce, other.sk_p, other.id)),
            toHex(pskAuth(**sha256, in.psk, in.message, in.nonce, in.sk_p, in.id)));
}

}  // namespace
}  // namespace vpngw::ike
