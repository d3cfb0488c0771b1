// IKEv1 ID payload helpers (RFC 2407 §4.6.2.1).
#include "wire/ikev1/identity.h"

#include "base/byte_io.h"

namespace vpngw::wire::v1 {
namespace {

Bytes addressBytes(Ipv4 a) {
  Bytes out(4);
  storeU32(out.data(), a.value);
  return out;
}

Ipv4 addressAt(const Bytes& data, size_t offset) { return Ipv4{loadU32(data.data() + offset)}; }

IdPayload make(uint8_t type, uint8_t ip_protocol, uint16_t port, Bytes data) {
  return IdPayload{type, ip_protocol, port, std::move(data)};
}

}  // namespace

IdPayload ipv4Id(Ipv4 address, uint8_t ip_protocol, uint16_t port) {
  return make(id::kIpv4Addr, ip_protocol, port, addressBytes(address));
}

IdPayload fqdnId(std::string_view fqdn, uint8_t ip_protocol, uint16_t port) {
  return make(id::kFqdn, ip_protocol, port, toBytes(view(fqdn)));
}

IdPayload userFqdnId(std::string_view user_fqdn, uint8_t ip_protocol, uint16_t port) {
  return make(id::kUserFqdn, ip_protocol, port, toBytes(view(user_fqdn)));
}

IdPayload subnetId(const Subnet& subnet, uint8_t ip_protocol, uint16_t port) {
  Bytes data = addressBytes(subnet.address);
  Bytes mask = addressBytes(Ipv4{subnet.mask()});
  data.insert(data.end(), mask.begin(), mask.end());
  return make(id::kIpv4AddrSubnet, ip_protocol, port, std::move(data));
}

IdPayload rangeId(const Ipv4Range& range, uint8_t ip_protocol, uint16_t port) {
  Bytes data = addressBytes(range.first);
  Bytes last = addressBytes(range.last);
  data.insert(data.end(), last.begin(), last.end());
  return make(id::kIpv4AddrRange, ip_protocol, port, std::move(data));
}

Result<Ipv4Range> ipv4RangeOf(const IdPayload& id) {
  switch (id.id_type) {
    case id::kIpv4Addr:
      if (id.data.size() != 4) {
        break;
      }
      return Ipv4Range{addressAt(id.data, 0), addressAt(id.data, 0)};
    case id::kIpv4AddrSubnet: {
      if (id.data.size() != 8) {
        break;
      }
      uint32_t mask = loadU32(id.data.data() + 4);
      // A contiguous mask is ones then zeros: its complement plus one is a power of two.
      uint32_t inverted = ~mask;
      if ((inverted & (inverted + 1)) != 0) {
        return makeError("ID subnet mask " + Ipv4{mask}.toString() + " is not contiguous");
      }
      uint32_t network = loadU32(id.data.data()) & mask;
      return Ipv4Range{Ipv4{network}, Ipv4{network | inverted}};
    }
    case id::kIpv4AddrRange: {
      if (id.data.size() != 8) {
        break;
      }
      Ipv4Range r{addressAt(id.data, 0), addressAt(id.data, 4)};
      if (r.last < r.first) {
        return makeError("ID address range " + r.first.toString() + "-" + r.last.toString() +
                         " is reversed");
      }
      return r;
    }
    default:
      return makeError("ID type " + std::to_string(id.id_type) + " does not name IPv4 traffic");
  }
  return makeError("ID type " + std::to_string(id.id_type) + " with " +
                   std::to_string(id.data.size()) + " bytes of data");
}

Result<std::string> identityText(const IdPayload& id) {
  switch (id.id_type) {
    case id::kFqdn:
    case id::kUserFqdn:
      return std::string(id.data.begin(), id.data.end());
    case id::kIpv4Addr:
      if (id.data.size() == 4) {
        return addressAt(id.data, 0).toString();
      }
      return makeError("IPV4_ADDR ID with " + std::to_string(id.data.size()) + " bytes");
    default:
      return makeError("ID type " + std::to_string(id.id_type) + " has no text form");
  }
}

}  // namespace vpngw::wire::v1
