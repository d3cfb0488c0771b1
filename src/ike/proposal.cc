#include "ike/proposal.h"

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "base/byte_io.h"

namespace vpngw::ike {

namespace {

namespace tt = wire::transform;

struct EncrIds {
  uint16_t id;
  uint16_t key_bits;
};

// Configuration names to transform IDs (RFC 7296 §3.3.2; AES-GCM with a 16-octet ICV,
// RFC 5282). Kept here rather than in config.cc: this is the one place that needs the IDs.
EncrIds encrIds(Encryption e) {
  switch (e) {
    case Encryption::Des3:
      return {wire::encr::k3Des, 0};
    case Encryption::Aes128:
      return {wire::encr::kAesCbc, 128};
    case Encryption::Aes192:
      return {wire::encr::kAesCbc, 192};
    case Encryption::Aes256:
      return {wire::encr::kAesCbc, 256};
    case Encryption::Aes128Gcm16:
      return {wire::encr::kAesGcm16, 128};
    case Encryption::Aes256Gcm16:
      return {wire::encr::kAesGcm16, 256};
  }
  return {0, 0};
}

uint16_t integId(Hash h) {
  switch (h) {
    case Hash::Md5:
      return wire::integ::kHmacMd5_96;
    case Hash::Sha1:
      return wire::integ::kHmacSha1_96;
    case Hash::Sha256:
      return wire::integ::kHmacSha256_128;
    case Hash::Sha384:
      return wire::integ::kHmacSha384_192;
    case Hash::Sha512:
      return wire::integ::kHmacSha512_256;
  }
  return 0;
}

uint16_t prfId(Hash h) {
  switch (h) {
    case Hash::Md5:
      return wire::prf::kHmacMd5;
    case Hash::Sha1:
      return wire::prf::kHmacSha1;
    case Hash::Sha256:
      return wire::prf::kHmacSha256;
    case Hash::Sha384:
      return wire::prf::kHmacSha384;
    case Hash::Sha512:
      return wire::prf::kHmacSha512;
  }
  return 0;
}

// The PRF over the same hash as an integrity algorithm: strongSwan's names leave the PRF out
// when it is implied this way.
std::optional<uint16_t> impliedPrf(uint16_t integ_id) {
  switch (integ_id) {
    case wire::integ::kHmacMd5_96:
      return wire::prf::kHmacMd5;
    case wire::integ::kHmacSha1_96:
      return wire::prf::kHmacSha1;
    case wire::integ::kHmacSha256_128:
      return wire::prf::kHmacSha256;
    case wire::integ::kHmacSha384_192:
      return wire::prf::kHmacSha384;
    case wire::integ::kHmacSha512_256:
      return wire::prf::kHmacSha512;
    default:
      return std::nullopt;
  }
}

// --- strongSwan-style algorithm tokens ---------------------------------------------------

std::string bitsSuffix(std::optional<uint16_t> bits) {
  return bits && *bits != 0 ? std::to_string(*bits) : std::string();
}

std::string encrName(uint16_t id, std::optional<uint16_t> bits) {
  switch (id) {
    case wire::encr::k3Des:
      return "3des";
    case wire::encr::kAesCbc:
      return "aes" + bitsSuffix(bits);
    case 13:
      return "aes" + bitsSuffix(bits) + "ctr";
    case 14:
      return "aes" + bitsSuffix(bits) + "ccm8";
    case 15:
      return "aes" + bitsSuffix(bits) + "ccm12";
    case 16:
      return "aes" + bitsSuffix(bits) + "ccm16";
    case 18:
      return "aes" + bitsSuffix(bits) + "gcm8";
    case 19:
      return "aes" + bitsSuffix(bits) + "gcm12";
    case wire::encr::kAesGcm16:
      return "aes" + bitsSuffix(bits) + "gcm16";
    case 28:
      return "chacha20poly1305";
    default: {
      std::string s = "encr" + std::to_string(id);
      return bits ? s + "_" + std::to_string(*bits) : s;
    }
  }
}

std::string integName(uint16_t id) {
  switch (id) {
    case wire::integ::kNone:
      return "none";
    case wire::integ::kHmacMd5_96:
      return "md5";
    case wire::integ::kHmacSha1_96:
      return "sha1";
    case 5:
      return "aesxcbc";
    case wire::integ::kHmacSha256_128:
      return "sha256";
    case wire::integ::kHmacSha384_192:
      return "sha384";
    case wire::integ::kHmacSha512_256:
      return "sha512";
    default:
      return "integ" + std::to_string(id);
  }
}

std::string prfName(uint16_t id) {
  switch (id) {
    case wire::prf::kHmacMd5:
      return "prfmd5";
    case wire::prf::kHmacSha1:
      return "prfsha1";
    case 4:
      return "prfaesxcbc";
    case wire::prf::kHmacSha256:
      return "prfsha256";
    case wire::prf::kHmacSha384:
      return "prfsha384";
    case wire::prf::kHmacSha512:
      return "prfsha512";
    case 8:
      return "prfaescmac";
    default:
      return "prf" + std::to_string(id);
  }
}

std::string dhName(uint16_t id) {
  switch (id) {
    case 0:
      return "none";
    case wire::dh::kModp768:
      return "modp768";
    case wire::dh::kModp1024:
      return "modp1024";
    case wire::dh::kModp1536:
      return "modp1536";
    case wire::dh::kModp2048:
      return "modp2048";
    case wire::dh::kModp3072:
      return "modp3072";
    case wire::dh::kModp4096:
      return "modp4096";
    case 17:
      return "modp6144";
    case 18:
      return "modp8192";
    case wire::dh::kEcp256:
      return "ecp256";
    case wire::dh::kEcp384:
      return "ecp384";
    case wire::dh::kEcp521:
      return "ecp521";
    case 22:
      return "modp1024s160";
    case 23:
      return "modp2048s224";
    case wire::dh::kModp2048s256:
      return "modp2048s256";
    case wire::dh::kCurve25519:
      return "curve25519";
    case 32:
      return "curve448";
    default:
      return "dh" + std::to_string(id);
  }
}

std::string esnName(uint16_t id) {
  switch (id) {
    case wire::esn::kNo:
      return "noesn";
    case wire::esn::kYes:
      return "esn";
    default:
      return "esn" + std::to_string(id);
  }
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) {
      continue;
    }
    if (!out.empty()) {
      out += sep;
    }
    out += p;
  }
  return out;
}

// --- proposal matching -------------------------------------------------------------------

using TransformSets = std::map<uint8_t, std::vector<wire::v2::Transform>>;

TransformSets byType(const wire::v2::Proposal& p) {
  TransformSets sets;
  for (const auto& t : p.transforms) {
    sets[t.type].push_back(t);
  }
  return sets;
}

const std::vector<wire::v2::Transform>* setOf(const TransformSets& sets, uint8_t type) {
  auto it = sets.find(type);
  return it == sets.end() ? nullptr : &it->second;
}

wire::v2::Transform plain(uint8_t type, uint16_t id) { return {type, id, std::nullopt}; }

wire::v2::Transform encrTransform(uint16_t id, uint16_t key_bits) {
  // 3DES has a fixed key size and no Key Length attribute (RFC 7296 §3.3.5).
  return {tt::kEncr, id, key_bits == 0 ? std::nullopt : std::optional<uint16_t>(key_bits)};
}

bool offers(const TransformSets& sets, const wire::v2::Transform& t) {
  const auto* s = setOf(sets, t.type);
  return s && std::find(s->begin(), s->end(), t) != s->end();
}

// Absent, or offered as NONE (an AEAD's INTEG, no PFS group): RFC 7296 §3.3.3.
bool absentOrNone(const TransformSets& sets, uint8_t type) {
  const auto* s = setOf(sets, type);
  return !s || offers(sets, plain(type, 0));
}

bool onlyTypes(const TransformSets& sets, std::initializer_list<uint8_t> allowed) {
  // A proposal with a transform type we do not know is unacceptable (RFC 7296 §3.3.6).
  return std::all_of(sets.begin(), sets.end(), [&](const auto& kv) {
    return std::find(allowed.begin(), allowed.end(), kv.first) != allowed.end();
  });
}

bool esnAcceptable(const TransformSets& sets, bool ours) {
  if (!setOf(sets, tt::kEsn)) {
    return !ours;  // no ESN transform: no extended sequence numbers
  }
  return offers(sets, plain(tt::kEsn, ours ? wire::esn::kYes : wire::esn::kNo));
}

bool matchesIke(const wire::v2::Proposal& p, const IkeSuite& ours, bool check_dh) {
  if (p.protocol != wire::ProtocolId::Ike || (!p.spi.empty() && p.spi.size() != 8)) {
    return false;
  }
  const auto sets = byType(p);
  if (!onlyTypes(sets, {tt::kEncr, tt::kPrf, tt::kInteg, tt::kDh})) {
    return false;
  }
  if (!offers(sets, encrTransform(ours.encr_id, ours.encr_key_bits)) ||
      !offers(sets, plain(tt::kPrf, ours.prf_id))) {
    return false;
  }
  if (ours.integ_id != 0 ? !offers(sets, plain(tt::kInteg, ours.integ_id))
                         : !absentOrNone(sets, tt::kInteg)) {
    return false;
  }
  return !check_dh || offers(sets, plain(tt::kDh, ours.dh_group));
}

bool matchesChild(const wire::v2::Proposal& p, const ChildSuite& ours, bool require_dh,
                  bool check_dh) {
  if (p.protocol != ours.protocol || p.spi.size() != 4) {
    return false;
  }
  const auto sets = byType(p);
  const bool esp = ours.protocol == wire::ProtocolId::Esp;
  if (esp ? !onlyTypes(sets, {tt::kEncr, tt::kInteg, tt::kDh, tt::kEsn})
          : !onlyTypes(sets, {tt::kInteg, tt::kDh, tt::kEsn})) {
    return false;
  }
  if (esp && !offers(sets, encrTransform(ours.encr_id, ours.encr_key_bits))) {
    return false;
  }
  if (ours.integ_id != 0 ? !offers(sets, plain(tt::kInteg, ours.integ_id))
                         : !absentOrNone(sets, tt::kInteg)) {
    return false;
  }
  if (!esnAcceptable(sets, ours.esn)) {
    return false;
  }
  // In IKE_AUTH there is no KE payload, so the D-H transform means nothing (RFC 7296 §1.2).
  if (!require_dh || !check_dh) {
    return true;
  }
  return ours.dh_group == 0 ? absentOrNone(sets, tt::kDh)
                            : offers(sets, plain(tt::kDh, ours.dh_group));
}

// The responder's answer carries one transform of each type (RFC 7296 §3.3): each set must be
// a single transform equal to `want`, or absent when want is nullopt.
bool single(const TransformSets& sets, uint8_t type,
            const std::optional<wire::v2::Transform>& want) {
  const auto* s = setOf(sets, type);
  if (!want) {
    return !s;
  }
  return s && s->size() == 1 && s->front() == *want;
}

// Exactly one transform and it is NONE, or none at all.
bool singleNoneOrAbsent(const TransformSets& sets, uint8_t type) {
  const auto* s = setOf(sets, type);
  return !s || (s->size() == 1 && s->front() == plain(type, 0));
}

bool answerIsIke(const wire::v2::Proposal& p, const IkeSuite& ours, bool check_dh) {
  if (p.protocol != wire::ProtocolId::Ike || (!p.spi.empty() && p.spi.size() != 8)) {
    return false;
  }
  const auto sets = byType(p);
  if (!onlyTypes(sets, {tt::kEncr, tt::kPrf, tt::kInteg, tt::kDh})) {
    return false;
  }
  if (!single(sets, tt::kEncr, encrTransform(ours.encr_id, ours.encr_key_bits)) ||
      !single(sets, tt::kPrf, plain(tt::kPrf, ours.prf_id))) {
    return false;
  }
  // With an AEAD we offered no INTEG; an answer echoing INTEG NONE changes nothing.
  if (ours.integ_id != 0 ? !single(sets, tt::kInteg, plain(tt::kInteg, ours.integ_id))
                         : !singleNoneOrAbsent(sets, tt::kInteg)) {
    return false;
  }
  if (!check_dh) {
    const auto* dh = setOf(sets, tt::kDh);
    return dh && dh->size() == 1;
  }
  return single(sets, tt::kDh, plain(tt::kDh, ours.dh_group));
}

bool answerIsChild(const wire::v2::Proposal& p, const ChildSuite& ours, bool require_dh,
                   bool check_dh) {
  if (p.protocol != ours.protocol || p.spi.size() != 4) {
    return false;
  }
  const auto sets = byType(p);
  const bool esp = ours.protocol == wire::ProtocolId::Esp;
  if (esp ? !onlyTypes(sets, {tt::kEncr, tt::kInteg, tt::kDh, tt::kEsn})
          : !onlyTypes(sets, {tt::kInteg, tt::kDh, tt::kEsn})) {
    return false;
  }
  if (esp && !single(sets, tt::kEncr, encrTransform(ours.encr_id, ours.encr_key_bits))) {
    return false;
  }
  if (ours.integ_id != 0 ? !single(sets, tt::kInteg, plain(tt::kInteg, ours.integ_id))
                         : !singleNoneOrAbsent(sets, tt::kInteg)) {
    return false;
  }
  const auto* esn = setOf(sets, tt::kEsn);
  if (esn ? !single(sets, tt::kEsn, plain(tt::kEsn, ours.esn ? wire::esn::kYes : wire::esn::kNo))
          : ours.esn) {
    return false;
  }
  if (!require_dh || !check_dh) {
    // Without a KE (IKE_AUTH) an echoed D-H transform means nothing, but it is still one.
    const auto* dh = setOf(sets, tt::kDh);
    return !dh || dh->size() == 1;
  }
  return ours.dh_group == 0 ? singleNoneOrAbsent(sets, tt::kDh)
                            : single(sets, tt::kDh, plain(tt::kDh, ours.dh_group));
}

uint32_t spiValue(const Bytes& spi) { return loadU32(spi.data()); }

// The names of one transform type's offered algorithms, '/'-joined. A type offered only as
// NONE is left out.
template <typename Namer>
std::string namesOf(const TransformSets& sets, uint8_t type, Namer namer) {
  const auto* s = setOf(sets, type);
  if (!s || std::all_of(s->begin(), s->end(), [](const auto& t) { return t.id == 0; })) {
    return {};
  }
  std::vector<std::string> names;
  for (const auto& t : *s) {
    names.push_back(namer(t));
  }
  return join(names, "/");
}

std::string describeProposal(const wire::v2::Proposal& p) {
  const auto sets = byType(p);
  std::vector<std::string> parts;
  if (p.protocol == wire::ProtocolId::Ah) {
    parts.push_back("ah");
  }
  parts.push_back(
      namesOf(sets, tt::kEncr, [](const auto& t) { return encrName(t.id, t.key_length); }));
  parts.push_back(namesOf(sets, tt::kInteg, [](const auto& t) { return integName(t.id); }));
  // The PRF is shown unless it is exactly the one the INTEG list implies (as in name()).
  if (const auto* prfs = setOf(sets, tt::kPrf)) {
    const auto* integs = setOf(sets, tt::kInteg);
    bool implied = integs && integs->size() == prfs->size();
    for (size_t i = 0; implied && i < prfs->size(); ++i) {
      implied = impliedPrf((*integs)[i].id) == (*prfs)[i].id;
    }
    if (!implied) {
      parts.push_back(namesOf(sets, tt::kPrf, [](const auto& t) { return prfName(t.id); }));
    }
  }
  parts.push_back(namesOf(sets, tt::kDh, [](const auto& t) { return dhName(t.id); }));
  // ESN "no" is the default and left out; anything else is worth showing.
  const auto* esn = setOf(sets, tt::kEsn);
  if (esn && !(esn->size() == 1 && esn->front().id == wire::esn::kNo)) {
    std::vector<std::string> names;
    for (const auto& t : *esn) {
      names.push_back(esnName(t.id));
    }
    parts.push_back(join(names, "/"));
  }
  for (const auto& [type, transforms] : sets) {
    if (type < tt::kEncr || type > tt::kEsn) {
      parts.push_back("type" + std::to_string(type));
    }
  }
  std::string text = join(parts, "-");
  return text.empty() ? "(empty)" : text;
}

}  // namespace

std::string IkeSuite::name() const {
  std::vector<std::string> parts{encrName(encr_id, encr_key_bits)};
  if (integ_id != 0) {
    parts.push_back(integName(integ_id));
  }
  if (integ_id == 0 || impliedPrf(integ_id) != prf_id) {
    parts.push_back(prfName(prf_id));
  }
  if (dh_group != 0) {
    parts.push_back(dhName(dh_group));
  }
  return join(parts, "-");
}

std::string ChildSuite::name() const {
  std::vector<std::string> parts;
  if (protocol == wire::ProtocolId::Ah) {
    parts.push_back("ah");
  } else {
    parts.push_back(encrName(encr_id, encr_key_bits));
  }
  if (integ_id != 0) {
    parts.push_back(integName(integ_id));
  }
  if (dh_group != 0) {
    parts.push_back(dhName(dh_group));
  }
  if (esn) {
    parts.push_back("esn");
  }
  return join(parts, "-");
}

IkeSuite ikeSuiteFor(const IkePolicy& policy) {
  const EncrIds e = encrIds(policy.encryption);
  IkeSuite s;
  s.encr_id = e.id;
  s.encr_key_bits = e.key_bits;
  // With an AEAD cipher the hash only picks the PRF (RFC 5282 §8).
  s.integ_id = isAead(policy.encryption) ? 0 : integId(policy.authentication);
  s.prf_id = prfId(policy.authentication);
  s.dh_group = policy.dh_group;
  return s;
}

ChildSuite childSuiteFor(const IpsecPolicy& policy) {
  ChildSuite s;
  s.protocol = policy.protocol == IpsecProtocol::Ah ? wire::ProtocolId::Ah : wire::ProtocolId::Esp;
  bool is_aead = false;
  if (s.protocol == wire::ProtocolId::Esp && policy.encryption) {
    const EncrIds e = encrIds(*policy.encryption);
    s.encr_id = e.id;
    s.encr_key_bits = e.key_bits;
    is_aead = isAead(*policy.encryption);
  }
  if (!is_aead && policy.authentication) {
    s.integ_id = integId(*policy.authentication);
  }
  s.dh_group = policy.pfs_group.value_or(0);
  s.esn = false;
  return s;
}

wire::v2::Proposal toProposal(const IkeSuite& suite, uint8_t number, Bytes spi) {
  wire::v2::Proposal p;
  p.number = number;
  p.protocol = wire::ProtocolId::Ike;
  p.spi = std::move(spi);
  p.transforms.push_back(encrTransform(suite.encr_id, suite.encr_key_bits));
  p.transforms.push_back(plain(tt::kPrf, suite.prf_id));
  if (suite.integ_id != 0) {
    p.transforms.push_back(plain(tt::kInteg, suite.integ_id));
  }
  p.transforms.push_back(plain(tt::kDh, suite.dh_group));
  return p;
}

wire::v2::Proposal toProposal(const ChildSuite& suite, uint32_t spi, bool include_dh,
                              uint8_t number) {
  wire::v2::Proposal p;
  p.number = number;
  p.protocol = suite.protocol;
  p.spi.resize(4);
  storeU32(p.spi.data(), spi);
  if (suite.protocol == wire::ProtocolId::Esp) {
    p.transforms.push_back(encrTransform(suite.encr_id, suite.encr_key_bits));
  }
  if (suite.integ_id != 0 || suite.protocol == wire::ProtocolId::Ah) {
    p.transforms.push_back(plain(tt::kInteg, suite.integ_id));
  }
  if (include_dh && suite.dh_group != 0) {
    p.transforms.push_back(plain(tt::kDh, suite.dh_group));
  }
  p.transforms.push_back(plain(tt::kEsn, suite.esn ? wire::esn::kYes : wire::esn::kNo));
  return p;
}

std::variant<IkeSelection, ProposalMismatch> selectIke(const wire::v2::SaPayload& offered,
                                                       const IkeSuite& ours) {
  for (const auto& p : offered.proposals) {
    if (matchesIke(p, ours, true)) {
      return IkeSelection{ours, p.number};
    }
  }
  ProposalMismatch m;
  m.only_dh_differs = std::any_of(offered.proposals.begin(), offered.proposals.end(),
                                  [&](const auto& p) { return matchesIke(p, ours, false); });
  m.offered = describe(offered);
  m.ours = ours.name();
  return m;
}

std::variant<ChildSelection, ProposalMismatch> selectChild(const wire::v2::SaPayload& offered,
                                                           const ChildSuite& ours,
                                                           bool require_dh) {
  for (const auto& p : offered.proposals) {
    if (matchesChild(p, ours, require_dh, true)) {
      return ChildSelection{ours, p.number, spiValue(p.spi)};
    }
  }
  ProposalMismatch m;
  m.only_dh_differs =
      std::any_of(offered.proposals.begin(), offered.proposals.end(),
                  [&](const auto& p) { return matchesChild(p, ours, require_dh, false); });
  m.offered = describe(offered);
  m.ours = ours.name();
  return m;
}

std::variant<IkeSelection, ProposalMismatch> acceptIke(const wire::v2::SaPayload& answer,
                                                       const IkeSuite& ours) {
  if (answer.proposals.size() == 1 && answerIsIke(answer.proposals.front(), ours, true)) {
    return IkeSelection{ours, answer.proposals.front().number};
  }
  ProposalMismatch m;
  m.only_dh_differs =
      answer.proposals.size() == 1 && answerIsIke(answer.proposals.front(), ours, false);
  m.offered = describe(answer);
  m.ours = ours.name();
  return m;
}

std::variant<ChildSelection, ProposalMismatch> acceptChild(const wire::v2::SaPayload& answer,
                                                           const ChildSuite& ours,
                                                           bool require_dh) {
  if (answer.proposals.size() == 1 &&
      answerIsChild(answer.proposals.front(), ours, require_dh, true)) {
    const auto& p = answer.proposals.front();
    return ChildSelection{ours, p.number, spiValue(p.spi)};
  }
  ProposalMismatch m;
  m.only_dh_differs = answer.proposals.size() == 1 &&
                      answerIsChild(answer.proposals.front(), ours, require_dh, false);
  m.offered = describe(answer);
  m.ours = ours.name();
  return m;
}

std::string describe(const wire::v2::SaPayload& sa) {
  if (sa.proposals.empty()) {
    return "(no proposals)";
  }
  std::vector<std::string> parts;
  for (const auto& p : sa.proposals) {
    parts.push_back(describeProposal(p));
  }
  return join(parts, ", ");
}

}  // namespace vpngw::ike

namespace vpngw::ike {

wire::v2::SaPayload probeOffer() {
  using wire::v2::Transform;
  namespace tr = wire::transform;
  std::vector<Transform> prfs;
  for (uint16_t id : {wire::prf::kHmacSha1, wire::prf::kHmacSha256, wire::prf::kHmacSha384,
                      wire::prf::kHmacSha512, wire::prf::kHmacMd5}) {
    prfs.push_back({tr::kPrf, id, std::nullopt});
  }
  std::vector<Transform> dhs;
  for (uint16_t g : {2, 14, 5, 1, 15, 16, 19, 20, 21, 24, 31}) {
    dhs.push_back({tr::kDh, g, std::nullopt});
  }
  wire::v2::Proposal cbc;
  cbc.number = 1;
  cbc.protocol = wire::ProtocolId::Ike;
  for (uint16_t bits : {128, 192, 256}) {
    cbc.transforms.push_back({tr::kEncr, wire::encr::kAesCbc, bits});
  }
  cbc.transforms.push_back({tr::kEncr, wire::encr::k3Des, std::nullopt});
  cbc.transforms.insert(cbc.transforms.end(), prfs.begin(), prfs.end());
  for (uint16_t id :
       {wire::integ::kHmacSha1_96, wire::integ::kHmacSha256_128, wire::integ::kHmacSha384_192,
        wire::integ::kHmacSha512_256, wire::integ::kHmacMd5_96}) {
    cbc.transforms.push_back({tr::kInteg, id, std::nullopt});
  }
  cbc.transforms.insert(cbc.transforms.end(), dhs.begin(), dhs.end());
  wire::v2::Proposal gcm;
  gcm.number = 2;
  gcm.protocol = wire::ProtocolId::Ike;
  for (uint16_t bits : {128, 256}) {
    gcm.transforms.push_back({tr::kEncr, wire::encr::kAesGcm16, bits});
  }
  gcm.transforms.insert(gcm.transforms.end(), prfs.begin(), prfs.end());
  gcm.transforms.insert(gcm.transforms.end(), dhs.begin(), dhs.end());
  return wire::v2::SaPayload{{cbc, gcm}};
}

std::optional<IkeSuite> suiteOf(const wire::v2::Proposal& answer) {
  IkeSuite s;
  bool encr = false;
  bool prf = false;
  for (const auto& t : answer.transforms) {
    switch (t.type) {
      case wire::transform::kEncr:
        s.encr_id = t.id;
        s.encr_key_bits = t.key_length.value_or(0);
        encr = true;
        break;
      case wire::transform::kPrf:
        s.prf_id = t.id;
        prf = true;
        break;
      case wire::transform::kInteg:
        s.integ_id = t.id;
        break;
      case wire::transform::kDh:
        s.dh_group = t.id;
        break;
      default:
        break;
    }
  }
  if (!encr || !prf || s.dh_group == 0) {
    return std::nullopt;
  }
  return s;
}

}  // namespace vpngw::ike
