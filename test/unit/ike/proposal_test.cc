#include "ike/proposal.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vpngw::ike {
namespace {

using wire::ProtocolId;
using wire::v2::Proposal;
using wire::v2::SaPayload;
using wire::v2::Transform;
namespace tt = wire::transform;

Transform encr(uint16_t id, std::optional<uint16_t> bits = std::nullopt) {
  return {tt::kEncr, id, bits};
}
Transform prf(uint16_t id) { return {tt::kPrf, id, std::nullopt}; }
Transform integ(uint16_t id) { return {tt::kInteg, id, std::nullopt}; }
Transform dh(uint16_t id) { return {tt::kDh, id, std::nullopt}; }
Transform esn(uint16_t id) { return {tt::kEsn, id, std::nullopt}; }

Proposal ikeProposal(uint8_t number, std::vector<Transform> transforms) {
  return Proposal{number, ProtocolId::Ike, {}, std::move(transforms)};
}
Proposal espProposal(uint8_t number, std::vector<Transform> transforms,
                     Bytes spi = {0x12, 0x34, 0x56, 0x78}) {
  return Proposal{number, ProtocolId::Esp, std::move(spi), std::move(transforms)};
}

IkeSuite ike(Encryption e, Hash h, uint16_t group) {
  IkePolicy p;
  p.encryption = e;
  p.authentication = h;
  p.dh_group = group;
  return ikeSuiteFor(p);
}

ChildSuite esp(Encryption e, std::optional<Hash> h, std::optional<uint16_t> pfs) {
  IpsecPolicy p;
  p.protocol = IpsecProtocol::Esp;
  p.encryption = e;
  p.authentication = h;
  p.pfs_group = pfs;
  return childSuiteFor(p);
}

ChildSuite ah(Hash h, std::optional<uint16_t> pfs) {
  IpsecPolicy p;
  p.protocol = IpsecProtocol::Ah;
  p.encryption = std::nullopt;
  p.authentication = h;
  p.pfs_group = pfs;
  return childSuiteFor(p);
}

struct EncrCase {
  Encryption e;
  const char* token;
  uint16_t id;
  uint16_t bits;
  bool aead;
};
const EncrCase kEncrs[] = {
    {Encryption::Des3, "3des", 3, 0, false},
    {Encryption::Aes128, "aes128", 12, 128, false},
    {Encryption::Aes192, "aes192", 12, 192, false},
    {Encryption::Aes256, "aes256", 12, 256, false},
    {Encryption::Aes128Gcm16, "aes128gcm16", 20, 128, true},
    {Encryption::Aes256Gcm16, "aes256gcm16", 20, 256, true},
};

struct HashCase {
  Hash h;
  const char* token;
  uint16_t integ;
  uint16_t prf;
};
const HashCase kHashes[] = {
    {Hash::Md5, "md5", 1, 1},        {Hash::Sha1, "sha1", 2, 2},
    {Hash::Sha256, "sha256", 12, 5}, {Hash::Sha384, "sha384", 13, 6},
    {Hash::Sha512, "sha512", 14, 7},
};

struct GroupCase {
  uint16_t group;
  const char* token;
};
const GroupCase kGroups[] = {
    {1, "modp768"},   {2, "modp1024"},      {5, "modp1536"},    {14, "modp2048"},
    {15, "modp3072"}, {16, "modp4096"},     {19, "ecp256"},     {20, "ecp384"},
    {21, "ecp521"},   {24, "modp2048s256"}, {31, "curve25519"},
};

// --- suites and names ---------------------------------------------------------------------

TEST(IkeSuite, MapsEveryConfiguredAlgorithm) {
  for (const auto& e : kEncrs) {
    for (const auto& h : kHashes) {
      for (const auto& g : kGroups) {
        IkeSuite s = ike(e.e, h.h, g.group);
        EXPECT_EQ(s.encr_id, e.id);
        EXPECT_EQ(s.encr_key_bits, e.bits);
        EXPECT_EQ(s.integ_id, e.aead ? 0 : h.integ);
        EXPECT_EQ(s.prf_id, h.prf);
        EXPECT_EQ(s.dh_group, g.group);
        std::string want = e.aead ? std::string(e.token) + "-prf" + h.token + "-" + g.token
                                  : std::string(e.token) + "-" + h.token + "-" + g.token;
        EXPECT_EQ(s.name(), want);
      }
    }
  }
}

TEST(IkeSuite, NamesLikeStrongSwan) {
  EXPECT_EQ(ike(Encryption::Aes128, Hash::Sha1, 2).name(), "aes128-sha1-modp1024");
  EXPECT_EQ(ike(Encryption::Aes128Gcm16, Hash::Sha256, 31).name(),
            "aes128gcm16-prfsha256-curve25519");
  EXPECT_EQ(ike(Encryption::Des3, Hash::Md5, 1).name(), "3des-md5-modp768");
  EXPECT_EQ(ike(Encryption::Aes256, Hash::Sha512, 24).name(), "aes256-sha512-modp2048s256");
  // A PRF that is not the integrity algorithm's hash is spelled out.
  IkeSuite odd = ike(Encryption::Aes128, Hash::Sha1, 14);
  odd.prf_id = wire::prf::kHmacSha256;
  EXPECT_EQ(odd.name(), "aes128-sha1-prfsha256-modp2048");
}

TEST(ChildSuite, MapsEveryConfiguredAlgorithm) {
  for (const auto& e : kEncrs) {
    for (const auto& h : kHashes) {
      ChildSuite s = esp(e.e, e.aead ? std::nullopt : std::optional<Hash>(h.h), std::nullopt);
      EXPECT_EQ(s.protocol, ProtocolId::Esp);
      EXPECT_EQ(s.encr_id, e.id);
      EXPECT_EQ(s.encr_key_bits, e.bits);
      EXPECT_EQ(s.integ_id, e.aead ? 0 : h.integ);
      EXPECT_EQ(s.dh_group, 0);
      EXPECT_FALSE(s.esn);
      EXPECT_EQ(s.name(), e.aead ? std::string(e.token) : std::string(e.token) + "-" + h.token);
      for (const auto& g : kGroups) {
        ChildSuite pfs = esp(e.e, e.aead ? std::nullopt : std::optional<Hash>(h.h), g.group);
        EXPECT_EQ(pfs.dh_group, g.group);
        EXPECT_EQ(pfs.name(), s.name() + "-" + g.token);
      }
    }
  }
  for (const auto& h : kHashes) {
    ChildSuite s = ah(h.h, std::nullopt);
    EXPECT_EQ(s.protocol, ProtocolId::Ah);
    EXPECT_EQ(s.encr_id, 0);
    EXPECT_EQ(s.integ_id, h.integ);
    EXPECT_EQ(s.name(), std::string("ah-") + h.token);
  }
}

TEST(ChildSuite, NamesLikeStrongSwan) {
  EXPECT_EQ(esp(Encryption::Aes128, Hash::Sha1, std::nullopt).name(), "aes128-sha1");
  EXPECT_EQ(esp(Encryption::Aes128Gcm16, std::nullopt, std::nullopt).name(), "aes128gcm16");
  EXPECT_EQ(esp(Encryption::Aes128, Hash::Sha1, 2).name(), "aes128-sha1-modp1024");
  EXPECT_EQ(ah(Hash::Sha1, std::nullopt).name(), "ah-sha1");
  EXPECT_EQ(ah(Hash::Sha256, 14).name(), "ah-sha256-modp2048");
  // AEAD: an authentication given anyway does not add INTEG.
  EXPECT_EQ(esp(Encryption::Aes256Gcm16, Hash::Sha256, std::nullopt).integ_id, 0);
}

// --- SA payload form ----------------------------------------------------------------------

TEST(ToProposal, IkeTransformOrderAndKeyLength) {
  Proposal p = toProposal(ike(Encryption::Aes256, Hash::Sha256, 14), 3);
  EXPECT_EQ(p.number, 3);
  EXPECT_EQ(p.protocol, ProtocolId::Ike);
  EXPECT_TRUE(p.spi.empty());
  EXPECT_EQ(p.transforms, (std::vector<Transform>{encr(12, 256), prf(5), integ(12), dh(14)}));
}

TEST(ToProposal, Ike3DesHasNoKeyLengthAttribute) {
  Proposal p = toProposal(ike(Encryption::Des3, Hash::Sha1, 2));
  EXPECT_EQ(p.number, 1);
  EXPECT_EQ(p.transforms, (std::vector<Transform>{encr(3), prf(2), integ(2), dh(2)}));
}

TEST(ToProposal, IkeAeadHasNoInteg) {
  Bytes spi{1, 2, 3, 4, 5, 6, 7, 8};
  Proposal p = toProposal(ike(Encryption::Aes128Gcm16, Hash::Sha384, 31), 1, spi);
  EXPECT_EQ(p.spi, spi);
  EXPECT_EQ(p.transforms, (std::vector<Transform>{encr(20, 128), prf(6), dh(31)}));
}

TEST(ToProposal, EspWithAndWithoutDh) {
  ChildSuite s = esp(Encryption::Aes128, Hash::Sha1, 14);
  Proposal with = toProposal(s, 0xc0ffee01, true, 2);
  EXPECT_EQ(with.number, 2);
  EXPECT_EQ(with.protocol, ProtocolId::Esp);
  EXPECT_EQ(with.spi, (Bytes{0xc0, 0xff, 0xee, 0x01}));
  EXPECT_EQ(with.transforms, (std::vector<Transform>{encr(12, 128), integ(2), dh(14), esn(0)}));
  Proposal without = toProposal(s, 0xc0ffee01, false);
  EXPECT_EQ(without.transforms, (std::vector<Transform>{encr(12, 128), integ(2), esn(0)}));
  // include_dh without a PFS group adds nothing.
  Proposal no_pfs = toProposal(esp(Encryption::Aes128, Hash::Sha1, std::nullopt), 1, true);
  EXPECT_EQ(no_pfs.transforms, (std::vector<Transform>{encr(12, 128), integ(2), esn(0)}));
}

TEST(ToProposal, EspAeadAndAh) {
  Proposal gcm = toProposal(esp(Encryption::Aes256Gcm16, std::nullopt, 19), 7, true);
  EXPECT_EQ(gcm.transforms, (std::vector<Transform>{encr(20, 256), dh(19), esn(0)}));
  Proposal a = toProposal(ah(Hash::Sha256, 2), 0x01020304, true);
  EXPECT_EQ(a.protocol, ProtocolId::Ah);
  EXPECT_EQ(a.spi, (Bytes{1, 2, 3, 4}));
  EXPECT_EQ(a.transforms, (std::vector<Transform>{integ(12), dh(2), esn(0)}));
}

// --- responder selection: IKE -------------------------------------------------------------

TEST(SelectIke, ExactMatch) {
  IkeSuite ours = ike(Encryption::Aes128, Hash::Sha1, 2);
  SaPayload sa{{toProposal(ours)}};
  auto r = selectIke(sa, ours);
  ASSERT_TRUE(std::holds_alternative<IkeSelection>(r));
  EXPECT_EQ(std::get<IkeSelection>(r).suite, ours);
  EXPECT_EQ(std::get<IkeSelection>(r).proposal_number, 1);
}

TEST(SelectIke, PicksMatchingProposalAmongSeveral) {
  IkeSuite ours = ike(Encryption::Aes256, Hash::Sha256, 14);
  SaPayload sa{{
      ikeProposal(1, {encr(20, 256), prf(7), dh(31)}),
      ikeProposal(2, {encr(12, 128), prf(2), integ(2), dh(2)}),
      // Several algorithms per type: ours is among them.
      ikeProposal(
          3, {encr(12, 128), encr(12, 256), prf(2), prf(5), integ(2), integ(12), dh(19), dh(14)}),
      ikeProposal(4, {encr(12, 256), prf(5), integ(12), dh(14)}),
  }};
  auto r = selectIke(sa, ours);
  ASSERT_TRUE(std::holds_alternative<IkeSelection>(r));
  EXPECT_EQ(std::get<IkeSelection>(r).proposal_number, 3);
  EXPECT_EQ(std::get<IkeSelection>(r).suite, ours);
}

TEST(SelectIke, DhOnlyMismatchIsFlagged) {
  IkeSuite ours = ike(Encryption::Aes256, Hash::Sha256, 14);
  SaPayload sa{{ikeProposal(1, {encr(12, 256), prf(5), integ(12), dh(19), dh(31)})}};
  auto r = selectIke(sa, ours);
  ASSERT_TRUE(std::holds_alternative<ProposalMismatch>(r));
  const auto& m = std::get<ProposalMismatch>(r);
  EXPECT_TRUE(m.only_dh_differs);
  EXPECT_EQ(m.offered, "aes256-sha256-ecp256/curve25519");
  EXPECT_EQ(m.ours, "aes256-sha256-modp2048");
}

TEST(SelectIke, EncryptionMismatch) {
  IkeSuite ours = ike(Encryption::Aes256, Hash::Sha256, 14);
  SaPayload sa{{ikeProposal(1, {encr(3), prf(5), integ(12), dh(19)})}};
  auto r = selectIke(sa, ours);
  ASSERT_TRUE(std::holds_alternative<ProposalMismatch>(r));
  const auto& m = std::get<ProposalMismatch>(r);
  EXPECT_FALSE(m.only_dh_differs);
  EXPECT_EQ(m.offered, "3des-sha256-ecp256");
  EXPECT_EQ(m.ours, "aes256-sha256-modp2048");
}

TEST(SelectIke, KeyLengthMustMatchExactly) {
  IkeSuite ours = ike(Encryption::Aes128, Hash::Sha1, 2);
  for (auto bad : {encr(12, 256), encr(12, 192), encr(12)}) {
    SaPayload sa{{ikeProposal(1, {bad, prf(2), integ(2), dh(2)})}};
    auto r = selectIke(sa, ours);
    ASSERT_TRUE(std::holds_alternative<ProposalMismatch>(r));
    EXPECT_FALSE(std::get<ProposalMismatch>(r).only_dh_differs);
  }
  // 3DES with a Key Length attribute is not our 3DES either.
  IkeSuite des = ike(Encryption::Des3, Hash::Sha1, 2);
  SaPayload sa{{ikeProposal(1, {encr(3, 192), prf(2), integ(2), dh(2)})}};
  EXPECT_TRUE(std::holds_alternative<ProposalMismatch>(selectIke(sa, des)));
}

TEST(SelectIke, IntegAndPrfMustBeOffered) {
  IkeSuite ours = ike(Encryption::Aes128, Hash::Sha256, 14);
  SaPayload no_integ{{ikeProposal(1, {encr(12, 128), prf(5), dh(14)})}};
  EXPECT_TRUE(std::holds_alternative<ProposalMismatch>(selectIke(no_integ, ours)));
  SaPayload other_prf{{ikeProposal(1, {encr(12, 128), prf(2), integ(12), dh(14)})}};
  EXPECT_TRUE(std::holds_alternative<ProposalMismatch>(selectIke(other_prf, ours)));
  SaPayload other_integ{{ikeProposal(1, {encr(12, 128), prf(5), integ(2), dh(14)})}};
  EXPECT_TRUE(std::holds_alternative<ProposalMismatch>(selectIke(other_integ, ours)));
}

TEST(SelectIke, AeadWithOrWithoutIntegNone) {
  IkeSuite ours = ike(Encryption::Aes128Gcm16, Hash::Sha256, 31);
  SaPayload without{{ikeProposal(1, {encr(20, 128), prf(5), dh(31)})}};
  EXPECT_TRUE(std::holds_alternative<IkeSelection>(selectIke(without, ours)));
  SaPayload with_none{{ikeProposal(1, {encr(20, 128), prf(5), integ(0), dh(31)})}};
  EXPECT_TRUE(std::holds_alternative<IkeSelection>(selectIke(with_none, ours)));
  // A real integrity algorithm next to GCM is not our set.
  SaPayload with_sha{{ikeProposal(1, {encr(20, 128), prf(5), integ(12), dh(31)})}};
  EXPECT_TRUE(std::holds_alternative<ProposalMismatch>(selectIke(with_sha, ours)));
}

TEST(SelectIke, RefusesWrongProtocolUnknownTypesAndBadSpi) {
  IkeSuite ours = ike(Encryption::Aes128, Hash::Sha1, 2);
  Proposal esp_p = toProposal(ours);
  esp_p.protocol = ProtocolId::Esp;
  EXPECT_TRUE(std::holds_alternative<ProposalMismatch>(selectIke(SaPayload{{esp_p}}, ours)));
  Proposal unknown = toProposal(ours);
  unknown.transforms.push_back({9, 0, std::nullopt});
  EXPECT_TRUE(std::holds_alternative<ProposalMismatch>(selectIke(SaPayload{{unknown}}, ours)));
  Proposal bad_spi = toProposal(ours, 1, Bytes{1, 2, 3, 4});
  EXPECT_TRUE(std::holds_alternative<ProposalMismatch>(selectIke(SaPayload{{bad_spi}}, ours)));
  // An IKE rekey carries the 8-byte SPI.
  Proposal rekey = toProposal(ours, 1, Bytes(8, 0xab));
  EXPECT_TRUE(std::holds_alternative<IkeSelection>(selectIke(SaPayload{{rekey}}, ours)));
  auto empty = selectIke(SaPayload{}, ours);
  ASSERT_TRUE(std::holds_alternative<ProposalMismatch>(empty));
  EXPECT_FALSE(std::get<ProposalMismatch>(empty).only_dh_differs);
}

// --- responder selection: CHILD -----------------------------------------------------------

TEST(SelectChild, ExactMatchReturnsNumberAndSpi) {
  ChildSuite ours = esp(Encryption::Aes128, Hash::Sha1, std::nullopt);
  SaPayload sa{{
      espProposal(1, {encr(12, 256), integ(12), esn(0)}),
      espProposal(2, {encr(12, 128), integ(2), esn(0)}, {0xde, 0xad, 0xbe, 0xef}),
  }};
  auto r = selectChild(sa, ours, false);
  ASSERT_TRUE(std::holds_alternative<ChildSelection>(r));
  const auto& sel = std::get<ChildSelection>(r);
  EXPECT_EQ(sel.suite, ours);
  EXPECT_EQ(sel.proposal_number, 2);
  EXPECT_EQ(sel.peer_spi, 0xdeadbeefu);
}

TEST(SelectChild, SpiMustBeFourBytes) {
  ChildSuite ours = esp(Encryption::Aes128, Hash::Sha1, std::nullopt);
  for (Bytes spi : {Bytes{}, Bytes{1, 2, 3}, Bytes(8, 1)}) {
    SaPayload sa{{espProposal(1, {encr(12, 128), integ(2), esn(0)}, spi)}};
    EXPECT_TRUE(std::holds_alternative<ProposalMismatch>(selectChild(sa, ours, false)));
  }
}

TEST(SelectChild, IkeAuthIgnoresDh) {
  ChildSuite ours = esp(Encryption::Aes128, Hash::Sha1, 14);
  SaPayload sa{{espProposal(4, {encr(12, 128), integ(2), dh(19), esn(0)})}};
  auto r = selectChild(sa, ours, false);
  ASSERT_TRUE(std::holds_alternative<ChildSelection>(r));
  EXPECT_EQ(std::get<ChildSelection>(r).proposal_number, 4);
  SaPayload no_dh{{espProposal(1, {encr(12, 128), integ(2), esn(0)})}};
  EXPECT_TRUE(std::holds_alternative<ChildSelection>(selectChild(no_dh, ours, false)));
}

TEST(SelectChild, WithPfs) {
  ChildSuite ours = esp(Encryption::Aes256, Hash::Sha256, 14);
  SaPayload good{{espProposal(1, {encr(12, 256), integ(12), dh(19), dh(14), esn(0)})}};
  EXPECT_TRUE(std::holds_alternative<ChildSelection>(selectChild(good, ours, true)));

  SaPayload other{{espProposal(1, {encr(12, 256), integ(12), dh(19), esn(0)})}};
  auto r = selectChild(other, ours, true);
  ASSERT_TRUE(std::holds_alternative<ProposalMismatch>(r));
  EXPECT_TRUE(std::get<ProposalMismatch>(r).only_dh_differs);
  EXPECT_EQ(std::get<ProposalMismatch>(r).offered, "aes256-sha256-ecp256");
  EXPECT_EQ(std::get<ProposalMismatch>(r).ours, "aes256-sha256-modp2048");

  SaPayload missing{{espProposal(1, {encr(12, 256), integ(12), esn(0)})}};
  auto m = selectChild(missing, ours, true);
  ASSERT_TRUE(std::holds_alternative<ProposalMismatch>(m));
  EXPECT_TRUE(std::get<ProposalMismatch>(m).only_dh_differs);
}

TEST(SelectChild, WithoutPfs) {
  ChildSuite ours = esp(Encryption::Aes256, Hash::Sha256, std::nullopt);
  SaPayload no_dh{{espProposal(1, {encr(12, 256), integ(12), esn(0)})}};
  EXPECT_TRUE(std::holds_alternative<ChildSelection>(selectChild(no_dh, ours, true)));
  SaPayload none{{espProposal(1, {encr(12, 256), integ(12), dh(0), esn(0)})}};
  EXPECT_TRUE(std::holds_alternative<ChildSelection>(selectChild(none, ours, true)));
  SaPayload optional_pfs{{espProposal(1, {encr(12, 256), integ(12), dh(14), dh(0), esn(0)})}};
  EXPECT_TRUE(std::holds_alternative<ChildSelection>(selectChild(optional_pfs, ours, true)));
  SaPayload forced{{espProposal(1, {encr(12, 256), integ(12), dh(14), esn(0)})}};
  auto r = selectChild(forced, ours, true);
  ASSERT_TRUE(std::holds_alternative<ProposalMismatch>(r));
  EXPECT_TRUE(std::get<ProposalMismatch>(r).only_dh_differs);
}

TEST(SelectChild, EsnHandling) {
  ChildSuite ours = esp(Encryption::Aes128, Hash::Sha1, std::nullopt);
  SaPayload both{{espProposal(1, {encr(12, 128), integ(2), esn(1), esn(0)})}};
  EXPECT_TRUE(std::holds_alternative<ChildSelection>(selectChild(both, ours, false)));
  SaPayload absent{{espProposal(1, {encr(12, 128), integ(2)})}};
  EXPECT_TRUE(std::holds_alternative<ChildSelection>(selectChild(absent, ours, false)));
  SaPayload only_esn{{espProposal(1, {encr(12, 128), integ(2), esn(1)})}};
  auto r = selectChild(only_esn, ours, false);
  ASSERT_TRUE(std::holds_alternative<ProposalMismatch>(r));
  EXPECT_FALSE(std::get<ProposalMismatch>(r).only_dh_differs);
  EXPECT_EQ(std::get<ProposalMismatch>(r).offered, "aes128-sha1-esn");
}

TEST(SelectChild, AeadWithOrWithoutIntegNone) {
  ChildSuite ours = esp(Encryption::Aes256Gcm16, std::nullopt, std::nullopt);
  SaPayload without{{espProposal(1, {encr(20, 256), esn(0)})}};
  EXPECT_TRUE(std::holds_alternative<ChildSelection>(selectChild(without, ours, false)));
  SaPayload with_none{{espProposal(1, {encr(20, 256), integ(0), esn(0)})}};
  EXPECT_TRUE(std::holds_alternative<ChildSelection>(selectChild(with_none, ours, false)));
  SaPayload with_sha{{espProposal(1, {encr(20, 256), integ(2), esn(0)})}};
  EXPECT_TRUE(std::holds_alternative<ProposalMismatch>(selectChild(with_sha, ours, false)));
  SaPayload gcm128{{espProposal(1, {encr(20, 128), esn(0)})}};
  EXPECT_TRUE(std::holds_alternative<ProposalMismatch>(selectChild(gcm128, ours, false)));
}

TEST(SelectChild, ProtocolMustMatch) {
  ChildSuite ours_ah = ah(Hash::Sha256, std::nullopt);
  SaPayload esp_offer{{espProposal(1, {encr(12, 128), integ(12), esn(0)})}};
  EXPECT_TRUE(std::holds_alternative<ProposalMismatch>(selectChild(esp_offer, ours_ah, false)));
  Proposal ah_p{2, ProtocolId::Ah, {0, 0, 1, 0}, {integ(12), esn(0)}};
  auto r = selectChild(SaPayload{{esp_offer.proposals[0], ah_p}}, ours_ah, false);
  ASSERT_TRUE(std::holds_alternative<ChildSelection>(r));
  EXPECT_EQ(std::get<ChildSelection>(r).proposal_number, 2);
  EXPECT_EQ(std::get<ChildSelection>(r).peer_spi, 256u);
  // AH carries no encryption transform.
  Proposal ah_encr{1, ProtocolId::Ah, {0, 0, 1, 0}, {encr(12, 128), integ(12), esn(0)}};
  EXPECT_TRUE(
      std::holds_alternative<ProposalMismatch>(selectChild(SaPayload{{ah_encr}}, ours_ah, false)));
  // An ESP proposal with a PRF is not a valid CHILD proposal.
  ChildSuite ours_esp = esp(Encryption::Aes128, Hash::Sha256, std::nullopt);
  SaPayload with_prf{{espProposal(1, {encr(12, 128), prf(5), integ(12), esn(0)})}};
  EXPECT_TRUE(std::holds_alternative<ProposalMismatch>(selectChild(with_prf, ours_esp, false)));
}

// --- initiator acceptance -----------------------------------------------------------------

TEST(AcceptIke, ExactAnswer) {
  IkeSuite ours = ike(Encryption::Aes256, Hash::Sha384, 20);
  auto r = acceptIke(SaPayload{{toProposal(ours, 1)}}, ours);
  ASSERT_TRUE(std::holds_alternative<IkeSelection>(r));
  EXPECT_EQ(std::get<IkeSelection>(r).suite, ours);
  // Transform order in the answer does not matter.
  auto shuffled =
      acceptIke(SaPayload{{ikeProposal(1, {dh(20), integ(13), encr(12, 256), prf(6)})}}, ours);
  EXPECT_TRUE(std::holds_alternative<IkeSelection>(shuffled));
}

TEST(AcceptIke, RefusesMultipleProposalsAndExtraTransforms) {
  IkeSuite ours = ike(Encryption::Aes256, Hash::Sha384, 20);
  auto two = acceptIke(SaPayload{{toProposal(ours, 1), toProposal(ours, 2)}}, ours);
  ASSERT_TRUE(std::holds_alternative<ProposalMismatch>(two));
  EXPECT_FALSE(std::get<ProposalMismatch>(two).only_dh_differs);
  EXPECT_TRUE(std::holds_alternative<ProposalMismatch>(acceptIke(SaPayload{}, ours)));

  Proposal extra = toProposal(ours);
  extra.transforms.push_back(encr(12, 128));
  EXPECT_TRUE(std::holds_alternative<ProposalMismatch>(acceptIke(SaPayload{{extra}}, ours)));
  Proposal extra_dh = toProposal(ours);
  extra_dh.transforms.push_back(dh(14));
  EXPECT_TRUE(std::holds_alternative<ProposalMismatch>(acceptIke(SaPayload{{extra_dh}}, ours)));
  Proposal missing = ikeProposal(1, {encr(12, 256), prf(6), dh(20)});
  EXPECT_TRUE(std::holds_alternative<ProposalMismatch>(acceptIke(SaPayload{{missing}}, ours)));
  Proposal other = ikeProposal(1, {encr(12, 128), prf(6), integ(13), dh(20)});
  EXPECT_TRUE(std::holds_alternative<ProposalMismatch>(acceptIke(SaPayload{{other}}, ours)));
}

TEST(AcceptIke, DifferentGroupIsFlagged) {
  IkeSuite ours = ike(Encryption::Aes128, Hash::Sha256, 14);
  auto r = acceptIke(SaPayload{{ikeProposal(1, {encr(12, 128), prf(5), integ(12), dh(19)})}}, ours);
  ASSERT_TRUE(std::holds_alternative<ProposalMismatch>(r));
  EXPECT_TRUE(std::get<ProposalMismatch>(r).only_dh_differs);
  EXPECT_EQ(std::get<ProposalMismatch>(r).offered, "aes128-sha256-ecp256");
}

TEST(AcceptIke, AeadAnswer) {
  IkeSuite ours = ike(Encryption::Aes128Gcm16, Hash::Sha256, 31);
  EXPECT_TRUE(std::holds_alternative<IkeSelection>(acceptIke(SaPayload{{toProposal(ours)}}, ours)));
  // Echoing INTEG NONE changes nothing; a real INTEG does.
  Proposal none = ikeProposal(1, {encr(20, 128), prf(5), integ(0), dh(31)});
  EXPECT_TRUE(std::holds_alternative<IkeSelection>(acceptIke(SaPayload{{none}}, ours)));
  Proposal sha = ikeProposal(1, {encr(20, 128), prf(5), integ(12), dh(31)});
  EXPECT_TRUE(std::holds_alternative<ProposalMismatch>(acceptIke(SaPayload{{sha}}, ours)));
}

TEST(AcceptChild, ExactAnswerWithSpi) {
  ChildSuite ours = esp(Encryption::Aes128, Hash::Sha256, 14);
  auto r = acceptChild(SaPayload{{toProposal(ours, 0xcafe0001, true, 3)}}, ours, true);
  ASSERT_TRUE(std::holds_alternative<ChildSelection>(r));
  EXPECT_EQ(std::get<ChildSelection>(r).peer_spi, 0xcafe0001u);
  EXPECT_EQ(std::get<ChildSelection>(r).proposal_number, 3);
  EXPECT_EQ(std::get<ChildSelection>(r).suite, ours);
  // IKE_AUTH: no D-H in the answer.
  auto auth = acceptChild(SaPayload{{toProposal(ours, 7, false)}}, ours, false);
  ASSERT_TRUE(std::holds_alternative<ChildSelection>(auth));
  EXPECT_EQ(std::get<ChildSelection>(auth).peer_spi, 7u);
}

TEST(AcceptChild, RefusesMultipleProposalsAndExtraTransforms) {
  ChildSuite ours = esp(Encryption::Aes128, Hash::Sha256, std::nullopt);
  Proposal good = toProposal(ours, 1, false);
  EXPECT_TRUE(
      std::holds_alternative<ProposalMismatch>(acceptChild(SaPayload{{good, good}}, ours, false)));
  Proposal two_integ = good;
  two_integ.transforms.push_back(integ(2));
  EXPECT_TRUE(
      std::holds_alternative<ProposalMismatch>(acceptChild(SaPayload{{two_integ}}, ours, false)));
  Proposal two_esn = good;
  two_esn.transforms.push_back(esn(1));
  EXPECT_TRUE(
      std::holds_alternative<ProposalMismatch>(acceptChild(SaPayload{{two_esn}}, ours, false)));
  Proposal esn_yes = espProposal(1, {encr(12, 128), integ(12), esn(1)});
  EXPECT_TRUE(
      std::holds_alternative<ProposalMismatch>(acceptChild(SaPayload{{esn_yes}}, ours, false)));
  Proposal bad_spi = good;
  bad_spi.spi = Bytes(8, 1);
  EXPECT_TRUE(
      std::holds_alternative<ProposalMismatch>(acceptChild(SaPayload{{bad_spi}}, ours, false)));
  // A peer leaving out ESN means "no ESN".
  Proposal no_esn = espProposal(1, {encr(12, 128), integ(12)});
  EXPECT_TRUE(
      std::holds_alternative<ChildSelection>(acceptChild(SaPayload{{no_esn}}, ours, false)));
}

TEST(AcceptChild, PfsGroup) {
  ChildSuite ours = esp(Encryption::Aes128, Hash::Sha256, 14);
  Proposal other = espProposal(1, {encr(12, 128), integ(12), dh(19), esn(0)});
  auto r = acceptChild(SaPayload{{other}}, ours, true);
  ASSERT_TRUE(std::holds_alternative<ProposalMismatch>(r));
  EXPECT_TRUE(std::get<ProposalMismatch>(r).only_dh_differs);
  Proposal missing = espProposal(1, {encr(12, 128), integ(12), esn(0)});
  EXPECT_TRUE(
      std::holds_alternative<ProposalMismatch>(acceptChild(SaPayload{{missing}}, ours, true)));
  ChildSuite no_pfs = esp(Encryption::Aes128, Hash::Sha256, std::nullopt);
  EXPECT_TRUE(
      std::holds_alternative<ChildSelection>(acceptChild(SaPayload{{missing}}, no_pfs, true)));
  EXPECT_TRUE(
      std::holds_alternative<ProposalMismatch>(acceptChild(SaPayload{{other}}, no_pfs, true)));
}

// --- description --------------------------------------------------------------------------

TEST(Describe, ListsProposalsStrongSwanStyle) {
  SaPayload sa{{
      ikeProposal(1, {encr(12, 256), prf(5), integ(12), dh(14)}),
      ikeProposal(
          2, {encr(12, 256), encr(12, 128), prf(5), prf(2), integ(12), integ(2), dh(14), dh(19)}),
      ikeProposal(3, {encr(20, 128), prf(5), dh(31)}),
      ikeProposal(4, {encr(3), prf(5), integ(2), dh(2)}),
  }};
  EXPECT_EQ(describe(sa),
            "aes256-sha256-modp2048, aes256/aes128-sha256/sha1-modp2048/ecp256, "
            "aes128gcm16-prfsha256-curve25519, 3des-sha1-prfsha256-modp1024");
  SaPayload child{{
      espProposal(1, {encr(12, 128), integ(2), esn(0)}),
      espProposal(2, {encr(20, 256), integ(0), dh(14), dh(0), esn(0)}),
      Proposal{3, ProtocolId::Ah, {0, 0, 0, 1}, {integ(12), esn(0), esn(1)}},
  }};
  EXPECT_EQ(describe(child), "aes128-sha1, aes256gcm16-modp2048/none, ah-sha256-noesn/esn");
  EXPECT_EQ(describe(SaPayload{}), "(no proposals)");
}

TEST(Describe, NamesUnknownAlgorithms) {
  SaPayload sa{{ikeProposal(1, {encr(28), encr(99, 128), prf(99), integ(99), dh(99)})}};
  EXPECT_EQ(describe(sa), "chacha20poly1305/encr99_128-integ99-prf99-dh99");
}

// --- through the codec --------------------------------------------------------------------

TEST(ProposalCodec, SurvivesEncodeDecode) {
  IkeSuite ike_suite = ike(Encryption::Aes128, Hash::Sha256, 19);
  ChildSuite child = esp(Encryption::Aes256Gcm16, std::nullopt, 31);
  wire::v2::Message m;
  m.header.spi_i = 0x0102030405060708;
  m.header.exchange = static_cast<uint8_t>(wire::ExchangeType::CreateChildSa);
  m.payloads.push_back({wire::payload::kSa, false, SaPayload{{toProposal(ike_suite, 1)}}});
  m.payloads.push_back(
      {wire::payload::kSa, false, SaPayload{{toProposal(child, 0x11223344, true, 2)}}});
  auto decoded = wire::v2::decode(wire::v2::encode(m));
  ASSERT_TRUE(decoded) << decoded.error().message;
  ASSERT_EQ(decoded->payloads.size(), 2u);
  const auto& sa1 = std::get<SaPayload>(decoded->payloads[0].body);
  const auto& sa2 = std::get<SaPayload>(decoded->payloads[1].body);
  auto ike_sel = selectIke(sa1, ike_suite);
  ASSERT_TRUE(std::holds_alternative<IkeSelection>(ike_sel));
  auto child_sel = selectChild(sa2, child, true);
  ASSERT_TRUE(std::holds_alternative<ChildSelection>(child_sel));
  EXPECT_EQ(std::get<ChildSelection>(child_sel).peer_spi, 0x11223344u);
  EXPECT_EQ(std::get<ChildSelection>(child_sel).proposal_number, 2);
  EXPECT_TRUE(std::holds_alternative<ChildSelection>(acceptChild(sa2, child, true)));
}

}  // namespace
}  // namespace vpngw::ike
