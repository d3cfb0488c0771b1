#include "dataplane/userspace/netlink_route.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

namespace vpngw::dataplane::userspace {

namespace {

void put16(Bytes& b, size_t at, uint16_t v) { std::memcpy(b.data() + at, &v, 2); }
void put32(Bytes& b, size_t at, uint32_t v) { std::memcpy(b.data() + at, &v, 4); }

// Appends one route attribute (struct rtattr + payload, padded to 4 bytes).
void addAttr(Bytes& b, uint16_t type, const void* data, size_t len) {
  size_t at = b.size();
  b.resize(at + RTA_SPACE(len), 0);
  put16(b, at, static_cast<uint16_t>(RTA_LENGTH(len)));
  put16(b, at + 2, type);
  std::memcpy(b.data() + at + RTA_LENGTH(0), data, len);
}

// IPv4 addresses go on the wire in network byte order.
std::array<uint8_t, 4> addressBytes(Ipv4 a) {
  return {static_cast<uint8_t>(a.value >> 24), static_cast<uint8_t>(a.value >> 16),
          static_cast<uint8_t>(a.value >> 8), static_cast<uint8_t>(a.value)};
}

}  // namespace

Bytes buildRouteMessage(bool add, const RouteSpec& route, uint32_t seq) {
  Bytes b(NLMSG_SPACE(sizeof(rtmsg)), 0);
  uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
  if (add) {
    flags |= NLM_F_CREATE | NLM_F_REPLACE;
  }
  put16(b, offsetof(nlmsghdr, nlmsg_type), add ? RTM_NEWROUTE : RTM_DELROUTE);
  put16(b, offsetof(nlmsghdr, nlmsg_flags), flags);
  put32(b, offsetof(nlmsghdr, nlmsg_seq), seq);
  rtmsg rt{};
  rt.rtm_family = AF_INET;
  rt.rtm_dst_len = route.dst.prefix_len;
  rt.rtm_table = RT_TABLE_MAIN;
  rt.rtm_protocol = RTPROT_STATIC;
  rt.rtm_scope = RT_SCOPE_LINK;  // directly on the tunnel device, no gateway
  rt.rtm_type = RTN_UNICAST;
  std::memcpy(b.data() + NLMSG_HDRLEN, &rt, sizeof rt);
  auto dst = addressBytes(route.dst.address);
  addAttr(b, RTA_DST, dst.data(), dst.size());
  auto oif = static_cast<uint32_t>(route.ifindex);
  addAttr(b, RTA_OIF, &oif, sizeof oif);
  if (route.prefsrc) {
    auto src = addressBytes(*route.prefsrc);
    addAttr(b, RTA_PREFSRC, src.data(), src.size());
  }
  put32(b, offsetof(nlmsghdr, nlmsg_len), static_cast<uint32_t>(b.size()));
  return b;
}

std::optional<int> parseNetlinkAck(ByteView reply, uint32_t seq) {
  if (reply.size() < NLMSG_HDRLEN + sizeof(nlmsgerr)) {
    return std::nullopt;
  }
  nlmsghdr h;
  std::memcpy(&h, reply.data(), sizeof h);
  if (h.nlmsg_type != NLMSG_ERROR || h.nlmsg_seq != seq || h.nlmsg_len > reply.size()) {
    return std::nullopt;
  }
  nlmsgerr e;
  std::memcpy(&e, reply.data() + NLMSG_HDRLEN, sizeof e);
  return -e.error;
}

Result<std::unique_ptr<NetlinkRouteOps>> NetlinkRouteOps::open() {
  UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (!fd) {
    return makeError(std::string("netlink socket: ") + std::strerror(errno));
  }
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
    return makeError(std::string("netlink bind: ") + std::strerror(errno));
  }
  // A receive timeout so a lost answer cannot hang the control thread.
  timeval tv{2, 0};
  (void)::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return std::make_unique<NetlinkRouteOps>(std::move(fd));
}

Status NetlinkRouteOps::add(const RouteSpec& route) { return request(true, route); }
Status NetlinkRouteOps::remove(const RouteSpec& route) { return request(false, route); }

Status NetlinkRouteOps::request(bool add, const RouteSpec& route) {
  const uint32_t seq = seq_++;
  Bytes msg = buildRouteMessage(add, route, seq);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd_.get(), msg.data(), msg.size(), 0, reinterpret_cast<const sockaddr*>(&kernel),
               sizeof kernel) < 0) {
    return makeError(std::string("netlink send: ") + std::strerror(errno));
  }
  std::array<uint8_t, 4096> buf;
  // Skip anything that is not the answer to this request (there should be nothing else).
  for (int tries = 0; tries < 8; ++tries) {
    ssize_t n = ::recv(fd_.get(), buf.data(), buf.size(), 0);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return makeError(std::string("netlink receive: ") + std::strerror(errno));
    }
    if (auto err = parseNetlinkAck(ByteView(buf.data(), static_cast<size_t>(n)), seq)) {
      if (*err == 0) {
        return {};
      }
      return makeError(std::strerror(*err));
    }
  }
  return makeError("netlink: no answer to the route request");
}

}  // namespace vpngw::dataplane::userspace
