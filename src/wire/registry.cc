// Names for IKEv2 registry values (IANA "Internet Key Exchange Version 2 (IKEv2) Parameters"),
// for logs and status output.
#include "wire/registry.h"

namespace vpngw::wire {

std::string_view notifyName(uint16_t type) {
  switch (type) {
    // Error types (RFC 7296 §3.10.1 and later RFCs).
    case 1:
      return "UNSUPPORTED_CRITICAL_PAYLOAD";
    case 4:
      return "INVALID_IKE_SPI";
    case 5:
      return "INVALID_MAJOR_VERSION";
    case 7:
      return "INVALID_SYNTAX";
    case 9:
      return "INVALID_MESSAGE_ID";
    case 11:
      return "INVALID_SPI";
    case 14:
      return "NO_PROPOSAL_CHOSEN";
    case 17:
      return "INVALID_KE_PAYLOAD";
    case 24:
      return "AUTHENTICATION_FAILED";
    case 34:
      return "SINGLE_PAIR_REQUIRED";
    case 35:
      return "NO_ADDITIONAL_SAS";
    case 36:
      return "INTERNAL_ADDRESS_FAILURE";
    case 37:
      return "FAILED_CP_REQUIRED";
    case 38:
      return "TS_UNACCEPTABLE";
    case 39:
      return "INVALID_SELECTORS";
    case 40:
      return "UNACCEPTABLE_ADDRESSES";
    case 41:
      return "UNEXPECTED_NAT_DETECTED";
    case 42:
      return "USE_ASSIGNED_HoA";
    case 43:
      return "TEMPORARY_FAILURE";
    case 44:
      return "CHILD_SA_NOT_FOUND";
    case 45:
      return "INVALID_GROUP_ID";
    case 46:
      return "AUTHORIZATION_FAILED";
    case 47:
      return "STATE_NOT_FOUND";
    // Status types.
    case 16384:
      return "INITIAL_CONTACT";
    case 16385:
      return "SET_WINDOW_SIZE";
    case 16386:
      return "ADDITIONAL_TS_POSSIBLE";
    case 16387:
      return "IPCOMP_SUPPORTED";
    case 16388:
      return "NAT_DETECTION_SOURCE_IP";
    case 16389:
      return "NAT_DETECTION_DESTINATION_IP";
    case 16390:
      return "COOKIE";
    case 16391:
      return "USE_TRANSPORT_MODE";
    case 16392:
      return "HTTP_CERT_LOOKUP_SUPPORTED";
    case 16393:
      return "REKEY_SA";
    case 16394:
      return "ESP_TFC_PADDING_NOT_SUPPORTED";
    case 16395:
      return "NON_FIRST_FRAGMENTS_ALSO";
    case 16396:
      return "MOBIKE_SUPPORTED";
    case 16397:
      return "ADDITIONAL_IP4_ADDRESS";
    case 16398:
      return "ADDITIONAL_IP6_ADDRESS";
    case 16399:
      return "NO_ADDITIONAL_ADDRESSES";
    case 16400:
      return "UPDATE_SA_ADDRESSES";
    case 16401:
      return "COOKIE2";
    case 16402:
      return "NO_NATS_ALLOWED";
    case 16403:
      return "AUTH_LIFETIME";
    case 16404:
      return "MULTIPLE_AUTH_SUPPORTED";
    case 16405:
      return "ANOTHER_AUTH_FOLLOWS";
    case 16406:
      return "REDIRECT_SUPPORTED";
    case 16407:
      return "REDIRECT";
    case 16408:
      return "REDIRECTED_FROM";
    case 16417:
      return "EAP_ONLY_AUTHENTICATION";
    case 16418:
      return "CHILDLESS_IKEV2_SUPPORTED";
    case 16419:
      return "QUICK_CRASH_DETECTION";
    case 16430:
      return "IKEV2_FRAGMENTATION_SUPPORTED";
    case 16431:
      return "SIGNATURE_HASH_ALGORITHMS";
    case 16435:
      return "USE_PPK";
    case 16438:
      return "INTERMEDIATE_EXCHANGE_SUPPORTED";
    default:
      return type <= notify::kLastError ? "UNKNOWN_ERROR" : "UNKNOWN_STATUS";
  }
}

std::string_view exchangeName(ExchangeType type) {
  switch (static_cast<uint8_t>(type)) {
    case 34:
      return "IKE_SA_INIT";
    case 35:
      return "IKE_AUTH";
    case 36:
      return "CREATE_CHILD_SA";
    case 37:
      return "INFORMATIONAL";
    case 38:
      return "IKE_SESSION_RESUME";
    case 43:
      return "IKE_INTERMEDIATE";
    default:
      return "UNKNOWN";
  }
}

std::string_view payloadName(uint8_t type) {
  // The notation of RFC 7296 §3.2; Ni and Nr share one type, shown as "Nonce".
  switch (type) {
    case payload::kNone:
      return "NONE";
    case payload::kSa:
      return "SA";
    case payload::kKe:
      return "KE";
    case payload::kIdi:
      return "IDi";
    case payload::kIdr:
      return "IDr";
    case payload::kCert:
      return "CERT";
    case payload::kCertReq:
      return "CERTREQ";
    case payload::kAuth:
      return "AUTH";
    case payload::kNonce:
      return "Nonce";
    case payload::kNotify:
      return "N";
    case payload::kDelete:
      return "D";
    case payload::kVendorId:
      return "V";
    case payload::kTsi:
      return "TSi";
    case payload::kTsr:
      return "TSr";
    case payload::kSk:
      return "SK";
    case payload::kCp:
      return "CP";
    case payload::kEap:
      return "EAP";
    case payload::kSkf:
      return "SKF";
    default:
      return "UNKNOWN";
  }
}

}  // namespace vpngw::wire
