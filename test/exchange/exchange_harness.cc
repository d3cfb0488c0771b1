#include "exchange/exchange_harness.h"

#include <stdexcept>

#include "wire/ikev2_message.h"

namespace vpngw::ike::testing {

const Ipv4 kAddrA = *Ipv4::parse("198.18.1.1");
const Ipv4 kAddrB = *Ipv4::parse("198.18.1.2");

namespace {
std::vector<Subnet> subnets(const std::vector<std::string>& s) {
  std::vector<Subnet> out;
  for (const auto& x : s) {
    auto n = Subnet::parse(x);
    if (!n) {
      throw std::invalid_argument("bad subnet in test: " + x);
    }
    out.push_back(*n);
  }
  return out;
}
}  // namespace

Config siteConfig(Ipv4 self, Ipv4 peer, const TunnelSpec& spec) {
  Config c;
  GatewayConfig gw;
  gw.name = "gw";
  gw.public_ip = self;
  gw.bind_ip = self;
  gw.vpc_subnets = {*Subnet::parse("10.0.0.0/8")};
  c.gateways.push_back(gw);
  CustomerGatewayConfig cgw;
  cgw.name = "peer";
  cgw.ip = spec.customer_ip.empty() ? peer : *Ipv4::parse(spec.customer_ip);
  c.customer_gateways.push_back(cgw);
  TunnelConfig t;
  t.name = "t1";
  t.gateway = "gw";
  t.customer_gateway = "peer";
  t.local_subnets = subnets(spec.local_subnets);
  t.remote_subnets = subnets(spec.remote_subnets);
  t.psk = toSecure(view(spec.psk));
  t.initiator = spec.initiator;
  t.route_mode = spec.route_mode;
  t.child_sa_per_subnet_pair = spec.per_pair;
  t.ike = spec.ike;
  t.ipsec = spec.ipsec;
  t.dpd = spec.dpd;
  c.tunnels.push_back(t);
  return c;
}

TunnelSpec mirror(const TunnelSpec& spec) {
  TunnelSpec m = spec;
  std::swap(m.local_subnets, m.remote_subnets);
  std::swap(m.ike.local_id, m.ike.remote_id);
  return m;
}

void Exchange::load(const TunnelSpec& spec_a, const TunnelSpec& spec_b) {
  a.engine.load(siteConfig(kAddrA, kAddrB, spec_a), now);
  b.engine.load(siteConfig(kAddrB, kAddrA, spec_b), now);
}

int Exchange::deliver(const std::function<bool(Datagram&, bool)>& filter) {
  int moved = 0;
  for (int round = 0; round < 1000; ++round) {
    if (a.out.sent.empty() && b.out.sent.empty()) {
      return moved;
    }
    while (!a.out.sent.empty()) {
      Datagram d = std::move(a.out.sent.front());
      a.out.sent.pop_front();
      if (filter && !filter(d, true)) {
        continue;
      }
      ++moved;
      // What A sends from local to remote arrives at B with the roles swapped.
      b.engine.handleDatagram(Datagram{d.remote, d.local, std::move(d.data)}, now);
    }
    while (!b.out.sent.empty()) {
      Datagram d = std::move(b.out.sent.front());
      b.out.sent.pop_front();
      if (filter && !filter(d, false)) {
        continue;
      }
      ++moved;
      a.engine.handleDatagram(Datagram{d.remote, d.local, std::move(d.data)}, now);
    }
  }
  throw std::runtime_error("exchange did not settle (message loop)");
}

void Exchange::advance(Duration d, Duration step,
                       const std::function<bool(Datagram&, bool)>& filter) {
  TimePoint end = now + d;
  deliver(filter);
  while (now < end) {
    now = std::min(end, now + step);
    a.engine.handleTimers(now);
    b.engine.handleTimers(now);
    deliver(filter);
  }
}

std::function<bool(Datagram&, bool)> RequestCrosser::filter() {
  return [this](Datagram& d, bool from_a) {
    auto h = wire::v2::decodeHeader(d.data);
    bool is_request = h && h->exchange == static_cast<uint8_t>(wire::ExchangeType::CreateChildSa) &&
                      !h->isResponse();
    if (!is_request || released_) {
      return true;
    }
    if (!held_) {
      held_ = d;
      held_from_a_ = from_a;
      return false;
    }
    if (from_a == held_from_a_) {
      return false;  // its retransmissions wait too
    }
    // The other side's request is out: deliver the held one now, crossing it.
    released_ = true;
    Side& to = held_from_a_ ? x_.b : x_.a;
    to.engine.handleDatagram(Datagram{held_->remote, held_->local, held_->data}, x_.now);
    return true;
  };
}

}  // namespace vpngw::ike::testing
