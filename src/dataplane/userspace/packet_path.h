#pragma once
// The per-packet work of the userspace data plane, free of I/O so it can be tested on
// buffers: outbound (a read from the TUN device -> ESP/AH packets for the public side) and
// inbound (an ESP or AH packet from the public side -> an inner packet for the TUN device).
//
// Outbound, per TUN read: virtio-net header (with offloads) -> TSO segmentation or checksum
// completion -> SPD lookup (once per super-packet: the segments share addresses) -> MSS clamp
// -> ESP/AH encapsulation straight into the send buffer -> PacketOutput.
// Inbound, per packet: SAD lookup by SPI -> replay check -> verify and decrypt in place ->
// replay update -> inner addresses within the SA's selectors -> MSS clamp -> TcpCoalescer.
// Every refusal is counted by reason; nothing here throws or allocates.
#include <cstdint>
#include <span>

#include "dataplane/userspace/acquire_queue.h"
#include "dataplane/userspace/counters.h"
#include "dataplane/userspace/tables.h"
#include "dataplane/userspace/tcp_coalescer.h"
#include "dataplane/userspace/tx_batch.h"

namespace vpngw::dataplane::userspace {

struct PathContext {
  size_t worker = 0;  // which per-worker transforms to use
  CounterSet* counters = nullptr;
  bool vnet_hdr = false;  // TUN reads start with a virtio-net header
  uint16_t mss = 1360;    // TCP MSS clamp (tunnel MTU - 40)
  int raw_esp_fd = -1;    // raw IP sockets (IP_HDRINCL) for ESP without UDP and for AH
  int raw_ah_fd = -1;
  uint16_t ip_id = 1;                // outer IPv4 ID for AH (covered by its ICV, so never 0)
  int64_t now_ms = 0;                // monotonic, for the SA's last-use time
  AcquireQueue* acquires = nullptr;  // where trapped packets ask for a negotiation
};

// One read from the TUN device.
void processOutbound(const Tables& tables, PathContext& ctx, std::span<uint8_t> read,
                     PacketOutput& out);

// An ESP packet starting at the SPI (from UDP 4500 after classification, or from the raw
// socket after the outer IPv4 header). from: the UDP source (nullptr for raw ESP); a UDP SA
// follows a peer whose authenticated packets now come from elsewhere.
void processInboundEsp(const Tables& tables, PathContext& ctx, std::span<uint8_t> esp,
                       TcpCoalescer& tun, const Endpoint* from = nullptr);

// A whole IPv4 packet from the raw ESP socket (the kernel includes the IP header).
void processInboundRawEsp(const Tables& tables, PathContext& ctx, std::span<uint8_t> ipv4,
                          TcpCoalescer& tun);

// A whole IPv4 packet from the raw AH socket.
void processInboundAh(const Tables& tables, PathContext& ctx, std::span<uint8_t> ipv4,
                      TcpCoalescer& tun);

// Port 4500 (RFC 3948 §2.2/2.3): IKE behind the non-ESP marker, a one-byte keepalive, ESP, or
// too short to be any of them.
enum class NattKind { Ike, Esp, Keepalive, Short };
NattKind classifyNatt(std::span<const uint8_t> datagram);

}  // namespace vpngw::dataplane::userspace
