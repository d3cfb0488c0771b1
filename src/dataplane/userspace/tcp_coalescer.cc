#include "dataplane/userspace/tcp_coalescer.h"

#include <cstring>

#include "dataplane/userspace/checksum.h"
#include "dataplane/userspace/ipv4_packet.h"

namespace vpngw::dataplane::userspace {

namespace {

// How many groups back add() looks for the flow's latest group; beyond that it starts a new
// one (correct, only less merged).
constexpr size_t kLookBack = 8;

bool tcpChecksumValid(const uint8_t* ip, size_t ip_header_len, size_t total_len) {
  uint64_t sum = pseudoHeaderSum(ip, kProtoTcp, static_cast<uint16_t>(total_len - ip_header_len));
  return checksumFold(checksumAdd(ip + ip_header_len, total_len - ip_header_len, sum)) == 0xffff;
}

}  // namespace

TcpCoalescer::TcpCoalescer(TunSink& sink, size_t capacity, bool merge)
    : sink_(sink), capacity_(capacity), merge_(merge) {
  entries_.reserve(capacity);
  groups_.reserve(capacity);
  iov_.reserve(kMaxSegments + 2);
}

bool TcpCoalescer::canAppend(const Group& g, const uint8_t* p, size_t len,
                             size_t header_len) const {
  if (g.closed || g.count >= kMaxSegments || header_len != g.header_len) {
    return false;
  }
  size_t payload = len - header_len;
  if (payload > g.gso_size || g.total_len + payload > kMaxPacket) {
    return false;
  }
  const uint8_t* first = entries_[static_cast<size_t>(g.head)].data;
  const uint8_t* tcp = p + g.ip_header_len;
  const uint8_t* first_tcp = first + g.ip_header_len;
  if (load32(tcp + 4) != g.next_seq) {
    return false;
  }
  // TOS, DF and TTL as the first segment's; ACK number equal; data offset, flags (but PSH)
  // and window equal; options byte for byte (timestamps included).
  if (p[1] != first[1] || ((p[6] ^ first[6]) & 0x40) != 0 || p[8] != first[8]) {
    return false;
  }
  if (std::memcmp(tcp + 8, first_tcp + 8, 4) != 0 || tcp[12] != first_tcp[12] ||
      ((tcp[13] ^ first_tcp[13]) & ~kTcpPsh) != 0 ||
      std::memcmp(tcp + 14, first_tcp + 14, 2) != 0) {
    return false;
  }
  return std::memcmp(tcp + 20, first_tcp + 20, header_len - g.ip_header_len - 20) == 0;
}

void TcpCoalescer::add(std::span<uint8_t> packet) {
  if (entries_.size() >= capacity_) {
    flush();
  }
  const auto index = static_cast<int32_t>(entries_.size());
  entries_.push_back({packet.data(), packet.size(), -1});

  Group g{};
  g.head = index;
  g.tail = index;
  g.count = 1;
  g.total_len = packet.size();

  auto ip = parseIpv4(packet);
  const uint8_t* p = packet.data();
  bool candidate = false;
  size_t header_len = 0;
  const bool tcp_flow =
      ip && ip->protocol == kProtoTcp && ip->first_fragment && ip->total_len >= ip->header_len + 4;
  if (tcp_flow) {
    const uint8_t* tcp = p + ip->header_len;
    g.src = ip->src.value;
    g.dst = ip->dst.value;
    g.sport = load16(tcp);
    g.dport = load16(tcp + 2);
  }
  if (merge_ && tcp_flow && !ip->fragment && ip->header_len == 20 &&
      ip->total_len == packet.size() && packet.size() >= 40) {
    const uint8_t* tcp = p + 20;
    size_t thl = static_cast<size_t>(tcp[12] >> 4) * 4;
    uint8_t flags = tcp[13];
    header_len = 20 + thl;
    candidate = thl >= 20 && header_len < packet.size() && (flags & kTcpAck) != 0 &&
                (flags & ~(kTcpAck | kTcpPsh | kTcpEce)) == 0 &&
                tcpChecksumValid(p, 20, packet.size());
  }

  if (tcp_flow) {
    // Find the flow's latest group: append to it, or close it so that nothing overtakes
    // this packet by joining an older group.
    size_t looked = 0;
    for (auto it = groups_.rbegin(); it != groups_.rend() && looked < kLookBack; ++it, ++looked) {
      Group& og = *it;
      if (!og.flow || og.src != g.src || og.dst != g.dst || og.sport != g.sport ||
          og.dport != g.dport) {
        continue;
      }
      if (candidate && canAppend(og, p, packet.size(), header_len)) {
        size_t payload = packet.size() - header_len;
        entries_[static_cast<size_t>(og.tail)].next = index;
        og.tail = index;
        ++og.count;
        og.total_len += payload;
        og.next_seq += static_cast<uint32_t>(payload);
        if ((p[20 + 13] & kTcpPsh) != 0) {
          og.psh = true;
          og.closed = true;
        }
        if (payload < og.gso_size) {
          og.closed = true;
        }
        return;
      }
      og.closed = true;
      break;
    }
  }

  g.flow = tcp_flow;
  g.tcp = candidate;
  g.closed = !candidate;
  if (candidate) {
    const uint8_t* tcp = p + 20;
    g.ip_header_len = 20;
    g.header_len = header_len;
    g.gso_size = packet.size() - header_len;
    g.next_seq = load32(tcp + 4) + static_cast<uint32_t>(g.gso_size);
    g.psh = (tcp[13] & kTcpPsh) != 0;
    g.closed = g.psh;
  }
  groups_.push_back(g);
}

void TcpCoalescer::writeGroup(Group& g) {
  iov_.clear();
  VnetHdr h;
  Entry& first = entries_[static_cast<size_t>(g.head)];
  if (g.count >= 2) {
    uint8_t* ip = first.data;
    uint8_t* tcp = ip + g.ip_header_len;
    store16(ip + 2, static_cast<uint16_t>(g.total_len));
    setIpv4HeaderChecksum(ip, g.ip_header_len);
    if (g.psh) {
      tcp[13] |= kTcpPsh;
    }
    // Partial checksum (virtio NEEDS_CSUM): the field holds the folded pseudo-header sum and
    // the kernel adds the rest when it segments or delivers the packet.
    uint64_t pseudo =
        pseudoHeaderSum(ip, kProtoTcp, static_cast<uint16_t>(g.total_len - g.ip_header_len));
    storeChecksum(tcp + 16, checksumFold(pseudo));
    h.flags = kVnetFlagNeedsCsum;
    h.gso_type = kVnetGsoTcpv4;
    h.hdr_len = static_cast<uint16_t>(g.header_len);
    h.gso_size = static_cast<uint16_t>(g.gso_size);
    h.csum_start = static_cast<uint16_t>(g.ip_header_len);
    h.csum_offset = 16;
  }
  storeVnetHdr(h, g.vnet.data());
  iov_.push_back({g.vnet.data(), kVnetHdrSize});
  iov_.push_back({first.data, first.len});
  for (int32_t i = first.next; i >= 0; i = entries_[static_cast<size_t>(i)].next) {
    Entry& e = entries_[static_cast<size_t>(i)];
    iov_.push_back({e.data + g.header_len, e.len - g.header_len});
  }
  sink_.writePacket(iov_, g.count >= 2);
}

void TcpCoalescer::flush() {
  for (Group& g : groups_) {
    writeGroup(g);
  }
  groups_.clear();
  entries_.clear();
}

}  // namespace vpngw::dataplane::userspace
