#include "render/peer_view.h"

#include <ctime>

namespace vpngw::render {

std::vector<std::pair<Subnet, Subnet>> PeerView::pairs() const {
  std::vector<std::pair<Subnet, Subnet>> out;
  for (const Subnet& l : local_subnets) {
    for (const Subnet& r : remote_subnets) {
      out.emplace_back(l, r);
    }
  }
  return out;
}

namespace {

std::string utcText(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

PeerView peerView(const api::PeerConfigInput& input, std::chrono::system_clock::time_point now) {
  const ike::TunnelConfig& t = input.tunnel;
  PeerView v;
  v.name = t.name;
  v.version = t.ike.version;
  v.mode = t.ike.mode;
  if (!input.customer_gateway.ip.isAny()) {
    v.local_address = input.customer_gateway.ip;
  }
  v.remote_address = input.gateway.public_ip;
  v.local_id = t.ike.remote_id.value_or(ike::Identity::ofAddress(input.customer_gateway.ip));
  v.local_id_explicit = t.ike.remote_id.has_value();
  v.remote_id = t.ike.local_id.value_or(ike::Identity::ofAddress(input.gateway.public_ip));
  v.local_subnets = t.remote_subnets;
  v.remote_subnets = t.local_subnets;
  v.route_mode = t.route_mode == ike::RouteMode::Route;
  v.per_pair = t.child_sa_per_subnet_pair;
  v.peer_must_initiate = !t.initiator;
  v.ike = t.ike;
  v.ipsec = t.ipsec;
  v.dpd = t.dpd;
  v.psk.assign(t.psk.begin(), t.psk.end());
  v.generated_at = utcText(now);
  return v;
}

std::string joinSubnets(const std::vector<Subnet>& subnets, std::string_view separator) {
  std::string out;
  for (const Subnet& s : subnets) {
    if (!out.empty()) {
      out += separator;
    }
    out += s.toString();
  }
  return out;
}

std::string netmask(const Subnet& s) { return Ipv4{s.mask()}.toString(); }
std::string wildcard(const Subnet& s) { return Ipv4{~s.mask()}.toString(); }
std::string addressAndWildcard(const Subnet& s) { return s.address.toString() + " " + wildcard(s); }

std::vector<std::string> headerLines(const PeerView& v, std::string_view format) {
  std::vector<std::string> lines{
      "vpngw peer configuration for tunnel " + v.name + " (" + std::string(format) + ")",
      "Generated " + v.generated_at + " from the tunnel's current settings.",
      "Written from the peer's side: local = this device, remote = the vpngw gateway " +
          v.remote_address.toString() + ".",
      "It contains the pre-shared key: keep it secret."};
  if (!v.local_address) {
    lines.push_back(
        "vpngw accepts this peer from any address (customer gateway 0.0.0.0): this "
        "device must initiate.");
  }
  return lines;
}

}  // namespace vpngw::render
