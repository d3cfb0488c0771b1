#include "engine/ike_sockets.h"

#include <algorithm>

namespace vpngw::engine {

std::vector<Ipv4> distinctBindAddresses(const ike::Config& config) {
  std::vector<Ipv4> out;
  for (const ike::GatewayConfig& g : config.gateways) {
    if (std::find(out.begin(), out.end(), g.bind_ip) == out.end()) {
      out.push_back(g.bind_ip);
    }
  }
  return out;
}

Result<IkeSockets> IkeSockets::bind(const std::vector<Ipv4>& addresses, IkePorts ports) {
  IkeSockets sockets;
  for (Ipv4 address : addresses) {
    for (bool natt : {false, true}) {
      Result<UdpSocket> s = UdpSocket::bind({address, natt ? ports.natt : ports.ike});
      if (!s) {
        return s.error();
      }
      sockets.entries_.push_back({std::move(*s), natt});
    }
  }
  return sockets;
}

Status IkeSockets::add(Ipv4 address, IkePorts ports) {
  Result<UdpSocket> ike = UdpSocket::bind({address, ports.ike});
  if (!ike) {
    return ike.error();
  }
  Result<UdpSocket> natt = UdpSocket::bind({address, ports.natt});
  if (!natt) {
    return natt.error();
  }
  entries_.push_back({std::move(*ike), false});
  entries_.push_back({std::move(*natt), true});
  return {};
}

bool IkeSockets::has(Ipv4 address) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const Entry& e) { return e.socket.local().address == address; });
}

IkeSockets::Entry* IkeSockets::find(const Endpoint& local) {
  for (Entry& e : entries_) {
    if (e.socket.local() == local) {
      return &e;
    }
  }
  return nullptr;
}

std::string IkeSockets::describe() const {
  std::string out;
  for (const Entry& e : entries_) {
    if (!out.empty()) {
      out += ", ";
    }
    out += e.socket.local().toString();
  }
  return out;
}

}  // namespace vpngw::engine
