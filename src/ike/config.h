#pragma once
// The validated domain configuration the engine runs: gateways, customer gateways, tunnels.
// config/ builds it from YAML (and later the API); everything here is already checked.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/ip.h"

namespace vpngw::ike {

enum class IkeVersion { V1, V2 };
enum class V1Mode { Main, Aggressive };
// Names as in the configuration: 3des, aes128, aes192, aes256, aes128gcm16, aes256gcm16.
enum class Encryption { Des3, Aes128, Aes192, Aes256, Aes128Gcm16, Aes256Gcm16 };
// "authentication": md5, sha1, sha2-256, sha2-384, sha2-512. In IKE it picks both the
// integrity algorithm and the PRF (with an AEAD cipher, only the PRF).
enum class Hash { Md5, Sha1, Sha256, Sha384, Sha512 };
enum class IpsecProtocol { Esp, Ah };
enum class RouteMode { Policy, Route };
// What to do when dead peer detection declares the peer dead: renegotiate at once, drop the
// SAs and wait for the peer, or drop them and renegotiate when traffic wants the tunnel.
enum class DpdAction { Restart, Clear, Hold };

std::string_view toString(IkeVersion v);
std::string_view toString(V1Mode m);
std::string_view toString(Encryption e);
std::string_view toString(Hash h);
std::string_view toString(IpsecProtocol p);
std::string_view toString(RouteMode m);
std::optional<IkeVersion> parseIkeVersion(std::string_view s);
std::optional<V1Mode> parseV1Mode(std::string_view s);
std::optional<Encryption> parseEncryption(std::string_view s);
std::optional<Hash> parseHash(std::string_view s);
std::optional<IpsecProtocol> parseIpsecProtocol(std::string_view s);
std::optional<RouteMode> parseRouteMode(std::string_view s);
std::string_view toString(DpdAction a);
std::optional<DpdAction> parseDpdAction(std::string_view s);
bool isAead(Encryption e);
// DH groups vpngw implements: 1 2 5 14 15 16 19 20 21 24 31.
bool isSupportedDhGroup(uint16_t group);

// An IKE identity: an IPv4 address or an FQDN.
struct Identity {
  enum class Type { Ipv4, Fqdn };
  Type type = Type::Ipv4;
  std::string value;  // dotted quad or the FQDN as written

  static Identity ofAddress(Ipv4 a) { return {Type::Ipv4, a.toString()}; }
  // An IPv4 literal becomes Type::Ipv4, anything else that is a valid hostname a Fqdn.
  static std::optional<Identity> parse(std::string_view text);
  std::string toString() const { return value; }
  bool operator==(const Identity&) const = default;
};

struct IkePolicy {
  IkeVersion version = IkeVersion::V2;
  Encryption encryption = Encryption::Aes128;
  Hash authentication = Hash::Sha1;
  uint16_t dh_group = 2;
  V1Mode mode = V1Mode::Main;
  std::optional<Identity> local_id;   // default: the gateway's public IP
  std::optional<Identity> remote_id;  // default: the customer gateway's IP
  std::chrono::seconds lifetime{86400};

  bool operator==(const IkePolicy&) const = default;
};

struct IpsecPolicy {
  IpsecProtocol protocol = IpsecProtocol::Esp;
  std::optional<Encryption> encryption = Encryption::Aes128;  // nullopt with AH
  std::optional<Hash> authentication = Hash::Sha1;            // nullopt with an AEAD cipher
  std::optional<uint16_t> pfs_group = 2;                      // nullopt = disable
  std::chrono::seconds lifetime{86400};
  // Traffic-volume lifetime of each CHILD SA in kilobytes (1024 bytes) in + out; 0 = unlimited
  // (the spec's recommendation). The SA is rekeyed at 90% of it and dropped at 100%.
  uint64_t lifetime_kilobytes = 0;

  bool operator==(const IpsecPolicy&) const = default;
};

// Dead peer detection (RFC 7296 §2.4 liveness checks; RFC 3706 for IKEv1). Defaults are the
// seed's downloaded configuration (delay 8 s, timeout 13 s) with action restart.
struct DpdPolicy {
  bool enabled = true;
  std::chrono::seconds delay{8};     // idle time (no IKE or ESP from the peer) before a check
  std::chrono::seconds timeout{13};  // no answer within this long: the peer is dead
  DpdAction action = DpdAction::Restart;

  bool operator==(const DpdPolicy&) const = default;
};

struct GatewayConfig {
  std::string name;
  Ipv4 public_ip;
  Ipv4 bind_ip;  // = public_ip unless the public IP is a 1:1 NAT in front of the host
  std::vector<Subnet> vpc_subnets;
  std::optional<Ipv4> lan_ip;
  uint32_t mtu = 1400;  // of the data plane's tunnel device; 576-9000

  bool operator==(const GatewayConfig&) const = default;
};

struct CustomerGatewayConfig {
  std::string name;
  Ipv4 ip;  // 0.0.0.0 = any address

  bool operator==(const CustomerGatewayConfig&) const = default;
};

struct TunnelConfig {
  std::string name;
  std::string gateway;           // GatewayConfig::name
  std::string customer_gateway;  // CustomerGatewayConfig::name
  std::vector<Subnet> local_subnets;
  std::vector<Subnet> remote_subnets;
  SecureBytes psk;
  bool initiator = true;
  RouteMode route_mode = RouteMode::Policy;
  bool child_sa_per_subnet_pair = false;
  uint32_t replay_window = 1024;  // packets; 0 = no anti-replay check, else 64-4096 step 64
  IkePolicy ike;
  IpsecPolicy ipsec;
  DpdPolicy dpd;

  bool operator==(const TunnelConfig&) const = default;
};

struct Config {
  std::vector<GatewayConfig> gateways;
  std::vector<CustomerGatewayConfig> customer_gateways;
  std::vector<TunnelConfig> tunnels;

  const GatewayConfig* findGateway(std::string_view name) const;
  const CustomerGatewayConfig* findCustomerGateway(std::string_view name) const;
};

}  // namespace vpngw::ike
