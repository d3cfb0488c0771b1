#pragma once
// Typed views of transform attributes: phase 1 (RFC 2409 Appendix A) and phase 2 (RFC 2407
// §4.5, RFC 3947 §5.1, RFC 4304). parse*() refuses what a responder must not accept silently:
// an attribute it does not support, a duplicate, a basic-only attribute in variable form, a
// life duration without its life type (or the reverse), an unknown life type, or a duration that
// is empty or longer than 8 bytes. The engine answers such a transform with NO-PROPOSAL-CHOSEN
// (or ATTRIBUTES-NOT-SUPPORTED).
#include <cstdint>

#include "base/result.h"
#include "wire/ikev1/message.h"

namespace vpngw::wire::v1 {

// Lifetimes: 0 means "not given" (the RFC defaults then apply: 8 hours for both phases,
// RFC 2407 §4.5 and RFC 2409 Appendix A).
struct Lifetime {
  uint64_t seconds = 0;
  uint64_t kilobytes = 0;
  bool operator==(const Lifetime&) const = default;
};

struct Phase1Attributes {
  uint16_t encryption = 0;   // p1encr::k3DesCbc, kAesCbc
  uint16_t key_length = 0;   // bits; 0 = attribute absent (fixed-size ciphers)
  uint16_t hash = 0;         // p1hash::kMd5 ... also the PRF (HMAC) when no PRF attribute
  uint16_t auth_method = 0;  // p1auth::kPsk ...
  uint16_t group = 0;        // Group Description (wire::dh numbering)
  Lifetime life{};
  bool operator==(const Phase1Attributes&) const = default;
};

struct Phase2Attributes {
  Lifetime life{};
  uint16_t group = 0;           // PFS group; 0 = no PFS
  uint16_t encapsulation = 0;   // encap::kTunnel ...; 0 = absent
  uint16_t auth_algorithm = 0;  // p2auth::kHmacSha1 ...; 0 = absent (ESP without integrity)
  uint16_t key_length = 0;      // bits; 0 = absent
  bool esn = false;             // RFC 4304 Extended Sequence Number
  bool operator==(const Phase2Attributes&) const = default;
};

Result<Phase1Attributes> parsePhase1(const Transform& transform);
Result<Phase2Attributes> parsePhase2(const Transform& transform);

// Builds a KEY_IKE transform. Attributes equal to 0 are left out; each given lifetime becomes a
// Life Type / Life Duration pair, the duration basic when it fits 16 bits, else variable
// (4 bytes, or 8 above 2^32-1).
Transform makePhase1Transform(uint8_t number, const Phase1Attributes& attributes);
// Builds an ESP/AH transform with the given transform ID.
Transform makePhase2Transform(uint8_t number, uint8_t transform_id,
                              const Phase2Attributes& attributes);

// A bare attribute list, as in RESPONDER-LIFETIME notification data (RFC 2407 §4.6.3.1).
Result<std::vector<Attribute>> decodeAttributeList(ByteView data);
Bytes encodeAttributeList(const std::vector<Attribute>& attributes);
// RESPONDER-LIFETIME data: phase-2 Life Type / Life Duration pairs (phase-1 numbering when the
// notify's protocol is ISAKMP). Any other attribute is an Error.
Result<Lifetime> parseResponderLifetime(ByteView notify_data, bool phase1 = false);
Bytes makeResponderLifetime(const Lifetime& life, bool phase1 = false);

// Encapsulation mode helpers (RFC 3947 §5.1 and the draft values).
bool isUdpEncapsulated(uint16_t encapsulation);
bool isTunnelMode(uint16_t encapsulation);

}  // namespace vpngw::wire::v1
