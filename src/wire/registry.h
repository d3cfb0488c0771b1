#pragma once
// IANA numbers for IKEv2 (RFC 7296 §3 and the IKEv2 registries) used across vpngw.
#include <cstdint>
#include <string_view>

namespace vpngw::wire {

constexpr uint16_t kIkePort = 500;
constexpr uint16_t kNatTPort = 4500;
constexpr uint8_t kIkev2Version = 0x20;  // major 2, minor 0
constexpr uint8_t kIkev1Version = 0x10;
constexpr size_t kHeaderSize = 28;
constexpr size_t kGenericPayloadHeaderSize = 4;
// Largest IKE message we accept or build (RFC 7296 §2 recommends supporting 3000 octets;
// fragments reassemble up to this).
constexpr size_t kMaxMessageSize = 65535;

enum class ExchangeType : uint8_t {
  // IKEv1 values appear only to recognise a v1 message.
  IkeSaInit = 34,
  IkeAuth = 35,
  CreateChildSa = 36,
  Informational = 37,
};

namespace flags {
constexpr uint8_t kInitiator = 0x08;
constexpr uint8_t kVersion = 0x10;
constexpr uint8_t kResponse = 0x20;
}  // namespace flags

namespace payload {
constexpr uint8_t kNone = 0;
constexpr uint8_t kSa = 33;
constexpr uint8_t kKe = 34;
constexpr uint8_t kIdi = 35;
constexpr uint8_t kIdr = 36;
constexpr uint8_t kCert = 37;
constexpr uint8_t kCertReq = 38;
constexpr uint8_t kAuth = 39;
constexpr uint8_t kNonce = 40;
constexpr uint8_t kNotify = 41;
constexpr uint8_t kDelete = 42;
constexpr uint8_t kVendorId = 43;
constexpr uint8_t kTsi = 44;
constexpr uint8_t kTsr = 45;
constexpr uint8_t kSk = 46;
constexpr uint8_t kCp = 47;
constexpr uint8_t kEap = 48;
constexpr uint8_t kSkf = 53;  // RFC 7383 Encrypted and Authenticated Fragment
}  // namespace payload

enum class ProtocolId : uint8_t { None = 0, Ike = 1, Ah = 2, Esp = 3 };

namespace transform {
constexpr uint8_t kEncr = 1;
constexpr uint8_t kPrf = 2;
constexpr uint8_t kInteg = 3;
constexpr uint8_t kDh = 4;
constexpr uint8_t kEsn = 5;
constexpr uint16_t kAttrKeyLength = 14;  // the only transform attribute in IKEv2 (TV format)
}  // namespace transform

namespace encr {
constexpr uint16_t k3Des = 3;
constexpr uint16_t kAesCbc = 12;
constexpr uint16_t kAesGcm16 = 20;
}  // namespace encr

namespace prf {
constexpr uint16_t kHmacMd5 = 1;
constexpr uint16_t kHmacSha1 = 2;
constexpr uint16_t kHmacSha256 = 5;
constexpr uint16_t kHmacSha384 = 6;
constexpr uint16_t kHmacSha512 = 7;
}  // namespace prf

namespace integ {
constexpr uint16_t kNone = 0;
constexpr uint16_t kHmacMd5_96 = 1;
constexpr uint16_t kHmacSha1_96 = 2;
constexpr uint16_t kHmacSha256_128 = 12;
constexpr uint16_t kHmacSha384_192 = 13;
constexpr uint16_t kHmacSha512_256 = 14;
}  // namespace integ

namespace dh {
constexpr uint16_t kModp768 = 1;
constexpr uint16_t kModp1024 = 2;
constexpr uint16_t kModp1536 = 5;
constexpr uint16_t kModp2048 = 14;
constexpr uint16_t kModp3072 = 15;
constexpr uint16_t kModp4096 = 16;
constexpr uint16_t kEcp256 = 19;
constexpr uint16_t kEcp384 = 20;
constexpr uint16_t kEcp521 = 21;
constexpr uint16_t kModp2048s256 = 24;
constexpr uint16_t kCurve25519 = 31;
}  // namespace dh

namespace esn {
constexpr uint16_t kNo = 0;
constexpr uint16_t kYes = 1;
}  // namespace esn

namespace id {
constexpr uint8_t kIpv4 = 1;
constexpr uint8_t kFqdn = 2;
constexpr uint8_t kRfc822 = 3;
constexpr uint8_t kIpv6 = 5;
constexpr uint8_t kDerAsn1Dn = 9;
constexpr uint8_t kKeyId = 11;
}  // namespace id

namespace auth {
constexpr uint8_t kRsaSig = 1;
constexpr uint8_t kSharedKey = 2;  // Shared Key Message Integrity Code
constexpr uint8_t kDss = 3;
}  // namespace auth

namespace ts {
constexpr uint8_t kIpv4AddrRange = 7;
constexpr uint8_t kIpv6AddrRange = 8;
}  // namespace ts

// Notify message types (RFC 7296 §3.10.1 and later RFCs).
namespace notify {
// errors (< 16384)
constexpr uint16_t kUnsupportedCriticalPayload = 1;
constexpr uint16_t kInvalidIkeSpi = 4;
constexpr uint16_t kInvalidMajorVersion = 5;
constexpr uint16_t kInvalidSyntax = 7;
constexpr uint16_t kInvalidMessageId = 9;
constexpr uint16_t kInvalidSpi = 11;
constexpr uint16_t kNoProposalChosen = 14;
constexpr uint16_t kInvalidKePayload = 17;
constexpr uint16_t kAuthenticationFailed = 24;
constexpr uint16_t kSinglePairRequired = 34;
constexpr uint16_t kNoAdditionalSas = 35;
constexpr uint16_t kInternalAddressFailure = 36;
constexpr uint16_t kFailedCpRequired = 37;
constexpr uint16_t kTsUnacceptable = 38;
constexpr uint16_t kInvalidSelectors = 39;
constexpr uint16_t kTemporaryFailure = 43;
constexpr uint16_t kChildSaNotFound = 44;
constexpr uint16_t kLastError = 16383;
// status (>= 16384)
constexpr uint16_t kInitialContact = 16384;
constexpr uint16_t kSetWindowSize = 16385;
constexpr uint16_t kAdditionalTsPossible = 16386;
constexpr uint16_t kIpcompSupported = 16387;
constexpr uint16_t kNatDetectionSourceIp = 16388;
constexpr uint16_t kNatDetectionDestinationIp = 16389;
constexpr uint16_t kCookie = 16390;
constexpr uint16_t kUseTransportMode = 16391;
constexpr uint16_t kRekeySa = 16393;
constexpr uint16_t kEspTfcPaddingNotSupported = 16394;
constexpr uint16_t kNonFirstFragmentsAlso = 16395;
constexpr uint16_t kMobikeSupported = 16396;
constexpr uint16_t kIkev2FragmentationSupported = 16430;  // RFC 7383
constexpr uint16_t kSignatureHashAlgorithms = 16431;      // RFC 7427
}  // namespace notify

std::string_view notifyName(uint16_t type);
std::string_view exchangeName(ExchangeType type);
std::string_view payloadName(uint8_t type);

}  // namespace vpngw::wire
