#pragma once
// Conversions between Endpoint and the BSD socket address of IPv4.
#include <netinet/in.h>

#include "base/ip.h"

namespace vpngw::engine {

inline sockaddr_in toSockaddr(const Endpoint& e) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(e.port);
  sa.sin_addr.s_addr = htonl(e.address.value);
  return sa;
}

inline Endpoint fromSockaddr(const sockaddr_in& sa) {
  return {Ipv4{ntohl(sa.sin_addr.s_addr)}, ntohs(sa.sin_port)};
}

}  // namespace vpngw::engine
