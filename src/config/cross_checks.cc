#include "config/cross_checks.h"

#include <algorithm>
#include <map>
#include <optional>

namespace vpngw::config {

namespace {

std::string subnetList(const std::vector<Subnet>& subnets) {
  std::string out;
  for (const auto& s : subnets) {
    out += out.empty() ? "" : ", ";
    out += s.toString();
  }
  return out;
}

template <typename T>
const T* findByName(const std::vector<T>& items, std::string_view name) {
  if (name.empty()) {
    return nullptr;
  }
  auto it = std::find_if(items.begin(), items.end(), [&](const T& i) { return i.name == name; });
  return it == items.end() ? nullptr : &*it;
}

// What checkTunnels learned about one tunnel's references.
struct Resolved {
  const ike::GatewayConfig* gateway = nullptr;
  const ike::CustomerGatewayConfig* customer_gateway = nullptr;
};

// Resolves references, counts tunnels against the limits and checks VPC membership and the
// 0.0.0.0 customer-gateway rules.
Resolved checkReferences(Reader& r, const std::vector<ike::GatewayConfig>& gateways,
                         const std::vector<ike::CustomerGatewayConfig>& customer_gateways,
                         ParsedTunnel& t, std::map<std::string, size_t>& gateway_use,
                         std::map<std::string, size_t>& customer_use, const LoadOptions& opts) {
  Resolved out;
  ike::TunnelConfig& c = t.config;
  const std::string limit = std::to_string(opts.max_tunnels_per_gateway);
  out.gateway = findByName(gateways, c.gateway);
  if (!out.gateway && !c.gateway.empty()) {
    r.fail(joinPath(t.path, "gateway"), c.gateway, "does not name a gateway under gateways");
  } else if (out.gateway && ++gateway_use[c.gateway] > opts.max_tunnels_per_gateway) {
    r.fail(joinPath(t.path, "gateway"), c.gateway,
           "has too many tunnels: at most " + limit + " tunnels per gateway");
  }
  out.customer_gateway = findByName(customer_gateways, c.customer_gateway);
  if (!out.customer_gateway && !c.customer_gateway.empty()) {
    r.fail(joinPath(t.path, "customer_gateway"), c.customer_gateway,
           "does not name a customer gateway under customer_gateways");
  } else if (out.customer_gateway &&
             ++customer_use[c.customer_gateway] > opts.max_tunnels_per_gateway) {
    r.fail(joinPath(t.path, "customer_gateway"), c.customer_gateway,
           "has too many tunnels: at most " + limit + " tunnels per customer gateway");
  }

  if (out.gateway && !out.gateway->vpc_subnets.empty()) {
    const auto& vpc = out.gateway->vpc_subnets;
    for (const auto& local : t.local) {
      if (std::none_of(vpc.begin(), vpc.end(),
                       [&](const Subnet& s) { return s.contains(local.value); })) {
        r.fail(local.path, local.value.toString(),
               "is not inside the VPC subnets of gateway '" + c.gateway + "' (" + subnetList(vpc) +
                   "): local subnets must lie inside the gateway's VPC");
      }
    }
  }

  const bool any_peer = out.customer_gateway && out.customer_gateway->ip.isAny();
  if (any_peer) {
    if (t.initiator.value_or(false)) {
      r.fail(joinPath(t.path, "initiator"), "true",
             "is not allowed: a customer gateway of 0.0.0.0 can only respond (customer gateway "
             "'" +
                 c.customer_gateway + "')");
    }
    const std::string remote_id_field = joinPath(t.path, "ike.remote_id");
    if (!c.ike.remote_id && !r.hasErrorAt(remote_id_field)) {
      r.fail(remote_id_field, "",
             "is required: with a customer gateway of 0.0.0.0 the remote id must be set to the "
             "peer's real id (spec §2)");
    }
  }
  // Nobody can be reached at 0.0.0.0, so such a tunnel waits for the peer by default.
  c.initiator = t.initiator.value_or(!any_peer);
  return out;
}

// Spec §2: within one VPC a (local, remote) subnet pair may be claimed by one tunnel only.
// Scoped to one gateway, so that an HA pair (spec §8: two gateways serving one VPC) may carry
// the same pairs. Overlapping pairs conflict too: both tunnels' policies would match a packet.
void checkPairClaims(Reader& r, const std::vector<ParsedTunnel>& tunnels,
                     const std::vector<Resolved>& resolved) {
  for (size_t i = 0; i < tunnels.size(); ++i) {
    if (!resolved[i].gateway) {
      continue;
    }
    const ParsedTunnel& t = tunnels[i];
    for (const auto& remote : t.remote) {
      for (const auto& local : t.local) {
        bool reported = false;
        for (size_t k = 0; k < i && !reported; ++k) {
          if (resolved[k].gateway != resolved[i].gateway) {
            continue;
          }
          for (const auto& other_local : tunnels[k].local) {
            for (const auto& other_remote : tunnels[k].remote) {
              if (reported || !local.value.overlaps(other_local.value) ||
                  !remote.value.overlaps(other_remote.value)) {
                continue;
              }
              r.fail(remote.path, remote.value.toString(),
                     "with local subnet " + local.value.toString() + " overlaps the subnet pair " +
                         other_local.value.toString() + " <-> " + other_remote.value.toString() +
                         " of tunnel '" + tunnels[k].config.name + "' on gateway '" +
                         t.config.gateway +
                         "': a (local, remote) subnet pair may be claimed by one tunnel only");
              reported = true;
            }
          }
        }
      }
    }
  }
}

std::string identityText(const std::optional<ike::Identity>& id, Ipv4 fallback) {
  return id ? id->toString() : fallback.toString();
}

// Spec §4: IKEv1 tunnels between the same gateway and customer gateway share one phase 1, so
// they must agree on the PSK and every IKE parameter. Behind a 0.0.0.0 customer gateway the
// peers are told apart by their remote id, so only tunnels with the same remote id share.
void checkIkev1Sharing(Reader& r, const std::vector<ParsedTunnel>& tunnels,
                       const std::vector<Resolved>& resolved) {
  std::map<std::string, size_t> first_of_group;
  for (size_t i = 0; i < tunnels.size(); ++i) {
    const ike::TunnelConfig& c = tunnels[i].config;
    const Resolved& res = resolved[i];
    if (c.ike.version != ike::IkeVersion::V1 || !res.gateway || !res.customer_gateway) {
      continue;
    }
    std::string key = c.gateway + '\n' + c.customer_gateway;
    if (res.customer_gateway->ip.isAny()) {
      if (!c.ike.remote_id) {
        continue;  // reported already
      }
      key += '\n' + c.ike.remote_id->toString();
    }
    auto [it, inserted] = first_of_group.emplace(key, i);
    if (inserted) {
      continue;
    }
    const ike::TunnelConfig& first = tunnels[it->second].config;
    const std::string& first_path = tunnels[it->second].path;
    if (r.hasErrorUnder(joinPath(first_path, "ike.")) ||
        r.hasErrorAt(joinPath(first_path, "psk"))) {
      continue;  // the first tunnel's own errors say enough; comparing would add noise
    }
    const std::string& path = tunnels[i].path;
    const std::string rule_tail =
        "IKEv1 tunnels to the same customer gateway share one phase 1, so their PSK and IKE "
        "parameters must be identical (spec §4)";
    const std::string differs = "differs from tunnel '" + first.name + "'";
    if (c.psk != first.psk) {
      r.fail(joinPath(path, "psk"), std::string(kRedacted), differs + ": " + rule_tail);
    }
    auto compare = [&](std::string_view field, const std::string& mine, const std::string& theirs) {
      if (mine != theirs) {
        r.fail(joinPath(path, "ike." + std::string(field)), mine,
               differs + " (" + theirs + "): " + rule_tail);
      }
    };
    compare("encryption", std::string(ike::toString(c.ike.encryption)),
            std::string(ike::toString(first.ike.encryption)));
    compare("authentication", std::string(ike::toString(c.ike.authentication)),
            std::string(ike::toString(first.ike.authentication)));
    compare("dh_group", std::to_string(c.ike.dh_group), std::to_string(first.ike.dh_group));
    compare("mode", std::string(ike::toString(c.ike.mode)),
            std::string(ike::toString(first.ike.mode)));
    compare("local_id", identityText(c.ike.local_id, res.gateway->public_ip),
            identityText(first.ike.local_id, resolved[it->second].gateway->public_ip));
    compare("remote_id", identityText(c.ike.remote_id, res.customer_gateway->ip),
            identityText(first.ike.remote_id, resolved[it->second].customer_gateway->ip));
    compare("lifetime", std::to_string(c.ike.lifetime.count()),
            std::to_string(first.ike.lifetime.count()));
  }
}

}  // namespace

void checkUniqueNames(Reader& r, std::string_view list, const std::vector<std::string>& names) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) {
      continue;
    }
    auto first = std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]);
    if (first != names.begin() + static_cast<std::ptrdiff_t>(i)) {
      const auto first_index = static_cast<size_t>(first - names.begin());
      r.fail(joinPath(indexPath(list, i), "name"), names[i],
             "is already used by " + indexPath(list, first_index) + ": names must be unique");
    }
  }
}

void checkTunnels(Reader& r, const std::vector<ike::GatewayConfig>& gateways,
                  const std::vector<ike::CustomerGatewayConfig>& customer_gateways,
                  std::vector<ParsedTunnel>& tunnels, const LoadOptions& opts) {
  std::map<std::string, size_t> gateway_use;
  std::map<std::string, size_t> customer_use;
  std::vector<Resolved> resolved;
  resolved.reserve(tunnels.size());
  for (auto& t : tunnels) {
    resolved.push_back(
        checkReferences(r, gateways, customer_gateways, t, gateway_use, customer_use, opts));
  }
  checkPairClaims(r, tunnels, resolved);
  checkIkev1Sharing(r, tunnels, resolved);
}

}  // namespace vpngw::config
