#include "ike/traffic_selectors.h"

#include <algorithm>

#include "base/byte_io.h"

namespace vpngw::ike {

namespace {

constexpr uint16_t kAllPorts = 65535;

Bytes addressBytes(Ipv4 a) {
  Bytes b(4);
  storeU32(b.data(), a.value);
  return b;
}

}  // namespace

std::vector<wire::v2::TrafficSelector> toSelectors(const std::vector<Subnet>& subnets) {
  return toSelectors(toRanges(subnets));
}

std::vector<wire::v2::TrafficSelector> toSelectors(const std::vector<Ipv4Range>& ranges) {
  std::vector<wire::v2::TrafficSelector> out;
  out.reserve(ranges.size());
  for (const auto& r : ranges) {
    wire::v2::TrafficSelector ts;
    ts.ts_type = wire::ts::kIpv4AddrRange;
    ts.ip_protocol = 0;  // any (RFC 7296 §3.13.1)
    ts.start_port = 0;
    ts.end_port = kAllPorts;
    ts.start_address = addressBytes(r.first);
    ts.end_address = addressBytes(r.last);
    out.push_back(std::move(ts));
  }
  return out;
}

std::vector<Ipv4Range> toRanges(const std::vector<wire::v2::TrafficSelector>& selectors) {
  std::vector<Ipv4Range> out;
  for (const auto& ts : selectors) {
    // Only "all traffic between these addresses" selectors map onto a subnet policy.
    if (ts.ts_type != wire::ts::kIpv4AddrRange || ts.ip_protocol != 0 || ts.start_port != 0 ||
        ts.end_port != kAllPorts || ts.start_address.size() != 4 || ts.end_address.size() != 4) {
      continue;
    }
    Ipv4Range r{Ipv4{loadU32(ts.start_address.data())}, Ipv4{loadU32(ts.end_address.data())}};
    if (r.first > r.last) {
      continue;  // an empty range selects nothing
    }
    out.push_back(r);
  }
  return out;
}

std::vector<Ipv4Range> narrow(const std::vector<Ipv4Range>& proposed,
                              const std::vector<Ipv4Range>& allowed) {
  std::vector<Ipv4Range> out;
  for (const auto& p : proposed) {
    for (const auto& a : allowed) {
      const Ipv4Range both{std::max(p.first, a.first), std::min(p.last, a.last)};
      if (both.first > both.last) {
        continue;
      }
      if (std::find(out.begin(), out.end(), both) == out.end()) {
        out.push_back(both);
      }
    }
  }
  return out;
}

bool allWithin(const std::vector<Ipv4Range>& inner, const std::vector<Ipv4Range>& outer) {
  return std::all_of(inner.begin(), inner.end(), [&](const Ipv4Range& r) {
    return std::any_of(outer.begin(), outer.end(),
                       [&](const Ipv4Range& o) { return o.contains(r); });
  });
}

std::vector<std::string> toStrings(const std::vector<Ipv4Range>& ranges) {
  std::vector<std::string> out;
  out.reserve(ranges.size());
  for (const auto& r : ranges) {
    out.push_back(r.toString());
  }
  return out;
}

std::vector<Ipv4Range> toRanges(const std::vector<Subnet>& subnets) {
  std::vector<Ipv4Range> out;
  out.reserve(subnets.size());
  for (const auto& s : subnets) {
    out.push_back(Ipv4Range::of(s));
  }
  return out;
}

}  // namespace vpngw::ike
