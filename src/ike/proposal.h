#pragma once
// Algorithm suites for the IKE SA and CHILD SAs, their SA-payload form, and proposal
// selection. The configuration names one algorithm set per phase; the responder accepts an
// offered proposal only when it carries exactly that set (RFC 7296 §2.7, §3.3.6), anything
// else is NO_PROPOSAL_CHOSEN.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "base/bytes.h"
#include "ike/config.h"
#include "wire/ikev2_message.h"

namespace vpngw::ike {

struct IkeSuite {
  uint16_t encr_id = 0;        // wire::encr::...
  uint16_t encr_key_bits = 0;  // 0 for 3DES (fixed key size, no Key Length attribute)
  uint16_t integ_id = 0;       // 0 with an AEAD cipher
  uint16_t prf_id = 0;
  uint16_t dh_group = 0;
  // strongSwan-style name, e.g. "aes128-sha1-modp1024", "aes128gcm16-prfsha256-curve25519".
  std::string name() const;
  bool operator==(const IkeSuite&) const = default;
};

struct ChildSuite {
  wire::ProtocolId protocol = wire::ProtocolId::Esp;
  uint16_t encr_id = 0;  // 0 for AH
  uint16_t encr_key_bits = 0;
  uint16_t integ_id = 0;  // 0 with an AEAD cipher
  uint16_t dh_group = 0;  // PFS group, 0 = none
  bool esn = false;
  // e.g. "aes128-sha1", "aes128gcm16", "aes128-sha1-modp1024" (with PFS), "ah-sha1".
  std::string name() const;
  bool operator==(const ChildSuite&) const = default;
};

IkeSuite ikeSuiteFor(const IkePolicy& policy);
ChildSuite childSuiteFor(const IpsecPolicy& policy);

// SA payload proposals. IKE: spi empty in IKE_SA_INIT, the 8-byte new SPI in an IKE rekey.
wire::v2::Proposal toProposal(const IkeSuite& suite, uint8_t number = 1, Bytes spi = {});
// CHILD: spi is our inbound SPI; include_dh adds the D-H transform (CREATE_CHILD_SA with PFS;
// never in IKE_AUTH, RFC 7296 §1.2).
wire::v2::Proposal toProposal(const ChildSuite& suite, uint32_t spi, bool include_dh,
                              uint8_t number = 1);

// Why nothing was chosen, for the diagnosis: only_dh_differs is true when some proposal
// matched our set except for the D-H group.
struct ProposalMismatch {
  bool only_dh_differs = false;
  std::string offered;  // the peer's proposals, e.g. "aes256-sha256-modp2048"
  std::string ours;     // our set
};

struct IkeSelection {
  IkeSuite suite;
  uint8_t proposal_number = 1;
};
struct ChildSelection {
  ChildSuite suite;
  uint8_t proposal_number = 1;
  uint32_t peer_spi = 0;  // the SPI in the chosen proposal (the peer's inbound SPI)
};

// Responder: picks the first offered proposal that is exactly our suite. require_dh is false
// for CHILD SAs negotiated in IKE_AUTH (no KE there: the D-H transform is ignored).
std::variant<IkeSelection, ProposalMismatch> selectIke(const wire::v2::SaPayload& offered,
                                                       const IkeSuite& ours);
std::variant<ChildSelection, ProposalMismatch> selectChild(const wire::v2::SaPayload& offered,
                                                           const ChildSuite& ours, bool require_dh);

// Initiator: the responder must answer with exactly one proposal, one we offered.
std::variant<IkeSelection, ProposalMismatch> acceptIke(const wire::v2::SaPayload& answer,
                                                       const IkeSuite& ours);
std::variant<ChildSelection, ProposalMismatch> acceptChild(const wire::v2::SaPayload& answer,
                                                           const ChildSuite& ours, bool require_dh);

// Diagnostic offer (initiator, after NO_PROPOSAL_CHOSEN): every IKE algorithm vpngw implements
// in two proposals (CBC ciphers with HMAC integrity; AES-GCM), so that the peer's choice tells
// which of its settings differ from ours. Never used to establish an SA.
wire::v2::SaPayload probeOffer();
// The suite a single-proposal answer names (one transform per type), if it is complete.
std::optional<IkeSuite> suiteOf(const wire::v2::Proposal& answer);

// Human-readable list of the proposals in an SA payload, for diagnoses and logs.
std::string describe(const wire::v2::SaPayload& sa);

}  // namespace vpngw::ike
