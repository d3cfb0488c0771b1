#pragma once
// TUN offloads (IFF_VNET_HDR + TUNSETOFFLOAD, as wireguard-go uses them): every packet on the
// TUN device is preceded by a virtio-net header. Reads may return a TCP "super-packet" of up
// to 64 KiB that we cut into MSS-sized segments (TSO done here), and packets whose checksum
// the kernel left for us to complete (VIRTIO_NET_HDR_F_NEEDS_CSUM).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace vpngw::dataplane::userspace {

// struct virtio_net_hdr (linux/virtio_net.h), in host byte order (TUN's default for a
// little-endian host; we never call TUNSETVNETBE).
struct VnetHdr {
  uint8_t flags = 0;
  uint8_t gso_type = 0;
  uint16_t hdr_len = 0;
  uint16_t gso_size = 0;
  uint16_t csum_start = 0;
  uint16_t csum_offset = 0;
};
constexpr size_t kVnetHdrSize = 10;
constexpr uint8_t kVnetFlagNeedsCsum = 1;  // VIRTIO_NET_HDR_F_NEEDS_CSUM
constexpr uint8_t kVnetFlagDataValid = 2;  // VIRTIO_NET_HDR_F_DATA_VALID
constexpr uint8_t kVnetGsoNone = 0;        // VIRTIO_NET_HDR_GSO_NONE
constexpr uint8_t kVnetGsoTcpv4 = 1;       // VIRTIO_NET_HDR_GSO_TCPV4
constexpr uint8_t kVnetGsoUdp = 3;         // VIRTIO_NET_HDR_GSO_UDP
constexpr uint8_t kVnetGsoTcpv6 = 4;       // VIRTIO_NET_HDR_GSO_TCPV6
constexpr uint8_t kVnetGsoUdpL4 = 5;       // VIRTIO_NET_HDR_GSO_UDP_L4
constexpr uint8_t kVnetGsoEcn = 0x80;      // VIRTIO_NET_HDR_GSO_ECN

VnetHdr loadVnetHdr(const uint8_t* p);
void storeVnetHdr(const VnetHdr& h, uint8_t* p);

// Completes a checksum the kernel left partial: the ones' complement sum from csum_start to
// the end of the IPv4 packet (the field holds the pseudo-header sum) is stored at
// csum_start + csum_offset. False (nothing changed) when the offsets do not fit the packet.
bool completeChecksum(std::span<uint8_t> packet, uint16_t csum_start, uint16_t csum_offset);

// The segments of a TCP/IPv4 super-packet (gso_type TCPV4, gso_size = MSS), each a complete
// packet with valid IPv4 and TCP checksums, as the kernel's tcp_gso_segment() would cut them:
// sequence numbers advance by the payload, IP IDs by one, FIN and PSH stay on the last
// segment only and CWR on the first only.
class TcpSegments {
 public:
  // nullopt when the packet is not IPv4/TCP with sane header lengths, or mss is 0.
  static std::optional<TcpSegments> parse(std::span<const uint8_t> packet, uint16_t mss);

  size_t count() const { return count_; }
  size_t headerSize() const { return header_len_; }
  // The size of segment i (headers + payload).
  size_t segmentSize(size_t i) const {
    return header_len_ + (i + 1 < count_ ? mss_ : payload_len_ - mss_ * (count_ - 1));
  }
  // Writes segment i to out (at least segmentSize(i) bytes).
  void write(size_t i, uint8_t* out) const;

 private:
  TcpSegments() = default;
  const uint8_t* packet_ = nullptr;
  size_t ip_header_len_ = 0;
  size_t header_len_ = 0;  // IPv4 + TCP headers
  size_t payload_len_ = 0;
  size_t mss_ = 0;
  size_t count_ = 0;
};

}  // namespace vpngw::dataplane::userspace
