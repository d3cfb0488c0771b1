#pragma once
// Field access for inner IPv4/TCP/UDP headers in packet buffers. Offsets are those of RFC 791
// and RFC 793; callers check lengths first (parseIpv4() does it for the IPv4 header).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "base/ip.h"

namespace vpngw::dataplane::userspace {

constexpr uint8_t kProtoIcmp = 1;
constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kProtoUdp = 17;
constexpr uint8_t kProtoEsp = 50;
constexpr uint8_t kProtoAh = 51;

constexpr uint8_t kTcpFin = 0x01;
constexpr uint8_t kTcpSyn = 0x02;
constexpr uint8_t kTcpRst = 0x04;
constexpr uint8_t kTcpPsh = 0x08;
constexpr uint8_t kTcpAck = 0x10;
constexpr uint8_t kTcpUrg = 0x20;
constexpr uint8_t kTcpEce = 0x40;
constexpr uint8_t kTcpCwr = 0x80;

inline uint16_t load16(const uint8_t* p) {
  return static_cast<uint16_t>((uint16_t{p[0]} << 8) | p[1]);
}
inline uint32_t load32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
inline void store16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void store32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

// A checked IPv4 header at the start of a buffer.
struct Ipv4Info {
  size_t header_len = 0;  // IHL * 4
  size_t total_len = 0;   // from the header; <= the buffer
  uint8_t protocol = 0;
  Ipv4 src;
  Ipv4 dst;
  bool first_fragment = true;  // fragment offset 0 (the L4 header is present)
  bool fragment = false;       // MF set or offset != 0
};

// nullopt unless version 4, IHL >= 5, total length >= IHL and <= packet size.
inline std::optional<Ipv4Info> parseIpv4(std::span<const uint8_t> packet) {
  if (packet.size() < 20 || (packet[0] >> 4) != 4) {
    return std::nullopt;
  }
  Ipv4Info info;
  info.header_len = size_t{packet[0] & 0x0fu} * 4;
  info.total_len = load16(packet.data() + 2);
  if (info.header_len < 20 || info.total_len < info.header_len || info.total_len > packet.size()) {
    return std::nullopt;
  }
  info.protocol = packet[9];
  info.src = Ipv4{load32(packet.data() + 12)};
  info.dst = Ipv4{load32(packet.data() + 16)};
  uint16_t frag = load16(packet.data() + 6);
  info.first_fragment = (frag & 0x1fff) == 0;
  info.fragment = (frag & 0x3fff) != 0;
  return info;
}

}  // namespace vpngw::dataplane::userspace
