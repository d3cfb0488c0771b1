#include "dataplane/userspace/offload.h"

#include <algorithm>
#include <cstring>

#include "dataplane/userspace/checksum.h"
#include "dataplane/userspace/ipv4_packet.h"

namespace vpngw::dataplane::userspace {

VnetHdr loadVnetHdr(const uint8_t* p) {
  VnetHdr h;
  h.flags = p[0];
  h.gso_type = p[1];
  std::memcpy(&h.hdr_len, p + 2, 2);
  std::memcpy(&h.gso_size, p + 4, 2);
  std::memcpy(&h.csum_start, p + 6, 2);
  std::memcpy(&h.csum_offset, p + 8, 2);
  return h;
}

void storeVnetHdr(const VnetHdr& h, uint8_t* p) {
  p[0] = h.flags;
  p[1] = h.gso_type;
  std::memcpy(p + 2, &h.hdr_len, 2);
  std::memcpy(p + 4, &h.gso_size, 2);
  std::memcpy(p + 6, &h.csum_start, 2);
  std::memcpy(p + 8, &h.csum_offset, 2);
}

bool completeChecksum(std::span<uint8_t> packet, uint16_t csum_start, uint16_t csum_offset) {
  size_t end = packet.size();
  if (packet.size() >= 4 && (packet[0] >> 4) == 4) {
    size_t total = load16(packet.data() + 2);
    if (total != 0 && total < end) {
      end = total;
    }
  }
  size_t field = size_t{csum_start} + csum_offset;
  if (csum_start >= end || field + 2 > end) {
    return false;
  }
  uint64_t sum = checksumAdd(packet.data() + csum_start, end - csum_start);
  storeChecksum(packet.data() + field, checksumFinish(sum));
  return true;
}

std::optional<TcpSegments> TcpSegments::parse(std::span<const uint8_t> packet, uint16_t mss) {
  if (mss == 0 || packet.size() < 40 || (packet[0] >> 4) != 4 || packet[9] != kProtoTcp) {
    return std::nullopt;
  }
  size_t ihl = size_t{packet[0] & 0x0fu} * 4;
  if (ihl < 20 || ihl + 20 > packet.size()) {
    return std::nullopt;
  }
  size_t thl = static_cast<size_t>(packet[ihl + 12] >> 4) * 4;
  if (thl < 20 || ihl + thl > packet.size()) {
    return std::nullopt;
  }
  if ((load16(packet.data() + 6) & 0x3fff) != 0) {
    return std::nullopt;  // a fragment cannot be a TSO super-packet
  }
  TcpSegments s;
  s.packet_ = packet.data();
  s.ip_header_len_ = ihl;
  s.header_len_ = ihl + thl;
  // The buffer length, not the IPv4 total length, bounds the super-packet: the header may
  // carry 0 there for packets beyond 64 KiB (BIG TCP).
  s.payload_len_ = packet.size() - s.header_len_;
  s.mss_ = mss;
  s.count_ = s.payload_len_ == 0 ? 1 : (s.payload_len_ + mss - 1) / mss;
  if (s.header_len_ + std::min<size_t>(s.payload_len_, mss) > 0xffff) {
    return std::nullopt;
  }
  return s;
}

void TcpSegments::write(size_t i, uint8_t* out) const {
  const size_t size = segmentSize(i);
  const size_t payload = size - header_len_;
  std::memcpy(out, packet_, header_len_);
  std::memcpy(out + header_len_, packet_ + header_len_ + i * mss_, payload);

  uint8_t* ip = out;
  store16(ip + 2, static_cast<uint16_t>(size));
  store16(ip + 4, static_cast<uint16_t>(load16(packet_ + 4) + i));
  setIpv4HeaderChecksum(ip, ip_header_len_);

  uint8_t* tcp = out + ip_header_len_;
  store32(tcp + 4, static_cast<uint32_t>(load32(packet_ + ip_header_len_ + 4) + i * mss_));
  uint8_t flags = tcp[13];
  if (i + 1 < count_) {
    flags &= static_cast<uint8_t>(~(kTcpFin | kTcpPsh));
  }
  if (i > 0) {
    flags &= static_cast<uint8_t>(~kTcpCwr);
  }
  tcp[13] = flags;
  tcp[16] = 0;
  tcp[17] = 0;
  const size_t l4_len = size - ip_header_len_;
  uint64_t sum = pseudoHeaderSum(ip, kProtoTcp, static_cast<uint16_t>(l4_len));
  sum = checksumAdd(tcp, l4_len, sum);
  storeChecksum(tcp + 16, checksumFinish(sum));
}

}  // namespace vpngw::dataplane::userspace
