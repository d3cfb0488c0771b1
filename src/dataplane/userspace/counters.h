#pragma once
// Data-plane-wide counters: what the workers carried, batched and dropped, by reason. Every
// drop has exactly one reason; `vpngw status --json` shows them under "counters"/"dataplane".
//
// Threads: each worker owns one CounterSet and is its only writer, so an increment is a
// relaxed load and store (no locked instruction on the packet path); readers sum all sets.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "esp/packet_error.h"

namespace vpngw::dataplane::userspace {

enum class Counter : uint8_t {
  // Traffic (inner packets and bytes, as the SA counters).
  kPacketsOut = 0,
  kBytesOut,
  kPacketsIn,
  kBytesIn,
  // Batching and offloads.
  kTunReads,         // read() calls on the TUN device that returned a packet
  kTunSuperPackets,  // of those, TCP super-packets (TSO) segmented here
  kTunWrites,        // write() calls to the TUN device
  kTunCoalesced,     // of those, coalesced TCP super-packets (GRO towards the kernel)
  kUdpGsoSends,      // ESP-in-UDP sends carrying several datagrams (UDP_SEGMENT)
  kUdpGroReceives,   // receives that returned several coalesced datagrams (UDP_GRO)
  kSendCalls,        // sendmmsg() calls
  kRecvCalls,        // recvmmsg() calls that returned datagrams
  kMssClamped,       // TCP SYNs whose MSS option was lowered for the tunnel MTU
  kKeepalivesSent,   // NAT-T keepalives (RFC 3948 §2.3)
  kKeepalivesReceived,
  kPeerMoved,       // authenticated ESP-in-UDP from a new address/port: the peer's NAT remapped
  kIkeForwarded,    // IKE datagrams read from port 4500 and handed to the control plane
  kAcquiresRaised,  // trapped packets that asked the control plane to negotiate a tunnel
  // Drops (the ESP/AH processing errors are counted separately, by esp::PacketError).
  kDroppedNoPolicy,          // from the TUN device, no CHILD SA's selectors match
  kDroppedAcquire,           // from the TUN device, caught by a trap while its tunnel is down
  kDroppedNotIpv4,           // from the TUN device, not IPv4 (IPv6 is not tunnelled)
  kDroppedMalformedInner,    // from the TUN device, a broken IPv4 packet or GSO description
  kDroppedNoSocket,          // no port-4500 socket on the SA's local address
  kDroppedSendFailed,        // the kernel refused to send (buffer full, unreachable, ...)
  kDroppedUnknownSpi,        // received ESP/AH for an SPI we have no SA for
  kDroppedProtocolMismatch,  // ESP for an AH SA or the reverse, or AH in UDP
  kDroppedSelector,          // decrypted, but inner addresses outside the SA's selectors
  kDroppedTunWriteFailed,    // the TUN device refused the packet
  kDroppedShortDatagram,     // port 4500: shorter than an SPI and not a keepalive
  kDroppedIkeQueueFull,      // port 4500 IKE the control plane did not collect in time
  kCount,
};

inline constexpr size_t kCounterCount = static_cast<size_t>(Counter::kCount);

// lower_snake names as shown in the status ("packets_out", "dropped_no_policy").
std::string_view toString(Counter c);

class alignas(64) CounterSet {
 public:
  void add(Counter c, uint64_t n = 1) { bump(counters_[static_cast<size_t>(c)], n); }
  void add(esp::PacketError e, uint64_t n = 1) { bump(errors_[static_cast<size_t>(e)], n); }
  uint64_t get(Counter c) const {
    return counters_[static_cast<size_t>(c)].load(std::memory_order_relaxed);
  }
  uint64_t get(esp::PacketError e) const {
    return errors_[static_cast<size_t>(e)].load(std::memory_order_relaxed);
  }

 private:
  // Single writer: a plain read-modify-write through relaxed atomics is race-free and cheap.
  static void bump(std::atomic<uint64_t>& a, uint64_t n) {
    a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  std::array<std::atomic<uint64_t>, kCounterCount> counters_{};
  std::array<std::atomic<uint64_t>, esp::kPacketErrorCount> errors_{};
};

// The sum over all sets, as name/value pairs in a stable order: every Counter, then
// "dropped_<packet error>" for each esp::PacketError except kNone.
std::vector<std::pair<std::string, uint64_t>> summarize(const std::vector<const CounterSet*>& sets);

}  // namespace vpngw::dataplane::userspace
