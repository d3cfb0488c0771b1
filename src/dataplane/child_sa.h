#pragma once
// What the control plane hands the data plane for one CHILD SA (both directions).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/ip.h"

namespace vpngw::dataplane {

enum class IpsecProtocol : uint8_t { Esp = 50, Ah = 51 };

// Keys and algorithms of one direction. Algorithms use IKEv2 transform IDs (wire/registry.h);
// for AES-GCM the encryption key includes the 4-byte salt and integ_id is 0; for AH encr_id is 0.
struct DirectionKeys {
  uint32_t spi = 0;
  SecureBytes encr_key;
  SecureBytes integ_key;
};

struct ChildSa {
  std::string tunnel;
  uint64_t ike_spi = 0;  // initiator SPI of the IKE SA that negotiated it (for diagnostics)
  IpsecProtocol protocol = IpsecProtocol::Esp;
  uint16_t encr_id = 0;
  uint16_t encr_key_bits = 0;
  uint16_t integ_id = 0;
  bool esn = false;
  DirectionKeys in;   // packets we receive carry in.spi (the SPI we chose)
  DirectionKeys out;  // packets we send carry out.spi (the SPI the peer chose)
  Endpoint local;     // our outer address (and port 4500 when UDP-encapsulated)
  Endpoint remote;
  bool udp_encap = false;  // ESP-in-UDP (RFC 3948) instead of raw IP protocol 50
  std::vector<Ipv4Range> local_ts;
  std::vector<Ipv4Range> remote_ts;
  // What to route into the tunnel while the SA is up: the tunnel's remote subnets (in route
  // mode the selectors are 0.0.0.0/0 and these routes alone decide what enters it), with the
  // gateway's LAN address as preferred source so the gateway host itself uses its private
  // address towards the remote subnets (seed 000).
  std::vector<Subnet> routes;
  std::optional<Ipv4> route_source;
  bool route_mode = false;
  uint32_t replay_window = 1024;  // packets; 0 disables the anti-replay check
  // A rekeyed SA we answered: outbound traffic stays on the SA with the same selectors that it
  // replaces until that one is removed (the peer deletes it once it has installed this one).
  bool outbound_after_peer = false;
  std::chrono::seconds lifetime{0};  // informational; the control plane rekeys/expires
};

struct SaCounters {
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  uint64_t packets_in = 0;
  uint64_t packets_out = 0;
  // Seconds since the epoch of the last packet in either direction; 0 = never.
  int64_t last_used_unix = 0;
};

}  // namespace vpngw::dataplane
