#pragma once
// Test packets with checksums from a deliberately naive RFC 1071 implementation (big-endian
// 16-bit words, one at a time), independent of the data plane's fast checksum code.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/ip.h"

namespace vpngw::dataplane::userspace::test {

// An address literal of the test (must parse).
inline Ipv4 ip(std::string_view s) { return *Ipv4::parse(s); }

inline uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint32_t get32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
inline void set16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void set32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) {
    p[i] = static_cast<uint8_t>(v >> (24 - 8 * i));
  }
}

// The ones' complement sum of big-endian 16-bit words, folded (not complemented).
inline uint16_t naiveSum(const uint8_t* p, size_t n, uint32_t start = 0) {
  uint32_t sum = start;
  for (size_t i = 0; i + 1 < n; i += 2) {
    sum += get16(p + i);
  }
  if (n % 2 == 1) {
    sum += uint32_t{p[n - 1]} << 8;
  }
  while (sum > 0xffff) {
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return static_cast<uint16_t>(sum);
}

inline uint32_t naivePseudo(const uint8_t* ip, uint8_t proto, size_t l4_len) {
  return uint32_t{get16(ip + 12)} + get16(ip + 14) + get16(ip + 16) + get16(ip + 18) + proto +
         static_cast<uint32_t>(l4_len);
}

inline bool ipv4ChecksumOk(const uint8_t* ip) {
  size_t ihl = size_t{static_cast<uint8_t>(ip[0] & 0x0f)} * 4;
  return naiveSum(ip, ihl) == 0xffff;
}

// TCP or UDP checksum over the L4 part of an IPv4 packet is valid.
inline bool l4ChecksumOk(const std::vector<uint8_t>& pkt) {
  size_t ihl = size_t{static_cast<uint8_t>(pkt[0] & 0x0f)} * 4;
  size_t total = get16(pkt.data() + 2);
  return naiveSum(pkt.data() + ihl, total - ihl, naivePseudo(pkt.data(), pkt[9], total - ihl)) ==
         0xffff;
}

struct TcpSpec {
  std::string src = "10.1.0.2";
  std::string dst = "10.2.0.2";
  uint16_t sport = 40000;
  uint16_t dport = 5201;
  uint32_t seq = 1000;
  uint32_t ack = 555;
  uint8_t flags = 0x10;  // ACK
  uint16_t window = 502;
  uint16_t ip_id = 77;
  uint8_t tos = 0;
  bool df = true;
  std::vector<uint8_t> options;  // multiple of 4
  size_t payload = 100;
  uint8_t fill = 0;  // payload byte i is fill + i
};

inline std::vector<uint8_t> tcpPacket(const TcpSpec& s) {
  const size_t thl = 20 + s.options.size();
  const size_t total = 20 + thl + s.payload;
  std::vector<uint8_t> p(total, 0);
  p[0] = 0x45;
  p[1] = s.tos;
  set16(&p[2], static_cast<uint16_t>(total));
  set16(&p[4], s.ip_id);
  set16(&p[6], s.df ? 0x4000 : 0);
  p[8] = 64;
  p[9] = 6;
  set32(&p[12], Ipv4::parse(s.src)->value);
  set32(&p[16], Ipv4::parse(s.dst)->value);
  set16(&p[10], static_cast<uint16_t>(~naiveSum(p.data(), 20)));
  uint8_t* t = &p[20];
  set16(t, s.sport);
  set16(t + 2, s.dport);
  set32(t + 4, s.seq);
  set32(t + 8, s.ack);
  t[12] = static_cast<uint8_t>((thl / 4) << 4);
  t[13] = s.flags;
  set16(t + 14, s.window);
  std::copy(s.options.begin(), s.options.end(), t + 20);
  for (size_t i = 0; i < s.payload; ++i) {
    t[thl + i] = static_cast<uint8_t>(s.fill + i);
  }
  set16(t + 16, static_cast<uint16_t>(
                    ~naiveSum(t, thl + s.payload, naivePseudo(p.data(), 6, thl + s.payload))));
  return p;
}

// A TCP packet with the defaults above but for these fields.
inline std::vector<uint8_t> tcpPacket(size_t payload, uint8_t flags = 0x10,
                                      std::vector<uint8_t> options = {}, uint8_t fill = 0) {
  TcpSpec s;
  s.payload = payload;
  s.flags = flags;
  s.options = std::move(options);
  s.fill = fill;
  return tcpPacket(s);
}

inline std::vector<uint8_t> udpPacket(const std::string& src, const std::string& dst,
                                      size_t payload, uint8_t fill = 0) {
  const size_t total = 28 + payload;
  std::vector<uint8_t> p(total, 0);
  p[0] = 0x45;
  set16(&p[2], static_cast<uint16_t>(total));
  p[8] = 64;
  p[9] = 17;
  set32(&p[12], Ipv4::parse(src)->value);
  set32(&p[16], Ipv4::parse(dst)->value);
  set16(&p[10], static_cast<uint16_t>(~naiveSum(p.data(), 20)));
  set16(&p[20], 5353);
  set16(&p[22], 53);
  set16(&p[24], static_cast<uint16_t>(8 + payload));
  for (size_t i = 0; i < payload; ++i) {
    p[28 + i] = static_cast<uint8_t>(fill + i);
  }
  uint16_t c =
      static_cast<uint16_t>(~naiveSum(&p[20], 8 + payload, naivePseudo(p.data(), 17, 8 + payload)));
  set16(&p[26], c == 0 ? 0xffff : c);
  return p;
}

// Timestamps option (NOP NOP TS) as Linux sends it: 12 bytes.
inline std::vector<uint8_t> timestampOption(uint32_t tsval, uint32_t tsecr) {
  std::vector<uint8_t> o{1, 1, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0};
  set32(&o[4], tsval);
  set32(&o[8], tsecr);
  return o;
}

}  // namespace vpngw::dataplane::userspace::test
