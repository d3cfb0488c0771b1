// Typed phase-1 / phase-2 transform attributes (RFC 2409 Appendix A, RFC 2407 §4.5, RFC 3947
// §5.1, RFC 4304).
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "unit/wire/ikev1_samples.h"
#include "wire/ikev1/attributes.h"

namespace vpngw::wire::v1 {
namespace {

using samples::hex;

Transform p1(std::vector<Attribute> attributes) {
  return Transform{1, transform_id::kKeyIke, std::move(attributes)};
}
Transform p2(std::vector<Attribute> attributes) {
  return Transform{1, transform_id::kEsp3Des, std::move(attributes)};
}

void expectError(const Result<Phase1Attributes>& r, const std::string& what) {
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(what), std::string::npos) << r.error().message;
}
void expectError(const Result<Phase2Attributes>& r, const std::string& what) {
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(what), std::string::npos) << r.error().message;
}

TEST(Ikev1Attributes, Phase1BasicAndVariableLife) {
  auto r = parsePhase1(p1({Attribute::tv(p1attr::kEncryption, p1encr::k3DesCbc),
                           Attribute::tv(p1attr::kHash, p1hash::kMd5),
                           Attribute::tv(p1attr::kAuthMethod, p1auth::kPsk),
                           Attribute::tv(p1attr::kGroupDescription, 2),
                           Attribute::tv(p1attr::kLifeType, life::kSeconds),
                           Attribute::tlv(p1attr::kLifeDuration, hex("00015180")),
                           Attribute::tv(p1attr::kLifeType, life::kKilobytes),
                           Attribute::tlv(p1attr::kLifeDuration, hex("0100000000"))}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->encryption, p1encr::k3DesCbc);
  EXPECT_EQ(r->key_length, 0);
  EXPECT_EQ(r->hash, p1hash::kMd5);
  EXPECT_EQ(r->auth_method, p1auth::kPsk);
  EXPECT_EQ(r->group, 2);
  EXPECT_EQ(r->life.seconds, 86400u);
  EXPECT_EQ(r->life.kilobytes, 0x100000000u);
}

TEST(Ikev1Attributes, Phase1Refusals) {
  expectError(parsePhase1(Transform{1, 2, {}}), "is not KEY_IKE");
  expectError(parsePhase1(p1({Attribute::tlv(p1attr::kGroupPrime, hex("ff"))})),
              "unsupported attribute 6");
  expectError(parsePhase1(p1({Attribute::tv(p1attr::kPrf, 1)})), "unsupported attribute 13");
  expectError(parsePhase1(p1({Attribute::tv(p1attr::kHash, 1), Attribute::tv(p1attr::kHash, 2)})),
              "duplicate attribute 2");
  expectError(parsePhase1(p1({Attribute::tlv(p1attr::kEncryption, hex("0007"))})), "must be basic");
  expectError(parsePhase1(p1({Attribute::tv(p1attr::kLifeDuration, 100)})),
              "Life Duration without Life Type");
  expectError(parsePhase1(p1({Attribute::tv(p1attr::kLifeType, 1)})),
              "Life Type without Life Duration");
  expectError(
      parsePhase1(p1({Attribute::tv(p1attr::kLifeType, 1), Attribute::tv(p1attr::kLifeType, 2)})),
      "Life Type without Life Duration");
  expectError(parsePhase1(p1(
                  {Attribute::tv(p1attr::kLifeType, 1), Attribute::tv(p1attr::kLifeDuration, 1),
                   Attribute::tv(p1attr::kLifeType, 1), Attribute::tv(p1attr::kLifeDuration, 2)})),
              "duplicate Life Type 1");
  expectError(parsePhase1(p1(
                  {Attribute::tv(p1attr::kLifeType, 3), Attribute::tv(p1attr::kLifeDuration, 1)})),
              "unknown Life Type 3");
  expectError(parsePhase1(p1({Attribute::tlv(p1attr::kLifeType, hex("0001")),
                              Attribute::tv(p1attr::kLifeDuration, 1)})),
              "Life Type must be a basic attribute");
  expectError(parsePhase1(p1({Attribute::tv(p1attr::kLifeType, 1),
                              Attribute::tlv(p1attr::kLifeDuration, {})})),
              "Life Duration of 0 bytes");
  expectError(parsePhase1(p1({Attribute::tv(p1attr::kLifeType, 1),
                              Attribute::tlv(p1attr::kLifeDuration, Bytes(9, 1))})),
              "Life Duration of 9 bytes");
}

TEST(Ikev1Attributes, Phase2AllAttributes) {
  auto r = parsePhase2(p2(
      {Attribute::tv(p2attr::kLifeType, life::kSeconds), Attribute::tv(p2attr::kLifeDuration, 3600),
       Attribute::tv(p2attr::kLifeType, life::kKilobytes),
       Attribute::tlv(p2attr::kLifeDuration, hex("0003d090")),
       Attribute::tv(p2attr::kGroupDescription, 14),
       Attribute::tv(p2attr::kEncapsulationMode, encap::kUdpTunnelDraft),
       Attribute::tv(p2attr::kAuthAlgorithm, p2auth::kHmacSha256),
       Attribute::tv(p2attr::kKeyLength, 256), Attribute::tv(p2attr::kEsn, 1)}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->life, (Lifetime{3600, 250000}));
  EXPECT_EQ(r->group, 14);
  EXPECT_EQ(r->encapsulation, encap::kUdpTunnelDraft);
  EXPECT_EQ(r->auth_algorithm, p2auth::kHmacSha256);
  EXPECT_EQ(r->key_length, 256);
  EXPECT_TRUE(r->esn);

  auto empty = parsePhase2(p2({}));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, Phase2Attributes{});
}

TEST(Ikev1Attributes, Phase2Refusals) {
  expectError(parsePhase2(p2({Attribute::tv(p2attr::kKeyRounds, 1)})), "unsupported attribute 7");
  expectError(parsePhase2(p2({Attribute::tv(p2attr::kEcnTunnel, 1)})), "unsupported attribute 10");
  expectError(parsePhase2(p2({Attribute::tv(p2attr::kEsn, 2)})), "ESN attribute value 2");
  expectError(parsePhase2(p2({Attribute::tv(p2attr::kEncapsulationMode, 1),
                              Attribute::tv(p2attr::kEncapsulationMode, 1)})),
              "duplicate attribute 4");
  expectError(parsePhase2(p2({Attribute::tlv(p2attr::kAuthAlgorithm, hex("0002"))})),
              "must be basic");
  expectError(parsePhase2(p2({Attribute::tv(p2attr::kLifeDuration, 5)})),
              "Life Duration without Life Type");
}

TEST(Ikev1Attributes, LifetimesRoundTripInTheSmallestForm) {
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  struct Case {
    uint64_t value;
    bool basic;
    size_t bytes;
  };
  for (Case c : {Case{1, true, 0}, Case{65535, true, 0}, Case{65536, false, 4},
                 Case{0xffffffff, false, 4}, Case{0x100000000, false, 8}, Case{max, false, 8}}) {
    Phase1Attributes a{.encryption = p1encr::kAesCbc, .life = {.seconds = c.value}};
    Transform t = makePhase1Transform(3, a);
    EXPECT_EQ(t.number, 3);
    ASSERT_EQ(t.attributes.size(), 3u);
    EXPECT_EQ(t.attributes[2].basic, c.basic) << c.value;
    EXPECT_EQ(t.attributes[2].data.size(), c.bytes) << c.value;
    auto back = parsePhase1(t);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, a);

    Phase2Attributes b{.life = {.kilobytes = c.value}, .esn = true};
    Transform u = makePhase2Transform(2, transform_id::kEspAesGcm16, b);
    EXPECT_EQ(u.id, transform_id::kEspAesGcm16);
    auto back2 = parsePhase2(u);
    ASSERT_TRUE(back2.ok()) << back2.error().message;
    EXPECT_EQ(*back2, b);
  }
}

TEST(Ikev1Attributes, EncapsulationModes) {
  EXPECT_TRUE(isTunnelMode(encap::kTunnel));
  EXPECT_TRUE(isTunnelMode(encap::kUdpTunnel));
  EXPECT_TRUE(isTunnelMode(encap::kUdpTunnelDraft));
  EXPECT_FALSE(isTunnelMode(encap::kTransport));
  EXPECT_FALSE(isTunnelMode(encap::kUdpTransportDraft));
  EXPECT_TRUE(isUdpEncapsulated(encap::kUdpTunnel));
  EXPECT_TRUE(isUdpEncapsulated(encap::kUdpTransport));
  EXPECT_TRUE(isUdpEncapsulated(encap::kUdpTunnelDraft));
  EXPECT_TRUE(isUdpEncapsulated(encap::kUdpTransportDraft));
  EXPECT_FALSE(isUdpEncapsulated(encap::kTunnel));
  EXPECT_FALSE(isUdpEncapsulated(0));
}

}  // namespace
}  // namespace vpngw::wire::v1

namespace vpngw::wire::v1 {
namespace {

TEST(Ikev1Attributes, ResponderLifetime) {
  // RFC 2407 §4.6.3.1: the notify data is SA Life Type/Duration pairs.
  auto life = parseResponderLifetime(samples::hex("80010001 00020004 00000e10"));
  ASSERT_TRUE(life.ok()) << life.error().message;
  EXPECT_EQ(*life, (Lifetime{3600, 0}));
  Lifetime both{28800, 4608000};
  auto back = parseResponderLifetime(makeResponderLifetime(both));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, both);
  EXPECT_EQ(makeResponderLifetime({3600, 0}), samples::hex("80010001 80020e10"));
  EXPECT_EQ(makeResponderLifetime({3600, 0}, true), samples::hex("800b0001 800c0e10"));
  auto p1 = parseResponderLifetime(samples::hex("800b0001 800c0e10"), true);
  ASSERT_TRUE(p1.ok());
  EXPECT_EQ(p1->seconds, 3600u);

  EXPECT_FALSE(parseResponderLifetime(samples::hex("800b0001 800c0e10")).ok());  // phase-1 ids
  EXPECT_FALSE(parseResponderLifetime(samples::hex("80010001")).ok());           // no duration
  EXPECT_FALSE(parseResponderLifetime(samples::hex("80010001 0002")).ok());      // truncated
  EXPECT_FALSE(parseResponderLifetime(samples::hex("80010001 00020008 0000")).ok());
  EXPECT_FALSE(parseResponderLifetime(samples::hex("80040001")).ok());  // not a lifetime
  auto empty = parseResponderLifetime({});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, Lifetime{});
}

TEST(Ikev1Attributes, AttributeListRoundTrip) {
  std::vector<Attribute> list = {Attribute::tv(1, 2), Attribute::tlv(2, samples::hex("0102")),
                                 Attribute::tlv(9, {})};
  Bytes wire = encodeAttributeList(list);
  EXPECT_EQ(wire, samples::hex("80010002 00020002 0102 00090000"));
  auto back = decodeAttributeList(wire);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, list);
}

TEST(Ikev1Message, CookiePair) {
  EXPECT_EQ(cookiePair(0x0102030405060708, 0xa1a2a3a4a5a6a7a8),
            samples::hex("0102030405060708a1a2a3a4a5a6a7a8"));
}

}  // namespace
}  // namespace vpngw::wire::v1
