#include "esp/ip_util.h"

#include "base/byte_io.h"
#include "esp/sa_params.h"

namespace vpngw::esp::detail {

uint16_t ipv4HeaderChecksum(const uint8_t* header, size_t len) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < len; i += 2) {
    sum += loadU16(header + i);
  }
  while (sum >> 16) {
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return static_cast<uint16_t>(~sum);
}

PacketResult<size_t> innerPacketLength(uint8_t next_header, ByteView payload) {
  switch (next_header) {
    case kNextHeaderIpv4: {
      if (payload.size() < kIpv4HeaderSize || payload[0] >> 4 != 4) {
        return PacketError::kBadInnerPacket;
      }
      size_t header_len = size_t{payload[0] & 0x0fu} * 4;
      size_t total = loadU16(payload.data() + 2);
      if (header_len < kIpv4HeaderSize || total < header_len || total > payload.size()) {
        return PacketError::kBadInnerPacket;
      }
      return total;
    }
    case kNextHeaderIpv6: {
      constexpr size_t kIpv6HeaderSize = 40;
      if (payload.size() < kIpv6HeaderSize || payload[0] >> 4 != 6) {
        return PacketError::kBadInnerPacket;
      }
      size_t total = kIpv6HeaderSize + loadU16(payload.data() + 4);
      if (total > payload.size()) {
        return PacketError::kBadInnerPacket;
      }
      return total;
    }
    case kNextHeaderNone:
      return PacketError::kDummyPacket;
    default:
      return PacketError::kBadNextHeader;
  }
}

}  // namespace vpngw::esp::detail
