// Known-answer tests: complete ESP packets from RFC 3602 §4 (AES-CBC, cases 5-8, no ICV) and
// from draft-mcgrew-gcm-test-01 §4 (AES-GCM-16, RFC 4106). The encryptor chooses IVs, so the
// vector's IV is injected with setIvForTesting(). The vectors' trailers carry next header 1
// (ICMP, transport mode) in several cases, so those are decapsulated without the tunnel-mode
// IP payload requirement.
#include <gtest/gtest.h>

#include <ostream>

#include "esp/esp_inbound.h"
#include "esp/esp_outbound.h"
#include "esp_test_util.h"

namespace vpngw::esp {
namespace {

using test::hex;

struct Vector {
  const char* name;
  uint16_t encr_id;
  uint16_t key_bits;
  const char* key;  // with the salt for GCM
  uint32_t spi;
  uint64_t seq;
  bool esn;
  const char* iv;
  // RFC 3602 lists the payload; the GCM draft lists the plaintext including the ESP trailer,
  // which is split off here (checking that it is the minimal, monotonic padding).
  const char* plaintext;
  bool with_trailer;
  uint8_t next_header;
  const char* packet;  // SPI through ICV
};

void PrintTo(const Vector& v, std::ostream* os) { *os << v.name; }

const Vector kVectors[] = {
    // RFC 3602 §4 Case #5: transport-mode ESP (ping 192.168.123.100), 64-byte ICMP payload.
    {"rfc3602_case5", encr::kAesCbc, 128, "90d382b410eeba7ad938c46cec1a82bf", 0x4321, 1, false,
     "e96e8c08ab465763fd098d45dd3ff893",
     "08000ebda70a00008e9c083db95b070008090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
     "202122232425262728292a2b2c2d2e2f3031323334353637",
     false, 1,
     "0000432100000001e96e8c08ab465763fd098d45dd3ff893f663c25d325c18c6a9453e194e120849"
     "a4870b66cc6b9965330013b4898dc856a4699e523a55db080b59ec3a8e4b7e52775b07d1db34ed9c"
     "538ab50c551b874aa269add047ad2d5913ac19b7cfbad4a6"},
    // Case #6: transport mode, 28-byte ICMP payload.
    {"rfc3602_case6", encr::kAesCbc, 128, "90d382b410eeba7ad938c46cec1a82bf", 0x4321, 8, false,
     "69d08df7d203329db093fc4924e5bd80", "0800b5e8a80a0500a69c083d0b660e00777777777777777777777777",
     false, 1,
     "000043210000000869d08df7d203329db093fc4924e5bd80f51995881ec4e0c4488987ce742e8109"
     "689bb379d2d750c0d915dca346a89f75"},
    // Case #7: tunnel mode (next header 4), 84-byte inner IPv4 packet.
    {"rfc3602_case7", encr::kAesCbc, 128, "0123456789abcdef0123456789abcdef", 0x8765, 2, false,
     "f4e765244f6407adf13dc1380f673f37",
     "45000054090400004001f988c0a87b03c0a87bc808009f76a90a0100b49c083d02a2040008090a0b"
     "0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f30313233"
     "34353637",
     false, 4,
     "0000876500000002f4e765244f6407adf13dc1380f673f37773b5241a4c449225e4f3ce5ed611b0c"
     "237ca96cf74a93013c1b0ea1a0cf70f8e4ecaec78ac53aad7a0f022b859243c647752e94a859352b"
     "8a4d4d2decd136e5c177f132ad3fbfb2201ac9904c74ee0a109e0ca1e4dfe9d5a100b842f1c22f0d"},
    // Case #8: tunnel mode, 68-byte inner IPv4 packet.
    {"rfc3602_case8", encr::kAesCbc, 128, "0123456789abcdef0123456789abcdef", 0x8765, 5, false,
     "85d47224b5f3dd5d2101d4ea8dffab22",
     "45000044090c00004001f990c0a87b03c0a87bc80800d63caa0a0200c69c083da3de0300"
     "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
     false, 4,
     "000087650000000585d47224b5f3dd5d2101d4ea8dffab2215b92683819596a8047232cc00f7048f"
     "e45318e11f8a0f62ede3c3fc61203bb50f980a08c9843fd3a1b06d5c07ff9639b7eb7dfb3512e5de"
     "435e7207ed971ef3d2726d9b5ef6affc6d17a0decbb13892"},
    // draft-mcgrew-gcm-test-01 §4, case 1: AES-128-GCM with ESN (AAD = SPI | high | low).
    {"gcm_case1_esn", encr::kAesGcm16, 128, "4c80cdefbb5d10da906ac73c3613a6342e443b68", 0x4321,
     0x8765432100000000ull, true, "4956ed7e3b244cfe",
     "45000048699a000080114db7c0a80102c0a801010a9bf15638d3010000010000"
     "00000000045f736970045f756470037369700963796265726369747902646b00"
     "0021000101020201",
     true, 1,
     "00004321000000004956ed7e3b244cfefecf537e729d5b07dc30df528dd22b768d1b98736696a6fd"
     "348509fa13ceac34cfa2436f14a3f3cf65925bf1f4a13c5d15b21e1884f5ff6247aeabb786b93bce"
     "61bc17d768fd9732459018148f6cbe722fd04796562dfdb4"},
    // Case 2: AES-128-GCM, 32-bit sequence number, no padding needed.
    {"gcm_case2", encr::kAesGcm16, 128, "feffe9928665731c6d6a8f9467308308cafebabe", 0xa5f8, 0x0a,
     false, "facedbaddecaf888",
     "4500003e698f000080114dccc0a80102c0a801010a980035002a2343b2d00100"
     "00010000000000000373697009637962"
     "65726369747902646b00000100010001",
     true, 1,
     "0000a5f80000000afacedbaddecaf888deb22cd9b07c72c16e3a65beeb8df304a5a5897d33ae530f"
     "1ba76d5d114d2a5c3de81827c10e9a4f51330d0eec416642cfbb85a5b47e48a4ec3b9ba95d918bd1"
     "83b70d3aa8bc6ee4c309e9d85a41ad4a"},
    // Case 3: AES-256-GCM.
    {"gcm_case3_256", encr::kAesGcm16, 256,
     "abbccddef00112233445566778899aababbccddef00112233445566778899aab11223344", 0x4a2cbfe3, 2,
     false, "0102030405060708",
     "4500003069a6400080062690c0a801029389155e0a9e008b2dc57ee000000000"
     "7002400020bf0000020405b40101040201020201",
     true, 1,
     "4a2cbfe3000000020102030405060708ff425c9b724599df7a3bcd510194e00d6a78107f1b0b1cbf"
     "06efae9d65a5d763748a637985771d347f0545659f14e99def842d8eb335f4eecfdbf831824b4c49"
     "15956c96"},
    // Case 5: AES-128-GCM, ESN.
    {"gcm_case5_esn", encr::kAesGcm16, 128, "3de09874b388e6491988d0c3607eae1f57690e43", 0x42f67e3f,
     0x1010101010101010ull, true, "4e280000a2fca1a3",
     "4500003c99c300008001cb7c40679318010101010800085c0200430061626364"
     "65666768696a6b6c6d6e6f7071727374"
     "75767761626364656667686901020201",
     true, 1,
     "42f67e3f101010104e280000a2fca1a3fba2caa4853cf9f0f22cb10d86dd83b0fec75691cf1a04b0"
     "0d1138ec9c35791765acbd8701ad79845bf9fe3fba487bc91755e6662b4c8d0d1f5e22739530320a"
     "e0d731cc978ecafaeae88f00e80d6e48"},
    // Case 7: AES-192-GCM (the trailer is 00 01: no padding).
    {"gcm_case7_192", encr::kAesGcm16, 192,
     "feffe9928665731c6d6a8f9467308308feffe9928665731ccafebabe", 0xa5f8, 0x0a, false,
     "facedbaddecaf888",
     "45000028a4ad4000400678800a01038f0a010612802306b8cb712602dd6bb03e501016d075680001", true, 1,
     "0000a5f80000000afacedbaddecaf888a5b1f8066029aea40e598b8122de02420938b3ab33f828e6"
     "87b8858b5bfbdbd0315b27452144cc7795457b9652037f5318027b5b4cd7a636"},
    // Case 8: AES-128-GCM, ESN with sequence number 1 (high half 0 in the AAD), one pad byte.
    {"gcm_case8_esn1", encr::kAesGcm16, 128, "abbccddef00112233445566778899aabdecaf888", 0x100, 1,
     true, "cafedebaceface74",
     "4500004933ba00007f119106c3fb1d10c2b1d326c02831ce0035dd7b800302d5"
     "00004e20001e8c18d75b81dc91baa0476b91b924b280389d92c963bac046ec95"
     "9b6266c04722b14923010101",
     true, 1,
     "0000010000000001cafedebaceface7418a6fd42f72cbf4ab2a2ea901f73d814e3e7f243d95412e1"
     "c349c1d2fbec168f9190feebaf2cb01984e65863965d7472b79da345e0e780191f0d2f0e0f496c22"
     "6f2127b27db35724e7845d68651f57e65f354f75ff17015769623436"},
    // An empty payload (trailer only) with the last 32-bit sequence number.
    {"gcm_empty_payload", encr::kAesGcm16, 128, "7d773d00c144c525ac619d18c84a3f47d9664267",
     0x335467ae, 0xffffffffu, false, "43457e9182443bc6", "01020201", true, 1,
     "335467aeffffffff43457e9182443bc6437f866bcb3f699fe9b0822bac961c4504bef270"},
    // AES-256-GCM with the largest ESN.
    {"gcm_256_esn_max", encr::kAesGcm16, 256,
     "6c6567616c697a656d6172696a75616e61616e64646f69746265666f726569617475726e", 0x796b6963,
     0xffffffffffffffffull, true, "333021696765746d",
     "45000030da3a00008001df3bc0a80005c0a800010800c6cd0200070061626364"
     "65666768696a6b6c6d6e6f707172737401020201",
     true, 1,
     "796b6963ffffffff333021696765746df97ab2aa356d8edce17644ac8c78e25dd24dedbb29ebf1b6"
     "4a274b39b49c3a864cd3d78ca4ae68a32b42458fb57dbe821dcc63b9d0937ba2945f669368661a32"
     "9fb4c053"},
};

// The payload part of a vector's plaintext.
Bytes payloadOf(const Vector& v) {
  Bytes p = hex(v.plaintext);
  if (!v.with_trailer) {
    return p;
  }
  EXPECT_GE(p.size(), 2u);
  EXPECT_EQ(p.back(), v.next_header);
  size_t pad = p[p.size() - 2];
  EXPECT_GE(p.size(), pad + 2);
  p.resize(p.size() - 2 - pad);
  return p;
}

class EspVectorTest : public ::testing::TestWithParam<Vector> {};

TEST_P(EspVectorTest, EncapsulateReproducesThePacket) {
  const Vector& v = GetParam();
  Bytes key = hex(v.key);
  SaParams sa{v.spi, v.encr_id, v.key_bits, integ::kNone, v.esn, view(key), {}};
  auto out = EspOutbound::create(sa);
  ASSERT_TRUE(out.ok()) << out.error().message;
  Bytes iv = hex(v.iv);
  out->setIvForTesting(view(iv));
  Bytes payload = payloadOf(v);
  Bytes expected = hex(v.packet);
  ASSERT_EQ(out->packetSize(payload.size()), expected.size());
  Bytes buf(expected.size() + 7, 0xee);
  auto n = out->encapsulate(v.seq, view(payload), buf, v.next_header);
  ASSERT_TRUE(n.ok()) << toString(n.error());
  buf.resize(*n);
  EXPECT_EQ(toHex(view(buf)), toHex(view(expected)));
}

TEST_P(EspVectorTest, DecapsulateRecoversThePayload) {
  const Vector& v = GetParam();
  Bytes key = hex(v.key);
  SaParams sa{v.spi, v.encr_id, v.key_bits, integ::kNone, v.esn, view(key), {}};
  auto in = EspInbound::create(sa, InboundOptions{.require_ip_payload = false});
  ASSERT_TRUE(in.ok()) << in.error().message;
  Bytes packet = hex(v.packet);
  auto r = in->decapsulate(v.seq, packet);
  ASSERT_TRUE(r.ok()) << toString(r.error());
  EXPECT_EQ(toHex(ByteView(r->data)), toHex(view(payloadOf(v))));
  EXPECT_EQ(r->next_header, v.next_header);
  // The payload is returned in place, inside the caller's buffer.
  EXPECT_GE(r->data.data(), packet.data());
  EXPECT_LE(r->data.data() + r->data.size(), packet.data() + packet.size());
}

TEST_P(EspVectorTest, TunnelModeAcceptsOnlyIpPayloads) {
  const Vector& v = GetParam();
  Bytes key = hex(v.key);
  SaParams sa{v.spi, v.encr_id, v.key_bits, integ::kNone, v.esn, view(key), {}};
  auto in = EspInbound::create(sa);  // require_ip_payload
  ASSERT_TRUE(in.ok());
  Bytes packet = hex(v.packet);
  auto r = in->decapsulate(v.seq, packet);
  if (v.next_header == kNextHeaderIpv4) {
    ASSERT_TRUE(r.ok()) << toString(r.error());
    EXPECT_EQ(toHex(ByteView(r->data)), toHex(view(payloadOf(v))));
  } else {
    EXPECT_EQ(r.error(), PacketError::kBadNextHeader);
  }
}

INSTANTIATE_TEST_SUITE_P(Rfc, EspVectorTest, ::testing::ValuesIn(kVectors),
                         [](const ::testing::TestParamInfo<Vector>& p) {
                           return std::string(p.param.name);
                         });

TEST(EspVectors, GcmExplicitIvIsTheSequenceNumber) {
  // RFC 4106 §3.1: a counter is a valid IV; ours is the 64-bit sequence number.
  Bytes key = hex("feffe9928665731c6d6a8f9467308308cafebabe");
  auto out = EspOutbound::create(SaParams{0xa5f8, encr::kAesGcm16, 128, 0, true, view(key), {}});
  ASSERT_TRUE(out.ok());
  Bytes payload = test::ipv4Packet(60);
  Bytes buf(200);
  auto n = out->encapsulate(0x0000000500000009ull, view(payload), buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(toHex(ByteView(buf).subspan(0, 16)), "0000a5f8000000090000000500000009");
}

}  // namespace
}  // namespace vpngw::esp
