#pragma once
// Building and reading IKEv1 identification payloads (RFC 2407 §4.6.2): phase-1 identities
// (IPV4_ADDR, FQDN, USER_FQDN) and quick-mode client IDs (IPV4_ADDR, IPV4_ADDR_SUBNET,
// IPV4_ADDR_RANGE) for one subnet pair.
#include <cstdint>
#include <string>
#include <string_view>

#include "base/ip.h"
#include "base/result.h"
#include "wire/ikev1/message.h"

namespace vpngw::wire::v1 {

// RFC 2407 §4.6.2: phase-1 IDs carry protocol/port 0/0 or UDP/500; vpngw sends 0/0.
IdPayload ipv4Id(Ipv4 address, uint8_t ip_protocol = 0, uint16_t port = 0);
IdPayload fqdnId(std::string_view fqdn, uint8_t ip_protocol = 0, uint16_t port = 0);
IdPayload userFqdnId(std::string_view user_fqdn, uint8_t ip_protocol = 0, uint16_t port = 0);

// Quick-mode client ID for a subnet: IPV4_ADDR_SUBNET (also for a /32, as strongSwan sends).
IdPayload subnetId(const Subnet& subnet, uint8_t ip_protocol = 0, uint16_t port = 0);
IdPayload rangeId(const Ipv4Range& range, uint8_t ip_protocol = 0, uint16_t port = 0);

// The IPv4 traffic an ID names: IPV4_ADDR one host, IPV4_ADDR_SUBNET the network (the mask must
// be contiguous; host bits are cleared), IPV4_ADDR_RANGE first..last (first <= last). An Error
// for any other type or malformed data.
Result<Ipv4Range> ipv4RangeOf(const IdPayload& id);

// The text of an FQDN or USER_FQDN ID, or the dotted address of an IPV4_ADDR ID (for PSK lookup
// and logs); an Error for other types.
Result<std::string> identityText(const IdPayload& id);

}  // namespace vpngw::wire::v1
