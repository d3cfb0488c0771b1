#include "dataplane/userspace/counters.h"

namespace vpngw::dataplane::userspace {

std::string_view toString(Counter c) {
  switch (c) {
    case Counter::kPacketsOut:
      return "packets_out";
    case Counter::kBytesOut:
      return "bytes_out";
    case Counter::kPacketsIn:
      return "packets_in";
    case Counter::kBytesIn:
      return "bytes_in";
    case Counter::kTunReads:
      return "tun_reads";
    case Counter::kTunSuperPackets:
      return "tun_super_packets";
    case Counter::kTunWrites:
      return "tun_writes";
    case Counter::kTunCoalesced:
      return "tun_coalesced_writes";
    case Counter::kUdpGsoSends:
      return "udp_gso_sends";
    case Counter::kUdpGroReceives:
      return "udp_gro_receives";
    case Counter::kSendCalls:
      return "send_calls";
    case Counter::kRecvCalls:
      return "recv_calls";
    case Counter::kMssClamped:
      return "mss_clamped";
    case Counter::kKeepalivesSent:
      return "nat_keepalives_sent";
    case Counter::kKeepalivesReceived:
      return "nat_keepalives_received";
    case Counter::kPeerMoved:
      return "nat_peer_moved";
    case Counter::kIkeForwarded:
      return "ike_forwarded";
    case Counter::kAcquiresRaised:
      return "acquires_raised";
    case Counter::kDroppedNoPolicy:
      return "dropped_no_policy";
    case Counter::kDroppedAcquire:
      return "dropped_acquire";
    case Counter::kDroppedNotIpv4:
      return "dropped_not_ipv4";
    case Counter::kDroppedMalformedInner:
      return "dropped_malformed_inner";
    case Counter::kDroppedNoSocket:
      return "dropped_no_socket";
    case Counter::kDroppedSendFailed:
      return "dropped_send_failed";
    case Counter::kDroppedUnknownSpi:
      return "dropped_unknown_spi";
    case Counter::kDroppedProtocolMismatch:
      return "dropped_protocol_mismatch";
    case Counter::kDroppedSelector:
      return "dropped_selector_violation";
    case Counter::kDroppedTunWriteFailed:
      return "dropped_tun_write_failed";
    case Counter::kDroppedShortDatagram:
      return "dropped_short_datagram";
    case Counter::kDroppedIkeQueueFull:
      return "dropped_ike_queue_full";
    case Counter::kCount:
      break;
  }
  return "unknown";
}

std::vector<std::pair<std::string, uint64_t>> summarize(
    const std::vector<const CounterSet*>& sets) {
  std::vector<std::pair<std::string, uint64_t>> out;
  out.reserve(kCounterCount + esp::kPacketErrorCount);
  for (size_t i = 0; i < kCounterCount; ++i) {
    auto c = static_cast<Counter>(i);
    uint64_t sum = 0;
    for (const CounterSet* s : sets) {
      sum += s->get(c);
    }
    out.emplace_back(std::string(toString(c)), sum);
  }
  for (size_t i = 1; i < esp::kPacketErrorCount; ++i) {
    auto e = static_cast<esp::PacketError>(i);
    uint64_t sum = 0;
    for (const CounterSet* s : sets) {
      sum += s->get(e);
    }
    out.emplace_back("dropped_" + std::string(esp::toString(e)), sum);
  }
  return out;
}

}  // namespace vpngw::dataplane::userspace
