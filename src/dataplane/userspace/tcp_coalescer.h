#pragma once
// Coalescing of decrypted packets on their way to the TUN device (GRO done here, as
// wireguard-go does): consecutive in-order TCP segments of one flow with equal headers become
// one super-packet written with a virtio-net header (GSO TCPV4, partial checksum), so the
// kernel forwards one large packet instead of dozens and we make one write() instead of
// dozens. Everything else is written as it came. Order within a flow is kept.
//
// The rules are those of the kernel's tcp_gro_receive(): same addresses and ports, same ACK,
// window, options and flags (PSH allowed, and it ends the super-packet), contiguous sequence
// numbers, every segment but the last exactly the first one's size, at most 64 KiB. A segment
// whose TCP checksum does not verify is never merged (its bad checksum must reach the host).
//
// Packets stay in the caller's buffers until flush(); the caller flushes before reusing them.
#include <sys/uio.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "dataplane/userspace/offload.h"

namespace vpngw::dataplane::userspace {

class TunSink {
 public:
  virtual ~TunSink() = default;
  // One packet for the TUN device: iov[0] is the virtio-net header, the rest the packet.
  // coalesced: several segments merged into one super-packet.
  virtual void writePacket(std::span<const iovec> iov, bool coalesced) = 0;
};

class TcpCoalescer {
 public:
  static constexpr size_t kMaxSegments = 64;
  static constexpr size_t kMaxPacket = 65535;

  // capacity: packets held before add() flushes on its own. merge false: every packet is
  // written as it came (a TUN device without the virtio-net header cannot take more).
  TcpCoalescer(TunSink& sink, size_t capacity, bool merge = true);

  // Queues one complete IPv4 packet (the span must stay valid until flush()).
  void add(std::span<uint8_t> packet);
  // Writes everything queued, oldest first.
  void flush();
  size_t pending() const { return entries_.size(); }

 private:
  struct Entry {
    uint8_t* data;
    size_t len;
    int32_t next;  // next entry of the same group, -1 at the end
  };
  struct Group {
    int32_t head;
    int32_t tail;
    bool flow;       // a TCP packet whose ports we know
    bool tcp;        // eligible for merging at all
    bool closed;     // nothing more may be appended
    bool psh;        // a merged segment carried PSH
    uint16_t count;  // segments
    uint32_t src, dst;
    uint16_t sport, dport;
    uint32_t next_seq;
    size_t ip_header_len;
    size_t header_len;  // IPv4 + TCP
    size_t gso_size;    // payload of the first segment
    size_t total_len;   // IPv4 total length of the merged packet
    std::array<uint8_t, kVnetHdrSize> vnet{};
  };

  bool canAppend(const Group& g, const uint8_t* p, size_t len, size_t header_len) const;
  void writeGroup(Group& g);

  TunSink& sink_;
  size_t capacity_;
  bool merge_;
  std::vector<Entry> entries_;
  std::vector<Group> groups_;
  std::vector<iovec> iov_;
};

}  // namespace vpngw::dataplane::userspace
