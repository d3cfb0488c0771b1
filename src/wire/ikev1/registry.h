#pragma once
// IANA numbers for ISAKMP / IKEv1: RFC 2408 (ISAKMP), RFC 2407 (IPsec DOI), RFC 2409 (IKE,
// Appendix A attributes), RFC 3947 (NAT-T), RFC 3706 (DPD), RFC 4304 (ESN). The Diffie-Hellman
// group numbers are the same registry as IKEv2's (wire::dh in wire/registry.h).
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vpngw::wire::v1 {

constexpr uint8_t kVersion = 0x10;  // major 1, minor 0 (RFC 2408 §3.1)
constexpr size_t kHeaderSize = 28;
constexpr size_t kGenericPayloadHeaderSize = 4;
constexpr size_t kMaxMessageSize = 65535;
constexpr size_t kCookieSize = 8;

constexpr uint32_t kDoiIsakmp = 0;  // generic ISAKMP SA (RFC 2408 §3.4)
constexpr uint32_t kDoiIpsec = 1;   // RFC 2407 §4.2
// RFC 2407 §4.2 situation bits. Only SIT_IDENTITY_ONLY is supported: the other two add
// labelled-domain fields that no site-to-site peer sends.
constexpr uint32_t kSitIdentityOnly = 0x01;
constexpr uint32_t kSitSecrecy = 0x02;
constexpr uint32_t kSitIntegrity = 0x04;

namespace exchange {
constexpr uint8_t kBase = 1;
constexpr uint8_t kMain = 2;  // Identity Protection
constexpr uint8_t kAuthOnly = 3;
constexpr uint8_t kAggressive = 4;
constexpr uint8_t kInformational = 5;
constexpr uint8_t kTransaction = 6;  // Mode Config (draft-dukes-ike-mode-cfg)
constexpr uint8_t kQuick = 32;       // RFC 2409 §5.5
constexpr uint8_t kNewGroup = 33;
}  // namespace exchange

namespace flags {
constexpr uint8_t kEncryption = 0x01;
constexpr uint8_t kCommit = 0x02;
constexpr uint8_t kAuthOnly = 0x04;
}  // namespace flags

namespace payload {
constexpr uint8_t kNone = 0;
constexpr uint8_t kSa = 1;
constexpr uint8_t kProposal = 2;   // only inside SA
constexpr uint8_t kTransform = 3;  // only inside a proposal
constexpr uint8_t kKe = 4;
constexpr uint8_t kId = 5;
constexpr uint8_t kCert = 6;
constexpr uint8_t kCertReq = 7;
constexpr uint8_t kHash = 8;
constexpr uint8_t kSig = 9;
constexpr uint8_t kNonce = 10;
constexpr uint8_t kNotify = 11;
constexpr uint8_t kDelete = 12;
constexpr uint8_t kVendorId = 13;
constexpr uint8_t kAttr = 14;         // Mode Config attributes
constexpr uint8_t kNatD = 20;         // RFC 3947 §3.2
constexpr uint8_t kNatOa = 21;        // RFC 3947 §5.2
constexpr uint8_t kNatDDraft = 130;   // draft-ietf-ipsec-nat-t-ike-02/03
constexpr uint8_t kNatOaDraft = 131;  // draft-ietf-ipsec-nat-t-ike-02/03
constexpr uint8_t kFragment = 132;    // Cisco/strongSwan proprietary IKEv1 fragmentation
}  // namespace payload

// Protocol IDs (RFC 2407 §4.4.1).
namespace protocol {
constexpr uint8_t kIsakmp = 1;
constexpr uint8_t kAh = 2;
constexpr uint8_t kEsp = 3;
constexpr uint8_t kIpcomp = 4;
}  // namespace protocol

// Transform IDs (RFC 2407 §4.4.2-§4.4.4 and the IANA "IPSEC ESP Transform Identifiers").
namespace transform_id {
constexpr uint8_t kKeyIke = 1;  // the only ISAKMP transform
constexpr uint8_t kEspDes = 2;
constexpr uint8_t kEsp3Des = 3;
constexpr uint8_t kEspNull = 11;
constexpr uint8_t kEspAesCbc = 12;
constexpr uint8_t kEspAesCtr = 13;
constexpr uint8_t kEspAesGcm8 = 18;
constexpr uint8_t kEspAesGcm12 = 19;
constexpr uint8_t kEspAesGcm16 = 20;
constexpr uint8_t kAhMd5 = 2;
constexpr uint8_t kAhSha = 3;
constexpr uint8_t kAhSha256 = 5;
constexpr uint8_t kAhSha384 = 6;
constexpr uint8_t kAhSha512 = 7;
}  // namespace transform_id

// Phase-1 (Oakley) attribute classes, RFC 2409 Appendix A. B = basic only, V = variable.
namespace p1attr {
constexpr uint16_t kEncryption = 1;        // B
constexpr uint16_t kHash = 2;              // B
constexpr uint16_t kAuthMethod = 3;        // B
constexpr uint16_t kGroupDescription = 4;  // B
constexpr uint16_t kGroupType = 5;         // B
constexpr uint16_t kGroupPrime = 6;        // V
constexpr uint16_t kGroupGenerator1 = 7;   // V
constexpr uint16_t kGroupGenerator2 = 8;   // V
constexpr uint16_t kGroupCurveA = 9;       // V
constexpr uint16_t kGroupCurveB = 10;      // V
constexpr uint16_t kLifeType = 11;         // B
constexpr uint16_t kLifeDuration = 12;     // V (basic when it fits, RFC 2408 §3.3)
constexpr uint16_t kPrf = 13;              // B
constexpr uint16_t kKeyLength = 14;        // B
constexpr uint16_t kFieldSize = 15;        // B
constexpr uint16_t kGroupOrder = 16;       // V
}  // namespace p1attr

namespace p1encr {
constexpr uint16_t kDesCbc = 1;
constexpr uint16_t k3DesCbc = 5;
constexpr uint16_t kAesCbc = 7;  // RFC 3602 §5.3; Key Length attribute required
}  // namespace p1encr

namespace p1hash {
constexpr uint16_t kMd5 = 1;
constexpr uint16_t kSha1 = 2;
constexpr uint16_t kSha256 = 4;
constexpr uint16_t kSha384 = 5;
constexpr uint16_t kSha512 = 6;
}  // namespace p1hash

namespace p1auth {
constexpr uint16_t kPsk = 1;
constexpr uint16_t kDss = 2;
constexpr uint16_t kRsaSig = 3;
constexpr uint16_t kRsaEnc = 4;
constexpr uint16_t kRsaRevisedEnc = 5;
constexpr uint16_t kXauthInitPsk = 65001;  // draft-beaulieu-ike-xauth
}  // namespace p1auth

namespace life {
constexpr uint16_t kSeconds = 1;
constexpr uint16_t kKilobytes = 2;
}  // namespace life

// Phase-2 IPsec DOI SA attributes, RFC 2407 §4.5 (+ RFC 4304 for ESN).
namespace p2attr {
constexpr uint16_t kLifeType = 1;
constexpr uint16_t kLifeDuration = 2;  // V (basic when it fits)
constexpr uint16_t kGroupDescription = 3;
constexpr uint16_t kEncapsulationMode = 4;
constexpr uint16_t kAuthAlgorithm = 5;
constexpr uint16_t kKeyLength = 6;
constexpr uint16_t kKeyRounds = 7;
constexpr uint16_t kCompressDictSize = 8;
constexpr uint16_t kCompressPrivateAlg = 9;  // V
constexpr uint16_t kEcnTunnel = 10;          // RFC 3168
constexpr uint16_t kEsn = 11;                // RFC 4304 §2
}  // namespace p2attr

namespace encap {
constexpr uint16_t kTunnel = 1;
constexpr uint16_t kTransport = 2;
constexpr uint16_t kUdpTunnel = 3;     // RFC 3947 §5.1
constexpr uint16_t kUdpTransport = 4;  // RFC 3947 §5.1
// draft-ietf-ipsec-nat-t-ike-02/03 values, still sent by peers that negotiated a draft VID.
constexpr uint16_t kUdpTunnelDraft = 61443;
constexpr uint16_t kUdpTransportDraft = 61444;
}  // namespace encap

namespace p2auth {
constexpr uint16_t kHmacMd5 = 1;
constexpr uint16_t kHmacSha1 = 2;
constexpr uint16_t kDesMac = 3;
constexpr uint16_t kKpdk = 4;
constexpr uint16_t kHmacSha256 = 5;
constexpr uint16_t kHmacSha384 = 6;
constexpr uint16_t kHmacSha512 = 7;
}  // namespace p2auth

// Identification types, RFC 2407 §4.6.2.1.
namespace id {
constexpr uint8_t kIpv4Addr = 1;
constexpr uint8_t kFqdn = 2;
constexpr uint8_t kUserFqdn = 3;
constexpr uint8_t kIpv4AddrSubnet = 4;
constexpr uint8_t kIpv6Addr = 5;
constexpr uint8_t kIpv6AddrSubnet = 6;
constexpr uint8_t kIpv4AddrRange = 7;
constexpr uint8_t kIpv6AddrRange = 8;
constexpr uint8_t kDerAsn1Dn = 9;
constexpr uint8_t kDerAsn1Gn = 10;
constexpr uint8_t kKeyId = 11;
}  // namespace id

// Notify message types: RFC 2408 §3.14.1 errors (1..16383), RFC 2407 §4.6.3 IPsec DOI status,
// RFC 3706 DPD.
namespace notify {
constexpr uint16_t kInvalidPayloadType = 1;
constexpr uint16_t kDoiNotSupported = 2;
constexpr uint16_t kSituationNotSupported = 3;
constexpr uint16_t kInvalidCookie = 4;
constexpr uint16_t kInvalidMajorVersion = 5;
constexpr uint16_t kInvalidMinorVersion = 6;
constexpr uint16_t kInvalidExchangeType = 7;
constexpr uint16_t kInvalidFlags = 8;
constexpr uint16_t kInvalidMessageId = 9;
constexpr uint16_t kInvalidProtocolId = 10;
constexpr uint16_t kInvalidSpi = 11;
constexpr uint16_t kInvalidTransformId = 12;
constexpr uint16_t kAttributesNotSupported = 13;
constexpr uint16_t kNoProposalChosen = 14;
constexpr uint16_t kBadProposalSyntax = 15;
constexpr uint16_t kPayloadMalformed = 16;
constexpr uint16_t kInvalidKeyInformation = 17;
constexpr uint16_t kInvalidIdInformation = 18;
constexpr uint16_t kInvalidCertEncoding = 19;
constexpr uint16_t kInvalidCertificate = 20;
constexpr uint16_t kCertTypeUnsupported = 21;
constexpr uint16_t kInvalidCertAuthority = 22;
constexpr uint16_t kInvalidHashInformation = 23;
constexpr uint16_t kAuthenticationFailed = 24;
constexpr uint16_t kInvalidSignature = 25;
constexpr uint16_t kAddressNotification = 26;
constexpr uint16_t kNotifySaLifetime = 27;
constexpr uint16_t kCertificateUnavailable = 28;
constexpr uint16_t kUnsupportedExchangeType = 29;
constexpr uint16_t kUnequalPayloadLengths = 30;
constexpr uint16_t kLastError = 16383;
constexpr uint16_t kConnected = 16384;
constexpr uint16_t kResponderLifetime = 24576;
constexpr uint16_t kReplayStatus = 24577;
constexpr uint16_t kInitialContact = 24578;
constexpr uint16_t kRUThere = 36136;
constexpr uint16_t kRUThereAck = 36137;
}  // namespace notify

std::string_view exchangeName(uint8_t type);
std::string_view payloadName(uint8_t type);
std::string_view notifyName(uint16_t type);

}  // namespace vpngw::wire::v1
