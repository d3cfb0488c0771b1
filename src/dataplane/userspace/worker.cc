#include "dataplane/userspace/worker.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <vector>

#include "base/errno_text.h"

#ifndef UDP_GRO
#define UDP_GRO 104  // linux/udp.h; older libc headers lack it
#endif

namespace vpngw::dataplane::userspace {

namespace {

constexpr size_t kRecvMessages = 32;
constexpr size_t kRecvBuffer = 65536;  // a whole UDP GRO train or a reassembled datagram
constexpr size_t kTunBuffer = kVnetHdrSize + 65536;
constexpr size_t kTxSlots = 256;
constexpr size_t kTxFlushAt = 32;
constexpr int kTunReadsPerEvent = 64;  // then the sockets get their turn
constexpr int kRecvRoundsPerEvent = 8;
constexpr int64_t kKeepaliveCheckMs = 1000;
constexpr int64_t kKeepaliveIdleMs = 20000;  // RFC 3948 §4: default 20 s
constexpr int kMaxEvents = 16;

Endpoint fromSockaddr(const sockaddr_in& sa) {
  return {Ipv4{ntohl(sa.sin_addr.s_addr)}, ntohs(sa.sin_port)};
}

}  // namespace

struct Worker::RecvBatch {
  std::array<mmsghdr, kRecvMessages> msgs{};
  std::array<iovec, kRecvMessages> iovs{};
  std::array<sockaddr_in, kRecvMessages> addrs{};
  std::array<std::array<uint8_t, CMSG_SPACE(sizeof(int))>, kRecvMessages> control{};
  // Not value-initialised: pages are touched only as packets arrive.
  std::unique_ptr<uint8_t[]> buffers =
      std::make_unique_for_overwrite<uint8_t[]>(kRecvMessages * kRecvBuffer);

  void prepare(bool with_control) {
    for (size_t i = 0; i < kRecvMessages; ++i) {
      iovs[i] = {buffers.get() + i * kRecvBuffer, kRecvBuffer};
      msghdr& h = msgs[i].msg_hdr;
      h = msghdr{};
      h.msg_name = &addrs[i];
      h.msg_namelen = sizeof(sockaddr_in);
      h.msg_iov = &iovs[i];
      h.msg_iovlen = 1;
      if (with_control) {
        h.msg_control = control[i].data();
        h.msg_controllen = control[i].size();
      }
      msgs[i].msg_len = 0;
    }
  }
  std::span<uint8_t> data(size_t i) { return {buffers.get() + i * kRecvBuffer, msgs[i].msg_len}; }
};

Worker::Worker(WorkerConfig config, TableHolder& tables, IkeQueue& ike, Logger& logger)
    : config_(config),
      holder_(tables),
      ike_(ike),
      logger_(logger),
      tables_(tables.load()),
      tun_buffer_(std::make_unique_for_overwrite<uint8_t[]>(kTunBuffer)),
      recv_(std::make_unique<RecvBatch>()),
      tx_(counters_, kTxSlots, config.slot_size, config.udp_gso),
      coalescer_(*this, kRecvMessages * 64, config.vnet_hdr) {
  ctx_.worker = config.index;
  ctx_.counters = &counters_;
  ctx_.vnet_hdr = config.vnet_hdr;
  ctx_.mss = config.mss;
  ctx_.raw_esp_fd = config.raw_esp_fd;
  ctx_.raw_ah_fd = config.raw_ah_fd;
  ctx_.ip_id = static_cast<uint16_t>(1 + config.index * 0x4000);
  ctx_.acquires = config.acquires;
}

Worker::~Worker() { stop(); }

Status Worker::start() {
  epoll_ = UniqueFd(::epoll_create1(EPOLL_CLOEXEC));
  wake_fd_ = UniqueFd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!epoll_ || !wake_fd_) {
    return makeError("data-plane worker: " + errnoText());
  }
  wake_source_ = {Source::Kind::Wake, wake_fd_.get(), {}};
  tun_source_ = {Source::Kind::Tun, config_.tun_fd, {}};
  if (Status s = watch(&wake_source_); !s) {
    return s;
  }
  if (Status s = watch(&tun_source_); !s) {
    return s;
  }
  // Signals belong to the daemon's signalfd: a worker (started before the daemon blocks them)
  // would otherwise take SIGTERM with its default action and end the process without the
  // orderly shutdown (Delete to the peers, routes removed). The thread inherits this mask.
  sigset_t all;
  sigset_t before;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &before);
  thread_ = std::thread([this] { run(); });
  pthread_sigmask(SIG_SETMASK, &before, nullptr);
  return {};
}

Status Worker::watch(const Source* source) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = const_cast<Source*>(source);
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, source->fd, &ev) != 0) {
    return makeError("epoll_ctl: " + errnoText());
  }
  return {};
}

void Worker::wake() {
  if (wake_fd_) {
    uint64_t one = 1;
    (void)!::write(wake_fd_.get(), &one, sizeof one);
  }
}

void Worker::stop() {
  stop_.store(true, std::memory_order_release);
  wake();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void Worker::run() {
  std::array<epoll_event, kMaxEvents> events;
  while (!stop_.load(std::memory_order_acquire)) {
    const int timeout = config_.keepalives ? static_cast<int>(kKeepaliveCheckMs) : -1;
    int n = ::epoll_wait(epoll_.get(), events.data(), kMaxEvents, timeout);
    if (n < 0 && errno != EINTR) {
      logger_.error("dataplane", "epoll_wait: " + errnoText());
      return;
    }
    // A new snapshot after install/remove: one acquire load per round when nothing changed.
    if (holder_.version() != tables_->version()) {
      tables_ = holder_.load();
    }
    ctx_.now_ms = monotonicMs();
    for (int i = 0; i < n; ++i) {
      const auto* s = static_cast<const Source*>(events[static_cast<size_t>(i)].data.ptr);
      switch (s->kind) {
        case Source::Kind::Tun:
          onTun();
          break;
        case Source::Kind::Udp:
          onUdp(*s);
          break;
        case Source::Kind::RawEsp:
        case Source::Kind::RawAh:
          onRaw(*s);
          break;
        case Source::Kind::Wake: {
          uint64_t count = 0;
          (void)!::read(wake_fd_.get(), &count, sizeof count);
          break;
        }
      }
    }
    if (config_.keepalives && ctx_.now_ms - last_keepalive_check_ >= kKeepaliveCheckMs) {
      last_keepalive_check_ = ctx_.now_ms;
      keepalives();
    }
  }
  // Drop our snapshot so removed SAs (and their keys) can go.
  tables_.reset();
}

void Worker::onTun() {
  for (int i = 0; i < kTunReadsPerEvent; ++i) {
    ssize_t n = ::read(config_.tun_fd, tun_buffer_.get(), kTunBuffer);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;  // EAGAIN: drained
    }
    processOutbound(*tables_, ctx_, {tun_buffer_.get(), static_cast<size_t>(n)}, tx_);
    // Sequence numbers are taken when a packet is encrypted and sent at the flush: a short
    // batch keeps what another worker sends on the same SA meanwhile within a small peer
    // replay window (32 packets in many implementations).
    if (tx_.pending() >= kTxFlushAt) {
      tx_.flush();
    }
  }
  tx_.flush();
}

void Worker::onUdp(const Source& s) {
  RecvBatch& b = *recv_;
  for (int round = 0; round < kRecvRoundsPerEvent; ++round) {
    b.prepare(true);
    int n = ::recvmmsg(s.fd, b.msgs.data(), kRecvMessages, MSG_DONTWAIT, nullptr);
    if (n <= 0) {
      break;
    }
    counters_.add(Counter::kRecvCalls);
    for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
      msghdr& h = b.msgs[i].msg_hdr;
      if ((h.msg_flags & MSG_TRUNC) != 0) {
        counters_.add(esp::PacketError::kTooShort);
        continue;
      }
      // UDP GRO: several datagrams of one flow back to back, each gso_size long (the last
      // may be shorter).
      size_t segment = 0;
      for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
        if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
          int gso = 0;
          std::memcpy(&gso, CMSG_DATA(c), sizeof gso);
          segment = gso > 0 ? static_cast<size_t>(gso) : 0;
        }
      }
      std::span<uint8_t> data = b.data(i);
      if (segment == 0 || segment >= data.size()) {
        segment = data.size();
      } else {
        counters_.add(Counter::kUdpGroReceives);
      }
      const Endpoint remote = fromSockaddr(b.addrs[i]);
      for (size_t off = 0; off < data.size(); off += segment) {
        std::span<uint8_t> d = data.subspan(off, std::min(segment, data.size() - off));
        switch (classifyNatt(d)) {
          case NattKind::Esp:
            processInboundEsp(*tables_, ctx_, d, coalescer_, &remote);
            break;
          case NattKind::Ike:
            if (ike_.push({s.local, remote, Bytes(d.begin(), d.end())})) {
              counters_.add(Counter::kIkeForwarded);
            } else {
              counters_.add(Counter::kDroppedIkeQueueFull);
            }
            break;
          case NattKind::Keepalive:
            counters_.add(Counter::kKeepalivesReceived);
            break;
          case NattKind::Short:
            counters_.add(Counter::kDroppedShortDatagram);
            break;
        }
      }
    }
    coalescer_.flush();  // before the buffers are reused
    if (static_cast<size_t>(n) < kRecvMessages) {
      break;
    }
  }
}

void Worker::onRaw(const Source& s) {
  RecvBatch& b = *recv_;
  for (int round = 0; round < kRecvRoundsPerEvent; ++round) {
    b.prepare(false);
    int n = ::recvmmsg(s.fd, b.msgs.data(), kRecvMessages, MSG_DONTWAIT, nullptr);
    if (n <= 0) {
      break;
    }
    counters_.add(Counter::kRecvCalls);
    for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
      if ((b.msgs[i].msg_hdr.msg_flags & MSG_TRUNC) != 0) {
        counters_.add(esp::PacketError::kTooShort);
        continue;
      }
      if (s.kind == Source::Kind::RawEsp) {
        processInboundRawEsp(*tables_, ctx_, b.data(i), coalescer_);
      } else {
        processInboundAh(*tables_, ctx_, b.data(i), coalescer_);
      }
    }
    coalescer_.flush();
    if (static_cast<size_t>(n) < kRecvMessages) {
      break;
    }
  }
}

void Worker::writePacket(std::span<const iovec> iov, bool coalesced) {
  // Without the virtio-net header the device takes the bare packet.
  std::span<const iovec> v = config_.vnet_hdr ? iov : iov.subspan(1);
  while (true) {
    ssize_t n = ::writev(config_.tun_fd, v.data(), static_cast<int>(v.size()));
    if (n >= 0) {
      counters_.add(Counter::kTunWrites);
      if (coalesced) {
        counters_.add(Counter::kTunCoalesced);
      }
      return;
    }
    if (errno != EINTR) {
      counters_.add(Counter::kDroppedTunWriteFailed);
      return;
    }
  }
}

void Worker::keepalives() {
  // RFC 3948 §2.3: one 0xFF octet from our port 4500 to the peer's when no other packet went
  // that way for 20 s, so NAT bindings on the path stay open. One per peer and round.
  static constexpr uint8_t kKeepalive = 0xff;
  std::vector<std::pair<int, Endpoint>> sent;
  for (const std::shared_ptr<SaState>& sa : tables_->sas()) {
    if (!sa->udpEncap()) {
      continue;
    }
    const int64_t last = std::max(sa->lastOutMs(), sa->lastKeepaliveMs().load());
    if (ctx_.now_ms - last < kKeepaliveIdleMs) {
      continue;
    }
    const int fd = tables_->nattFd(sa->local().address);
    if (fd < 0) {
      continue;
    }
    sa->lastKeepaliveMs().store(ctx_.now_ms);
    std::pair<int, Endpoint> key{fd, sa->remote()};
    if (std::find(sent.begin(), sent.end(), key) != sent.end()) {
      continue;
    }
    sent.push_back(key);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(sa->remote().port);
    to.sin_addr.s_addr = htonl(sa->remote().address.value);
    if (::sendto(fd, &kKeepalive, 1, MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&to),
                 sizeof to) == 1) {
      counters_.add(Counter::kKeepalivesSent);
    } else {
      counters_.add(Counter::kDroppedSendFailed);
    }
  }
}

}  // namespace vpngw::dataplane::userspace
