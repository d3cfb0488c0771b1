#pragma once
// Traffic selectors (RFC 7296 §2.9, §3.13): conversion between subnets and TS payloads and
// responder-side narrowing.
#include <optional>
#include <vector>

#include "base/ip.h"
#include "wire/ikev2_message.h"

namespace vpngw::ike {

// One IPv4 range selector per subnet, any protocol, ports 0-65535.
std::vector<wire::v2::TrafficSelector> toSelectors(const std::vector<Subnet>& subnets);
std::vector<wire::v2::TrafficSelector> toSelectors(const std::vector<Ipv4Range>& ranges);

// The IPv4 ranges of selectors that cover any protocol and all ports; selectors of other
// shapes (IPv6, single protocol or port range) are not representable and are skipped.
std::vector<Ipv4Range> toRanges(const std::vector<wire::v2::TrafficSelector>& selectors);

// Narrowing: the parts of `proposed` that lie inside `allowed` (pairwise intersections,
// de-duplicated, in proposed order). Empty when nothing overlaps (TS_UNACCEPTABLE).
std::vector<Ipv4Range> narrow(const std::vector<Ipv4Range>& proposed,
                              const std::vector<Ipv4Range>& allowed);

// True when every range in `inner` lies inside some range of `outer` (initiator's check of
// the responder's answer).
bool allWithin(const std::vector<Ipv4Range>& inner, const std::vector<Ipv4Range>& outer);

std::vector<std::string> toStrings(const std::vector<Ipv4Range>& ranges);
std::vector<Ipv4Range> toRanges(const std::vector<Subnet>& subnets);

}  // namespace vpngw::ike
