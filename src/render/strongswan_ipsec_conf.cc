// strongSwan ipsec.conf (starter/stroke), the seed's download format, plus the ipsec.secrets
// line. Keywords: https://docs.strongswan.org/docs/5.9/config/ipsecConf.html (conn section).
#include <sstream>

#include "render/renderers.h"
#include "render/strongswan_names.h"

namespace vpngw::render {

namespace {

std::string ipsecConfDpdAction(ike::DpdAction a) {
  switch (a) {
    case ike::DpdAction::Restart:
      return "restart";
    case ike::DpdAction::Clear:
      return "clear";
    case ike::DpdAction::Hold:
      return "hold";
  }
  return "restart";
}

}  // namespace

Result<std::string> renderStrongswanIpsecConf(const PeerView& v) {
  auto ike = swanIkeProposal(v.ike);
  auto child = swanChildProposal(v.ipsec);
  if (!ike || !child) {
    return makeError("strongSwan has no name for DH group " + std::to_string(v.ike.dh_group));
  }
  std::ostringstream o;
  for (const auto& line : headerLines(v, "strongSwan ipsec.conf + ipsec.secrets")) {
    o << "# " << line << "\n";
  }
  o << "# /etc/ipsec.conf (or /etc/strongswan/ipsec.conf)\n";
  // IKEv1 carries one subnet pair per quick mode: one conn per pair; so does a tunnel that
  // negotiates one SA per pair.
  const bool split =
      !v.route_mode && (v.per_pair || v.version == ike::IkeVersion::V1) && v.pairs().size() > 1;
  const std::string base = split ? v.name + "-base" : v.name;
  o << "conn " << base << "\n";
  o << "    keyexchange=" << (v.version == ike::IkeVersion::V1 ? "ikev1" : "ikev2") << "\n";
  if (v.version == ike::IkeVersion::V1 && v.mode == ike::V1Mode::Aggressive) {
    o << "    aggressive=yes\n";
  }
  o << "    authby=psk\n";
  o << "    auto=" << (split ? "ignore" : "start") << "\n";
  o << "    type=tunnel\n";
  o << "    ike=" << *ike << "!\n";
  o << (v.ipsec.protocol == ike::IpsecProtocol::Ah ? "    ah=" : "    esp=") << *child << "!\n";
  o << "    ikelifetime=" << v.ike.lifetime.count() << "s\n";
  o << "    lifetime=" << v.ipsec.lifetime.count() << "s\n";
  if (v.ipsec.lifetime_kilobytes > 0) {
    o << "    lifebytes=" << v.ipsec.lifetime_kilobytes * 1024 << "\n";
  }
  o << "    left=" << (v.local_address ? v.local_address->toString() : "%defaultroute") << "\n";
  if (v.local_address || v.local_id_explicit) {
    o << "    leftid=" << swanIdText(v.local_id) << "\n";
  }
  if (v.route_mode) {
    o << "    # route mode: vpngw negotiates 0.0.0.0/0 on both sides; route the remote subnets\n"
      << "    # (" << joinSubnets(v.remote_subnets, ", ") << ") into the tunnel, e.g. with a VTI\n"
      << "    # whose key is the mark below.\n";
    o << "    leftsubnet=0.0.0.0/0\n    rightsubnet=0.0.0.0/0\n    mark=42\n";
  } else if (!split) {
    o << "    leftsubnet=" << joinSubnets(v.local_subnets, ",") << "\n";
  }
  o << "    right=" << v.remote_address.toString() << "\n";
  o << "    rightid=" << swanIdText(v.remote_id) << "\n";
  if (!v.route_mode && !split) {
    o << "    rightsubnet=" << joinSubnets(v.remote_subnets, ",") << "\n";
  }
  if (v.dpd.enabled) {
    o << "    dpdaction=" << ipsecConfDpdAction(v.dpd.action) << "\n";
    o << "    dpddelay=" << v.dpd.delay.count() << "s\n";
    o << "    dpdtimeout=" << v.dpd.timeout.count() << "s\n";
  }
  if (split) {
    int n = 0;
    for (const auto& [l, r] : v.pairs()) {
      o << "\nconn " << v.name << "-" << ++n << "\n";
      o << "    also=" << base << "\n";
      o << "    leftsubnet=" << l.toString() << "\n";
      o << "    rightsubnet=" << r.toString() << "\n";
      o << "    auto=start\n";
    }
  }
  o << "\n# /etc/ipsec.secrets (or /etc/strongswan/ipsec.secrets)\n";
  o << (v.local_address || v.local_id_explicit ? swanIdText(v.local_id) : "%any") << " "
    << swanIdText(v.remote_id) << " : PSK \"" << v.psk << "\"\n";
  return o.str();
}

}  // namespace vpngw::render
