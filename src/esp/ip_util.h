#pragma once
// IPv4 header helpers shared by the ESP and AH transforms. Private to src/esp.
#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "esp/packet_error.h"

namespace vpngw::esp::detail {

constexpr size_t kIpv4HeaderSize = 20;  // without options
constexpr uint8_t kProtocolAh = 51;

// RFC 1071 Internet checksum of an IPv4 header whose checksum field is zero.
uint16_t ipv4HeaderChecksum(const uint8_t* header, size_t len);

// For a tunnel-mode payload with this next header: the length of the inner packet (shorter
// than payload when TFC padding follows it, RFC 4303 §2.7), or why it is refused.
PacketResult<size_t> innerPacketLength(uint8_t next_header, ByteView payload);

}  // namespace vpngw::esp::detail
