#pragma once
// What one direction of a CHILD SA needs for packet processing. It mirrors
// dataplane::ChildSa + DirectionKeys (fill it from ChildSa::in or ChildSa::out); the keys are
// views: the transforms hand them to OpenSSL at creation and keep no copy of their own.
#include <cstdint>

#include "base/bytes.h"
#include "esp/algorithms.h"

namespace vpngw::esp {

constexpr uint8_t kNextHeaderIpv4 = 4;  // IP-in-IP: tunnel mode (RFC 4303 §2.6)
constexpr uint8_t kNextHeaderIpv6 = 41;
constexpr uint8_t kNextHeaderNone = 59;  // dummy packet (RFC 4303 §2.6)

struct SaParams {
  uint32_t spi = 0;                  // the SPI carried by packets of this direction
  uint16_t encr_id = encr::kNone;    // IKEv2 ENCR transform ID; kNone for AH
  uint16_t encr_key_bits = 0;        // 0 = the algorithm's only size (3DES)
  uint16_t integ_id = integ::kNone;  // IKEv2 INTEG transform ID; kNone with AES-GCM
  bool esn = false;                  // 64-bit extended sequence numbers (RFC 4303 §2.2.1)
  ByteView encr_key;                 // AES-GCM: the AES key followed by the 4-byte salt
  ByteView integ_key;
};

struct InboundOptions {
  // Tunnel mode: the payload must be an IPv4 (4) or IPv6 (41) packet, which is then checked
  // and trimmed to its own length (dropping TFC padding, RFC 4303 §2.7). When false, any next
  // header is returned unchecked with the payload untrimmed (test vectors, transport mode).
  bool require_ip_payload = true;
};

}  // namespace vpngw::esp
