// Names for ISAKMP/IKEv1 registry values, for logs, errors and status output. Notify names use
// the spelling of RFC 2408 §3.14.1 (with hyphens), as peers' logs do.
#include "wire/ikev1/registry.h"

namespace vpngw::wire::v1 {

std::string_view exchangeName(uint8_t type) {
  switch (type) {
    case exchange::kBase:
      return "Base";
    case exchange::kMain:
      return "Main Mode";
    case exchange::kAuthOnly:
      return "Authentication Only";
    case exchange::kAggressive:
      return "Aggressive Mode";
    case exchange::kInformational:
      return "Informational";
    case exchange::kTransaction:
      return "Transaction";
    case exchange::kQuick:
      return "Quick Mode";
    case exchange::kNewGroup:
      return "New Group Mode";
    default:
      return "UNKNOWN";
  }
}

std::string_view payloadName(uint8_t type) {
  switch (type) {
    case payload::kNone:
      return "NONE";
    case payload::kSa:
      return "SA";
    case payload::kProposal:
      return "Proposal";
    case payload::kTransform:
      return "Transform";
    case payload::kKe:
      return "KE";
    case payload::kId:
      return "ID";
    case payload::kCert:
      return "CERT";
    case payload::kCertReq:
      return "CR";
    case payload::kHash:
      return "HASH";
    case payload::kSig:
      return "SIG";
    case payload::kNonce:
      return "Nonce";
    case payload::kNotify:
      return "N";
    case payload::kDelete:
      return "D";
    case payload::kVendorId:
      return "VID";
    case payload::kAttr:
      return "ATTR";
    case payload::kNatD:
      return "NAT-D";
    case payload::kNatOa:
      return "NAT-OA";
    case payload::kNatDDraft:
      return "NAT-D (draft)";
    case payload::kNatOaDraft:
      return "NAT-OA (draft)";
    case payload::kFragment:
      return "FRAGMENT";
    default:
      return "UNKNOWN";
  }
}

std::string_view notifyName(uint16_t type) {
  switch (type) {
    case notify::kInvalidPayloadType:
      return "INVALID-PAYLOAD-TYPE";
    case notify::kDoiNotSupported:
      return "DOI-NOT-SUPPORTED";
    case notify::kSituationNotSupported:
      return "SITUATION-NOT-SUPPORTED";
    case notify::kInvalidCookie:
      return "INVALID-COOKIE";
    case notify::kInvalidMajorVersion:
      return "INVALID-MAJOR-VERSION";
    case notify::kInvalidMinorVersion:
      return "INVALID-MINOR-VERSION";
    case notify::kInvalidExchangeType:
      return "INVALID-EXCHANGE-TYPE";
    case notify::kInvalidFlags:
      return "INVALID-FLAGS";
    case notify::kInvalidMessageId:
      return "INVALID-MESSAGE-ID";
    case notify::kInvalidProtocolId:
      return "INVALID-PROTOCOL-ID";
    case notify::kInvalidSpi:
      return "INVALID-SPI";
    case notify::kInvalidTransformId:
      return "INVALID-TRANSFORM-ID";
    case notify::kAttributesNotSupported:
      return "ATTRIBUTES-NOT-SUPPORTED";
    case notify::kNoProposalChosen:
      return "NO-PROPOSAL-CHOSEN";
    case notify::kBadProposalSyntax:
      return "BAD-PROPOSAL-SYNTAX";
    case notify::kPayloadMalformed:
      return "PAYLOAD-MALFORMED";
    case notify::kInvalidKeyInformation:
      return "INVALID-KEY-INFORMATION";
    case notify::kInvalidIdInformation:
      return "INVALID-ID-INFORMATION";
    case notify::kInvalidCertEncoding:
      return "INVALID-CERT-ENCODING";
    case notify::kInvalidCertificate:
      return "INVALID-CERTIFICATE";
    case notify::kCertTypeUnsupported:
      return "CERT-TYPE-UNSUPPORTED";
    case notify::kInvalidCertAuthority:
      return "INVALID-CERT-AUTHORITY";
    case notify::kInvalidHashInformation:
      return "INVALID-HASH-INFORMATION";
    case notify::kAuthenticationFailed:
      return "AUTHENTICATION-FAILED";
    case notify::kInvalidSignature:
      return "INVALID-SIGNATURE";
    case notify::kAddressNotification:
      return "ADDRESS-NOTIFICATION";
    case notify::kNotifySaLifetime:
      return "NOTIFY-SA-LIFETIME";
    case notify::kCertificateUnavailable:
      return "CERTIFICATE-UNAVAILABLE";
    case notify::kUnsupportedExchangeType:
      return "UNSUPPORTED-EXCHANGE-TYPE";
    case notify::kUnequalPayloadLengths:
      return "UNEQUAL-PAYLOAD-LENGTHS";
    case notify::kConnected:
      return "CONNECTED";
    case notify::kResponderLifetime:
      return "RESPONDER-LIFETIME";
    case notify::kReplayStatus:
      return "REPLAY-STATUS";
    case notify::kInitialContact:
      return "INITIAL-CONTACT";
    case notify::kRUThere:
      return "R-U-THERE";
    case notify::kRUThereAck:
      return "R-U-THERE-ACK";
    default:
      return type <= notify::kLastError ? "UNKNOWN-ERROR" : "UNKNOWN-STATUS";
  }
}

}  // namespace vpngw::wire::v1
