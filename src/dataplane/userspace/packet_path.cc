#include "dataplane/userspace/packet_path.h"

#include <cstring>
#include <optional>

#include "dataplane/userspace/checksum.h"
#include "dataplane/userspace/ipv4_packet.h"
#include "dataplane/userspace/mss_clamp.h"
#include "dataplane/userspace/offload.h"
#include "esp/ah.h"
#include "esp/esp_header.h"

namespace vpngw::dataplane::userspace {

namespace {

constexpr size_t kOuterIpv4 = 20;
constexpr uint8_t kOuterTtl = 64;

// The outer IPv4 header of raw ESP (IP_HDRINCL). The kernel fills in the checksum and, since
// it is 0, the ID. DF stays clear: an ESP packet too large for the path is fragmented rather
// than lost. DSCP is copied from the inner header (RFC 4301 §5.1.2.1), ECN is not.
void writeOuterIpv4(uint8_t* p, size_t total, uint8_t tos, Ipv4 src, Ipv4 dst) {
  p[0] = 0x45;
  p[1] = static_cast<uint8_t>(tos & 0xfc);
  store16(p + 2, static_cast<uint16_t>(total));
  store16(p + 4, 0);
  store16(p + 6, 0);
  p[8] = kOuterTtl;
  p[9] = kProtoEsp;
  store16(p + 10, 0);
  store32(p + 12, src.value);
  store32(p + 16, dst.value);
}

// The inner packet, with its checksum completed and, for a super-packet, its segments.
struct OutboundPacket {
  std::span<uint8_t> packet;
  std::optional<TcpSegments> segments;
  size_t count() const { return segments ? segments->count() : 1; }
  size_t size(size_t i) const { return segments ? segments->segmentSize(i) : packet.size(); }
};

std::optional<OutboundPacket> prepareOutbound(PathContext& ctx, std::span<uint8_t> read) {
  CounterSet& c = *ctx.counters;
  VnetHdr h;
  std::span<uint8_t> packet = read;
  if (ctx.vnet_hdr) {
    if (read.size() < kVnetHdrSize) {
      c.add(Counter::kDroppedMalformedInner);
      return std::nullopt;
    }
    h = loadVnetHdr(read.data());
    packet = read.subspan(kVnetHdrSize);
  }
  if (packet.empty() || (packet[0] >> 4) != 4) {
    c.add(Counter::kDroppedNotIpv4);
    return std::nullopt;
  }
  OutboundPacket out;
  const uint8_t gso = h.gso_type & static_cast<uint8_t>(~kVnetGsoEcn);
  if (gso == kVnetGsoTcpv4) {
    out.segments = TcpSegments::parse(packet, h.gso_size);
    if (!out.segments) {
      c.add(Counter::kDroppedMalformedInner);
      return std::nullopt;
    }
    c.add(Counter::kTunSuperPackets);
    out.packet = packet;
    return out;
  }
  if (gso != kVnetGsoNone) {
    c.add(Counter::kDroppedMalformedInner);  // we never enabled UDP or IPv6 offloads
    return std::nullopt;
  }
  auto ip = parseIpv4(packet);
  if (!ip) {
    c.add(Counter::kDroppedMalformedInner);
    return std::nullopt;
  }
  out.packet = packet.first(ip->total_len);
  if ((h.flags & kVnetFlagNeedsCsum) != 0 &&
      !completeChecksum(out.packet, h.csum_start, h.csum_offset)) {
    c.add(Counter::kDroppedMalformedInner);
    return std::nullopt;
  }
  return out;
}

// Checks and counts what the transform refused; true when the packet may continue.
bool accepted(CounterSet& c, esp::PacketError e) {
  if (e == esp::PacketError::kNone) {
    return true;
  }
  c.add(e);
  return false;
}

// Common tail of ESP and AH inbound: the decrypted/verified inner packet of sa.
void deliverInner(SaState& sa, PathContext& ctx, std::span<uint8_t> inner, uint8_t next_header,
                  uint64_t seq, TcpCoalescer& tun, const Endpoint* from = nullptr) {
  CounterSet& c = *ctx.counters;
  // RFC 4303 §3.4.3: the window moves only for packets whose ICV verified.
  bool newest = false;
  if (!accepted(c, sa.replayUpdate(seq, &newest))) {
    return;
  }
  // A NAT in front of the peer gave it a new address or port (RFC 3948 §2.2, as Linux XFRM
  // does with its mapping events): follow it, but only for an authenticated packet newer than
  // any before, so a delayed or replayed packet from an old mapping cannot pull us back.
  if (from != nullptr && newest && sa.udpEncap() && *from != sa.remote()) {
    sa.setRemote(*from);
    c.add(Counter::kPeerMoved);
  }
  if (next_header != esp::kNextHeaderIpv4) {
    c.add(Counter::kDroppedNotIpv4);  // IPv6 inner traffic: our selectors are IPv4 only
    return;
  }
  auto ip = parseIpv4(inner);
  if (!ip) {
    c.add(esp::PacketError::kBadInnerPacket);
    return;
  }
  // RFC 4301 §5.2 step 4: the inner addresses must match the SA's selectors.
  if (!sa.selectorsAllow(ip->src, ip->dst)) {
    c.add(Counter::kDroppedSelector);
    return;
  }
  inner = inner.first(ip->total_len);
  if (clampMss(inner, ctx.mss)) {
    c.add(Counter::kMssClamped);
  }
  sa.countIn(1, inner.size(), ctx.now_ms);
  c.add(Counter::kPacketsIn);
  c.add(Counter::kBytesIn, inner.size());
  tun.add(inner);
}

// The SA an inbound ESP or AH packet names, with its full sequence number once the replay
// window lets it through; nullptr after counting why not.
SaState* inboundSa(const Tables& tables, CounterSet& c, uint32_t spi, uint32_t seq_low,
                   IpsecProtocol protocol, uint64_t& seq) {
  SaState* sa = tables.inbound(spi);
  if (sa == nullptr) {
    c.add(Counter::kDroppedUnknownSpi);
    return nullptr;
  }
  if (sa->protocol() != protocol) {
    c.add(Counter::kDroppedProtocolMismatch);
    return nullptr;
  }
  auto checked = sa->replayCheck(seq_low);
  if (!checked) {
    c.add(checked.error());
    return nullptr;
  }
  seq = *checked;
  return sa;
}

}  // namespace

void processOutbound(const Tables& tables, PathContext& ctx, std::span<uint8_t> read,
                     PacketOutput& out) {
  CounterSet& c = *ctx.counters;
  c.add(Counter::kTunReads);
  std::optional<OutboundPacket> pkt = prepareOutbound(ctx, read);
  if (!pkt) {
    return;
  }
  const uint8_t* ip = pkt->packet.data();
  const Ipv4 src{load32(ip + 12)};
  const Ipv4 dst{load32(ip + 16)};
  const size_t n = pkt->count();
  SaState* sa = tables.outbound(src, dst);
  if (sa == nullptr) {
    if (const std::string* tunnel = tables.trapped(src, dst)) {
      // The tunnel is down on purpose (DPD hold): this traffic brings it back.
      c.add(Counter::kDroppedAcquire, n);
      if (ctx.acquires != nullptr && ctx.acquires->raise(*tunnel, ctx.now_ms)) {
        c.add(Counter::kAcquiresRaised);
      }
      return;
    }
    c.add(Counter::kDroppedNoPolicy, n);
    return;
  }
  Destination d;
  d.remote = sa->remote();
  const bool esp = sa->protocol() == IpsecProtocol::Esp;
  if (sa->udpEncap()) {
    d.fd = tables.nattFd(sa->local().address);
    d.udp = true;
    if (d.fd < 0) {
      c.add(Counter::kDroppedNoSocket, n);
      return;
    }
  } else {
    d.fd = esp ? ctx.raw_esp_fd : ctx.raw_ah_fd;
  }
  SaState::Transforms& t = sa->transforms(ctx.worker);
  const uint64_t first_seq = sa->reserveSeq(n);
  uint64_t packets = 0;
  uint64_t bytes = 0;
  for (size_t i = 0; i < n; ++i) {
    std::span<uint8_t> buf = out.buffer();
    const size_t inner_len = pkt->size(i);
    const size_t header = esp ? (d.udp ? 0 : kOuterIpv4) : 0;
    const size_t offset = esp ? header + t.esp_out->payloadOffset() : t.ah_out->headerSize();
    const size_t needed =
        esp ? header + t.esp_out->packetSize(inner_len) : t.ah_out->packetSize(inner_len);
    if (needed > buf.size()) {
      c.add(esp::PacketError::kBufferTooSmall);
      continue;
    }
    uint8_t* inner = buf.data() + offset;
    if (pkt->segments) {
      pkt->segments->write(i, inner);
    } else {
      std::memcpy(inner, pkt->packet.data(), inner_len);
      if (clampMss({inner, inner_len}, ctx.mss)) {
        c.add(Counter::kMssClamped);
      }
    }
    const uint8_t tos = inner[1];
    const uint64_t seq = first_seq + i;
    size_t len = 0;
    if (esp) {
      auto r = t.esp_out->encapsulate(seq, ByteView(inner, inner_len), buf.subspan(header));
      if (!accepted(c, r.error())) {
        continue;
      }
      len = header + *r;
      if (header != 0) {
        writeOuterIpv4(buf.data(), len, tos, sa->local().address, d.remote.address);
      }
    } else {
      esp::OuterIpv4 outer;
      outer.src = sa->local().address;
      outer.dst = d.remote.address;
      outer.tos = static_cast<uint8_t>(tos & 0xfc);
      outer.ttl = kOuterTtl;
      outer.id = ctx.ip_id;
      ctx.ip_id = static_cast<uint16_t>(ctx.ip_id == 0xffff ? 1 : ctx.ip_id + 1);
      auto r = t.ah_out->encapsulate(seq, outer, ByteView(inner, inner_len), buf);
      if (!accepted(c, r.error())) {
        continue;
      }
      len = *r;
    }
    out.commit(d, len);
    ++packets;
    bytes += inner_len;
  }
  if (packets > 0) {
    sa->countOut(packets, bytes, ctx.now_ms);
    c.add(Counter::kPacketsOut, packets);
    c.add(Counter::kBytesOut, bytes);
  }
}

void processInboundEsp(const Tables& tables, PathContext& ctx, std::span<uint8_t> packet,
                       TcpCoalescer& tun, const Endpoint* from) {
  CounterSet& c = *ctx.counters;
  auto h = esp::peekEspHeader(packet);
  if (!h) {
    c.add(h.error());
    return;
  }
  uint64_t seq = 0;
  SaState* sa = inboundSa(tables, c, h->spi, h->seq, IpsecProtocol::Esp, seq);
  if (sa == nullptr) {
    return;
  }
  auto payload = sa->transforms(ctx.worker).esp_in->decapsulate(seq, packet);
  if (!payload) {
    c.add(payload.error());
    return;
  }
  deliverInner(*sa, ctx, payload->data, payload->next_header, seq, tun, from);
}

void processInboundRawEsp(const Tables& tables, PathContext& ctx, std::span<uint8_t> ipv4,
                          TcpCoalescer& tun) {
  auto ip = parseIpv4(ipv4);
  if (!ip || ip->protocol != kProtoEsp || ip->fragment) {
    ctx.counters->add(esp::PacketError::kBadOuterHeader);
    return;
  }
  processInboundEsp(tables, ctx, ipv4.subspan(ip->header_len, ip->total_len - ip->header_len), tun,
                    nullptr);
}

void processInboundAh(const Tables& tables, PathContext& ctx, std::span<uint8_t> ipv4,
                      TcpCoalescer& tun) {
  CounterSet& c = *ctx.counters;
  auto h = esp::peekAhPacket(ipv4);
  if (!h) {
    c.add(h.error());
    return;
  }
  uint64_t seq = 0;
  SaState* sa = inboundSa(tables, c, h->spi, h->seq, IpsecProtocol::Ah, seq);
  if (sa == nullptr) {
    return;
  }
  auto payload = sa->transforms(ctx.worker).ah_in->decapsulate(seq, ipv4);
  if (!payload) {
    c.add(payload.error());
    return;
  }
  deliverInner(*sa, ctx, payload->data, payload->next_header, seq, tun);
}

NattKind classifyNatt(std::span<const uint8_t> d) {
  if (d.size() == 1 && d[0] == 0xff) {
    return NattKind::Keepalive;
  }
  if (d.size() < 4) {
    return NattKind::Short;
  }
  if (d[0] == 0 && d[1] == 0 && d[2] == 0 && d[3] == 0) {
    return NattKind::Ike;
  }
  return NattKind::Esp;
}

}  // namespace vpngw::dataplane::userspace
