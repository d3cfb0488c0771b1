#include "engine/udp_socket.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "base/errno_text.h"
#include "engine/sockaddr.h"

namespace vpngw::engine {

namespace {

// Larger buffers absorb bursts (many peers retransmitting at once). SO_*BUFFORCE works only
// with CAP_NET_ADMIN; otherwise the kernel caps at net.core.[rw]mem_max.
void setBufferSize(int fd, int force_opt, int opt, int bytes) {
  if (::setsockopt(fd, SOL_SOCKET, force_opt, &bytes, sizeof bytes) == 0) {
    return;
  }
  (void)::setsockopt(fd, SOL_SOCKET, opt, &bytes, sizeof bytes);
}

}  // namespace

struct UdpSocket::Batch {
  std::array<mmsghdr, kBatch> headers{};
  std::array<iovec, kBatch> iovecs{};
  std::array<sockaddr_in, kBatch> addresses{};
  // Not value-initialised: pages are touched only as datagrams arrive.
  std::unique_ptr<uint8_t[]> buffers =
      std::make_unique_for_overwrite<uint8_t[]>(kBatch * kMaxDatagram);
};

UdpSocket::UdpSocket(UniqueFd fd, Endpoint local)
    : fd_(std::move(fd)), local_(local), batch_(std::make_unique<Batch>()) {}
UdpSocket::UdpSocket(UdpSocket&&) noexcept = default;
UdpSocket& UdpSocket::operator=(UdpSocket&&) noexcept = default;
UdpSocket::~UdpSocket() = default;

Result<UdpSocket> UdpSocket::bind(const Endpoint& local) {
  UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) {
    return makeError("socket: " + errnoText(errno));
  }
  // No SO_REUSEADDR: UDP has no TIME_WAIT to skip, and on Linux it would let a second daemon
  // bind the same address and port and silently take part of the peers' traffic. Binding
  // must fail instead.
  setBufferSize(fd.get(), SO_RCVBUFFORCE, SO_RCVBUF, kBufferBytes);
  setBufferSize(fd.get(), SO_SNDBUFFORCE, SO_SNDBUF, kBufferBytes);
  // IKE messages larger than the path MTU (many proposals, no RFC 7383 fragmentation) must be
  // fragmented by IP rather than refused with EMSGSIZE.
  int pmtu = IP_PMTUDISC_DONT;
  (void)::setsockopt(fd.get(), IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof pmtu);

  sockaddr_in sa = toSockaddr(local);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
    return makeError("cannot bind UDP " + local.toString() + ": " + errnoText(errno));
  }
  socklen_t len = sizeof sa;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&sa), &len) != 0) {
    return makeError("getsockname: " + errnoText(errno));
  }
  return UdpSocket(std::move(fd), fromSockaddr(sa));
}

UdpSocket::ReceiveResult UdpSocket::receive(const Sink& sink, size_t budget) {
  ReceiveResult result;
  Batch& b = *batch_;
  while (result.datagrams + result.truncated < budget) {
    for (size_t i = 0; i < kBatch; ++i) {
      b.iovecs[i] = {b.buffers.get() + i * kMaxDatagram, kMaxDatagram};
      b.headers[i].msg_hdr = msghdr{};
      b.headers[i].msg_hdr.msg_name = &b.addresses[i];
      b.headers[i].msg_hdr.msg_namelen = sizeof(sockaddr_in);
      b.headers[i].msg_hdr.msg_iov = &b.iovecs[i];
      b.headers[i].msg_hdr.msg_iovlen = 1;
      b.headers[i].msg_len = 0;
    }
    int n = ::recvmmsg(fd_.get(), b.headers.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      // EAGAIN: drained. Anything else (e.g. a queued ICMP error) ends this round too; the
      // socket stays registered and is read again when ready.
      break;
    }
    for (int i = 0; i < n; ++i) {
      const msghdr& h = b.headers[static_cast<size_t>(i)].msg_hdr;
      if ((h.msg_flags & MSG_TRUNC) != 0 || h.msg_namelen != sizeof(sockaddr_in)) {
        ++result.truncated;
        continue;
      }
      ++result.datagrams;
      sink(fromSockaddr(b.addresses[static_cast<size_t>(i)]),
           ByteView(b.buffers.get() + static_cast<size_t>(i) * kMaxDatagram,
                    b.headers[static_cast<size_t>(i)].msg_len));
    }
    if (static_cast<size_t>(n) < kBatch) {
      break;  // a short batch means the queue is empty
    }
  }
  return result;
}

Status UdpSocket::sendTo(const Endpoint& remote, ByteView prefix, ByteView data) {
  sockaddr_in sa = toSockaddr(remote);
  std::array<iovec, 2> iov{iovec{const_cast<uint8_t*>(prefix.data()), prefix.size()},
                           iovec{const_cast<uint8_t*>(data.data()), data.size()}};
  msghdr h{};
  h.msg_name = &sa;
  h.msg_namelen = sizeof sa;
  h.msg_iov = iov.data();
  h.msg_iovlen = iov.size();
  while (true) {
    ssize_t sent = ::sendmsg(fd_.get(), &h, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sent >= 0) {
      return {};
    }
    if (errno != EINTR) {
      return makeError("send " + local_.toString() + " -> " + remote.toString() + ": " +
                       errnoText(errno));
    }
  }
}

}  // namespace vpngw::engine
