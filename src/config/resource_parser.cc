#include "config/resource_parser.h"

#include <algorithm>

#include "config/policy_parser.h"

namespace vpngw::config {

namespace {

constexpr size_t kMaxNameLength = 64;
constexpr size_t kMaxPskLength = 128;

bool isNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

std::string readName(Reader& r, const YAML::Node& node, const std::string& path) {
  auto name = r.text(node, path, "name", true);
  if (!name) {
    return "";
  }
  checkName(r, joinPath(path, "name"), *name);
  return *name;
}

// Spec §2: letters, digits and special characters, no '?' and no space, at most 128.
// Non-printable and non-ASCII bytes are refused too: peers' configuration files (ipsec.secrets,
// device CLIs) cannot carry them reliably. The value is never echoed.
void checkPsk(Reader& r, const std::string& field, const std::string& psk) {
  const std::string value(kRedacted);
  if (psk.empty()) {
    r.fail(field, value, "is empty: the pre-shared key must have 1-128 characters");
  } else if (psk.size() > kMaxPskLength) {
    r.fail(field, value,
           "is too long (" + std::to_string(psk.size()) +
               " characters): the pre-shared key may have at most 128");
  }
  if (psk.find('?') != std::string::npos || psk.find(' ') != std::string::npos) {
    r.fail(field, value, "contains '?' or a space, which a pre-shared key may not contain");
  } else if (!std::all_of(psk.begin(), psk.end(), [](char c) { return c > ' ' && c < 0x7f; })) {
    r.fail(field, value,
           "contains a character that is not printable ASCII (letters, digits and special "
           "characters only)");
  }
}

}  // namespace

bool checkName(Reader& r, const std::string& field, const std::string& name) {
  if (name.empty() || name.size() > kMaxNameLength ||
      !std::all_of(name.begin(), name.end(), isNameChar)) {
    r.fail(field, name, "is not a valid name: use 1-64 characters from A-Z a-z 0-9 . _ -");
    return false;
  }
  return true;
}

ike::GatewayConfig parseGateway(Reader& r, const YAML::Node& node, const std::string& path) {
  ike::GatewayConfig gw;
  if (!r.checkMap(node, path, {"name", "public_ip", "bind_ip", "vpc_subnets", "lan_ip", "mtu"})) {
    return gw;
  }
  gw.name = readName(r, node, path);
  if (auto ip = r.ipv4(node, path, "public_ip", true)) {
    gw.public_ip = *ip;
    if (ip->isAny()) {
      r.fail(joinPath(path, "public_ip"), ip->toString(),
             "is not allowed: a gateway's public IP must be a real address (0.0.0.0 is only "
             "for customer gateways)");
    }
  }
  gw.bind_ip = gw.public_ip;
  if (auto ip = r.ipv4(node, path, "bind_ip", false)) {
    gw.bind_ip = *ip;
    if (ip->isAny()) {
      r.fail(joinPath(path, "bind_ip"), ip->toString(),
             "is not allowed: bind_ip must be one of the host's addresses, not 0.0.0.0");
    }
  }
  auto vpc = r.subnets(node, path, "vpc_subnets", true);
  for (size_t i = 0; i < vpc.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (vpc[i].value.overlaps(vpc[j].value)) {
        r.fail(vpc[i].path, vpc[i].value.toString(),
               "overlaps " + vpc[j].path + " (" + vpc[j].value.toString() +
                   "): VPC subnets must not overlap");
      }
    }
    gw.vpc_subnets.push_back(vpc[i].value);
  }
  if (auto lan = r.ipv4(node, path, "lan_ip", false)) {
    gw.lan_ip = *lan;
    // The route source must be an address the tunnels' local selectors can cover.
    if (!gw.vpc_subnets.empty() &&
        std::none_of(gw.vpc_subnets.begin(), gw.vpc_subnets.end(),
                     [&](const Subnet& s) { return s.contains(*lan); })) {
      r.fail(joinPath(path, "lan_ip"), lan->toString(),
             "is not inside the gateway's vpc_subnets: the LAN address must belong to the VPC");
    }
  }
  // The tunnel device's MTU: inner packets up to this size, plus the ESP overhead (at most
  // 92 bytes at 1400), still fit a 1500-byte public path.
  if (auto mtu = r.integer(node, path, "mtu", "a number of bytes")) {
    if (*mtu < 576 || *mtu > 9000) {
      r.fail(joinPath(path, "mtu"), std::to_string(*mtu), "is out of range: must be 576-9000");
    } else {
      gw.mtu = static_cast<uint32_t>(*mtu);
    }
  }
  return gw;
}

ike::CustomerGatewayConfig parseCustomerGateway(Reader& r, const YAML::Node& node,
                                                const std::string& path) {
  ike::CustomerGatewayConfig cgw;
  if (!r.checkMap(node, path, {"name", "ip"})) {
    return cgw;
  }
  cgw.name = readName(r, node, path);
  if (auto ip = r.ipv4(node, path, "ip", true)) {
    cgw.ip = *ip;
  }
  return cgw;
}

namespace {

// dpd: {enabled, delay, timeout, action}. Limits keep a check from firing more than once a
// second and a dead peer from going unnoticed for more than an hour.
ike::DpdPolicy parseDpd(Reader& r, const YAML::Node& tunnel, const std::string& tunnel_path) {
  ike::DpdPolicy dpd;
  auto node = r.field(tunnel, tunnel_path, "dpd", false);
  if (!node) {
    return dpd;
  }
  std::string path = joinPath(tunnel_path, "dpd");
  if (!r.checkMap(*node, path, {"enabled", "delay", "timeout", "action"})) {
    return dpd;
  }
  if (auto enabled = r.boolean(*node, path, "enabled")) {
    dpd.enabled = *enabled;
  }
  for (auto [key, target] : {std::pair{"delay", &dpd.delay}, std::pair{"timeout", &dpd.timeout}}) {
    auto v = r.integer(*node, path, key, "a number of seconds");
    if (!v) {
      continue;
    }
    if (*v < 1 || *v > 3600) {
      r.fail(joinPath(path, key), std::to_string(*v), "is out of range: must be 1-3600 seconds");
      continue;
    }
    *target = std::chrono::seconds(*v);
  }
  if (auto action = r.keyword<ike::DpdAction>(*node, path, "action", ike::parseDpdAction,
                                              "restart, clear, hold")) {
    dpd.action = *action;
  }
  return dpd;
}

}  // namespace

ParsedTunnel parseTunnel(Reader& r, const YAML::Node& node, const std::string& path,
                         const LoadOptions& opts) {
  ParsedTunnel t;
  t.path = path;
  if (!r.checkMap(node, path,
                  {"name", "gateway", "customer_gateway", "local_subnets", "remote_subnets", "psk",
                   "initiator", "route_mode", "child_sa_per_subnet_pair", "ike", "ipsec", "dpd",
                   "replay_window"})) {
    return t;
  }
  ike::TunnelConfig& c = t.config;
  c.name = readName(r, node, path);
  c.gateway = r.text(node, path, "gateway", true).value_or("");
  c.customer_gateway = r.text(node, path, "customer_gateway", true).value_or("");

  t.local = r.subnets(node, path, "local_subnets", true);
  t.remote = r.subnets(node, path, "remote_subnets", true);
  for (const auto& [side, list] :
       {std::pair{"local_subnets", &t.local}, std::pair{"remote_subnets", &t.remote}}) {
    if (list->size() > opts.max_subnets_per_side) {
      r.fail(joinPath(path, side), std::to_string(list->size()),
             "is too many subnets: at most " + std::to_string(opts.max_subnets_per_side) +
                 " per side");
    }
  }
  for (const auto& remote : t.remote) {
    for (const auto& local : t.local) {
      if (remote.value.overlaps(local.value)) {
        r.fail(remote.path, remote.value.toString(),
               "overlaps local subnet " + local.value.toString() + " (" + local.path +
                   "): local and remote subnets must not overlap");
      }
    }
  }
  for (const auto& s : t.local) {
    c.local_subnets.push_back(s.value);
  }
  for (const auto& s : t.remote) {
    c.remote_subnets.push_back(s.value);
  }

  if (auto psk = r.text(node, path, "psk", true, /*secret=*/true)) {
    checkPsk(r, joinPath(path, "psk"), *psk);
    c.psk = toSecure(view(*psk));
    secureWipe(psk->data(), psk->size());  // keep only the wiping copy
  }
  t.initiator = r.boolean(node, path, "initiator");
  if (auto mode = r.keyword<ike::RouteMode>(node, path, "route_mode", ike::parseRouteMode,
                                            "policy, route")) {
    c.route_mode = *mode;
  }
  if (auto per_pair = r.boolean(node, path, "child_sa_per_subnet_pair")) {
    c.child_sa_per_subnet_pair = *per_pair;
  }
  // RFC 4303 §3.4.3 anti-replay window, kept as 64-bit words (RFC 6479).
  if (auto window = r.integer(node, path, "replay_window", "a number of packets")) {
    if (*window != 0 && (*window < 64 || *window > 4096 || *window % 64 != 0)) {
      r.fail(joinPath(path, "replay_window"), std::to_string(*window),
             "is not allowed: use 0 (no replay check) or a multiple of 64 from 64 to 4096");
    } else {
      c.replay_window = static_cast<uint32_t>(*window);
    }
  }
  c.ike = parseIkePolicy(r, node, path, opts);
  c.ipsec = parseIpsecPolicy(r, node, path, opts);
  c.dpd = parseDpd(r, node, path);
  return t;
}

}  // namespace vpngw::config
