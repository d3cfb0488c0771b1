// strongSwan swanctl.conf (vici). Keywords:
// https://docs.strongswan.org/docs/5.9/swanctl/swanctlConf.html
#include <sstream>

#include "render/renderers.h"
#include "render/strongswan_names.h"

namespace vpngw::render {

namespace {

std::string swanctlDpdAction(ike::DpdAction a) {
  switch (a) {
    case ike::DpdAction::Restart:
      return "restart";
    case ike::DpdAction::Clear:
      return "clear";
    case ike::DpdAction::Hold:
      return "trap";  // swanctl's name for "renegotiate on traffic"
  }
  return "restart";
}

}  // namespace

Result<std::string> renderSwanctlConf(const PeerView& v) {
  auto ike = swanIkeProposal(v.ike);
  auto child = swanChildProposal(v.ipsec);
  if (!ike || !child) {
    return makeError("strongSwan has no name for DH group " + std::to_string(v.ike.dh_group));
  }
  std::ostringstream o;
  for (const auto& line : headerLines(v, "strongSwan swanctl.conf")) {
    o << "# " << line << "\n";
  }
  o << "connections {\n";
  o << "  " << v.name << " {\n";
  o << "    version = " << (v.version == ike::IkeVersion::V1 ? 1 : 2) << "\n";
  if (v.version == ike::IkeVersion::V1 && v.mode == ike::V1Mode::Aggressive) {
    o << "    aggressive = yes\n";
  }
  if (v.local_address) {
    o << "    local_addrs = " << v.local_address->toString() << "\n";
  }
  o << "    remote_addrs = " << v.remote_address.toString() << "\n";
  o << "    proposals = " << *ike << "\n";
  o << "    rekey_time = " << v.ike.lifetime.count() << "s\n";
  if (v.dpd.enabled) {
    o << "    dpd_delay = " << v.dpd.delay.count() << "s\n";
    if (v.version == ike::IkeVersion::V1) {
      o << "    dpd_timeout = " << v.dpd.timeout.count() << "s\n";
    }
  }
  o << "    local {\n      auth = psk\n";
  if (v.local_address || v.local_id_explicit) {
    o << "      id = " << v.local_id.value << "\n";
  }
  o << "    }\n";
  o << "    remote {\n      auth = psk\n      id = " << v.remote_id.value << "\n    }\n";
  o << "    children {\n";
  auto childBlock = [&](const std::string& name, const std::string& local_ts,
                        const std::string& remote_ts) {
    o << "      " << name << " {\n";
    o << "        local_ts = " << local_ts << "\n";
    o << "        remote_ts = " << remote_ts << "\n";
    o << (v.ipsec.protocol == ike::IpsecProtocol::Ah ? "        ah_proposals = "
                                                     : "        esp_proposals = ")
      << *child << "\n";
    o << "        rekey_time = " << v.ipsec.lifetime.count() << "s\n";
    if (v.ipsec.lifetime_kilobytes > 0) {
      o << "        rekey_bytes = " << v.ipsec.lifetime_kilobytes * 1024 << "\n";
    }
    if (v.dpd.enabled) {
      o << "        dpd_action = " << swanctlDpdAction(v.dpd.action) << "\n";
    }
    o << "        start_action = start\n";
    o << "      }\n";
  };
  if (v.route_mode) {
    o << "      # route mode: vpngw negotiates 0.0.0.0/0 on both sides; route the remote\n"
      << "      # subnets (" << joinSubnets(v.remote_subnets, ", ")
      << ") into the tunnel (e.g. an XFRM interface with if_id_in/if_id_out).\n";
    childBlock(v.name, "0.0.0.0/0", "0.0.0.0/0");
  } else if (v.per_pair || v.version == ike::IkeVersion::V1) {
    int n = 0;
    for (const auto& [l, r] : v.pairs()) {
      childBlock(v.name + "-" + std::to_string(++n), l.toString(), r.toString());
    }
  } else {
    childBlock(v.name, joinSubnets(v.local_subnets, ","), joinSubnets(v.remote_subnets, ","));
  }
  o << "    }\n  }\n}\n";
  o << "secrets {\n  ike-" << v.name << " {\n";
  if (v.local_address || v.local_id_explicit) {
    o << "    id-1 = " << v.local_id.value << "\n";
  }
  o << "    id-2 = " << v.remote_id.value << "\n";
  o << "    secret = \"" << v.psk << "\"\n  }\n}\n";
  return o.str();
}

}  // namespace vpngw::render
