#pragma once
// A tunnel seen from the peer device (spec §6): what vpngw calls local is the peer's remote and
// the other way round. The renderers write this view in each vendor's syntax.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/service_hooks.h"
#include "ike/config.h"

namespace vpngw::render {

struct PeerView {
  std::string name;  // the tunnel's name (the tenant's)
  ike::IkeVersion version = ike::IkeVersion::V2;
  ike::V1Mode mode = ike::V1Mode::Main;
  // The peer's own public address (our customer gateway); nullopt when ours is 0.0.0.0 (the
  // peer's address is not known: behind NAT or dynamic).
  std::optional<Ipv4> local_address;
  Ipv4 remote_address;                 // our gateway's public IP
  ike::Identity local_id;              // the peer's identity: our remote_id (default its address)
  ike::Identity remote_id;             // ours: our local_id (default our public IP)
  bool local_id_explicit = false;      // an FQDN or a configured id, not just the address
  std::vector<Subnet> local_subnets;   // our remote subnets
  std::vector<Subnet> remote_subnets;  // our local subnets
  bool route_mode = false;
  bool per_pair = false;  // one SA per (local, remote) subnet pair
  // vpngw only answers (initiator: false): the peer must initiate.
  bool peer_must_initiate = false;
  ike::IkePolicy ike;
  ike::IpsecPolicy ipsec;
  ike::DpdPolicy dpd;
  std::string psk;
  std::string generated_at;  // UTC, "2026-01-02T03:04:05Z"

  // Every (local, remote) subnet pair, for syntaxes with one selector pair per SA.
  std::vector<std::pair<Subnet, Subnet>> pairs() const;
};

PeerView peerView(const api::PeerConfigInput& input, std::chrono::system_clock::time_point now);

// Helpers shared by the renderers.
std::string joinSubnets(const std::vector<Subnet>& subnets, std::string_view separator);
// "255.255.255.0" for a /24.
std::string netmask(const Subnet& s);
// "0.0.0.255" (Cisco/Huawei ACL wildcard) for a /24.
std::string wildcard(const Subnet& s);
// "10.1.0.0 0.0.0.255": an ACL rule's address and wildcard.
std::string addressAndWildcard(const Subnet& s);
// The header comment lines (without the comment marker).
std::vector<std::string> headerLines(const PeerView& v, std::string_view format);

}  // namespace vpngw::render
