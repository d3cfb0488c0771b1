#pragma once
// TCP MSS clamping: a SYN crossing the tunnel has its MSS option lowered so that neither end
// sends segments that, with the ESP overhead, no longer fit the path (a DF segment too large
// for the tunnel would otherwise be black-holed wherever ICMP does not come back).
#include <cstdint>
#include <span>

namespace vpngw::dataplane::userspace {

// The MSS for a tunnel MTU: MTU minus the IPv4 and TCP headers without options.
constexpr uint16_t mssForMtu(uint32_t mtu) { return static_cast<uint16_t>(mtu - 40); }

// If packet is an IPv4 TCP segment with SYN set whose MSS option exceeds max_mss, rewrites the
// option to max_mss and updates the TCP checksum incrementally (RFC 1624). The checksum must
// be complete (not a partial offload checksum). Returns true when the packet was changed.
bool clampMss(std::span<uint8_t> packet, uint16_t max_mss);

}  // namespace vpngw::dataplane::userspace
