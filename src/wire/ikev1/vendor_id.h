#pragma once
// Vendor ID payloads recognised by value (RFC 2408 §3.16): the ones that switch on protocol
// extensions (DPD, NAT traversal and its drafts, fragmentation) and a few that identify peers
// in logs. Most are MD5 hashes of a name; some carry version or capability bytes after a
// fixed prefix.
#include <cstdint>
#include <string_view>

#include "base/bytes.h"

namespace vpngw::wire::v1 {

enum class VendorId : uint8_t {
  kUnknown,
  kDpd,            // RFC 3706 §5.1
  kNatTRfc3947,    // RFC 3947 §3.1, MD5("RFC 3947")
  kNatTDraft02,    // MD5("draft-ietf-ipsec-nat-t-ike-02")
  kNatTDraft02N,   // MD5("draft-ietf-ipsec-nat-t-ike-02\n"), a historic typo still sent
  kNatTDraft03,    // MD5("draft-ietf-ipsec-nat-t-ike-03")
  kNatTDraftOld,   // drafts 00/01 and 04-08: recognised, not supported
  kStrongSwan,     // MD5("strongSwan")
  kXauth,          // MD5("draft-ietf-ipsra-isakmp-xauth-06.txt"), first 8 bytes
  kCiscoUnity,     // MD5("CISCO-UNITY") with bytes 14-15 replaced by the version 1.0
  kFragmentation,  // MD5("FRAGMENTATION"), optionally + 4 capability bytes
  kMsNt5,          // "MS NT5 ISAKMPOAKLEY" + 4-byte Windows version
};

// NAT traversal flavour announced by a vendor ID: RFC 3947 uses NAT-D/NAT-OA payload types
// 20/21 and encapsulation modes 3/4; drafts 02/03 use 130/131 and 61443/61444.
enum class NatTVersion : uint8_t { kNone, kDraft, kRfc3947 };

VendorId recognizeVendorId(ByteView data);
std::string_view vendorIdName(VendorId id);
// The payload data vpngw sends for a vendor ID (kFragmentation with capability 0x80000000,
// "fragmentation of main and aggressive mode messages", as strongSwan sends it). Empty for
// kUnknown.
Bytes vendorIdBytes(VendorId id);
NatTVersion natTVersion(VendorId id);

}  // namespace vpngw::wire::v1
