#include "dataplane/userspace/userspace_backend.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "base/errno_text.h"
#include "dataplane/userspace/mss_clamp.h"

#ifndef UDP_GRO
#define UDP_GRO 104  // linux/udp.h; older libc headers lack it
#endif

namespace vpngw::dataplane::userspace {

namespace {

constexpr int kSocketBuffer = 8 << 20;

// SO_*BUFFORCE (CAP_NET_ADMIN) passes net.core.[rw]mem_max; the plain option is the fallback.
void setBuffers(int fd) {
  for (auto [force, plain] : {std::pair{SO_RCVBUFFORCE, SO_RCVBUF}, {SO_SNDBUFFORCE, SO_SNDBUF}}) {
    if (::setsockopt(fd, SOL_SOCKET, force, &kSocketBuffer, sizeof kSocketBuffer) != 0) {
      (void)::setsockopt(fd, SOL_SOCKET, plain, &kSocketBuffer, sizeof kSocketBuffer);
    }
  }
}

Result<UniqueFd> rawSocket(int protocol, const char* name) {
  UniqueFd fd(::socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol));
  if (!fd) {
    return makeError(std::string("cannot open a raw ") + name + " socket: " + errnoText());
  }
  // We write the outer IPv4 header ourselves (AH covers it; ESP takes the SA's source).
  int one = 1;
  if (::setsockopt(fd.get(), IPPROTO_IP, IP_HDRINCL, &one, sizeof one) != 0) {
    return makeError(std::string("IP_HDRINCL on the raw ") + name + " socket: " + errnoText());
  }
  setBuffers(fd.get());
  return fd;
}

size_t slotSizeFor(uint32_t mtu) {
  // The inner packet, the outer IPv4 header and the largest ESP or AH overhead, rounded up.
  return (size_t{mtu} + 256 + 63) & ~size_t{63};
}

std::string spiHex(uint32_t spi) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", spi);
  return buf;
}

const char* protocolName(IpsecProtocol p) { return p == IpsecProtocol::Ah ? "AH" : "ESP"; }

}  // namespace

UserspaceBackend::UserspaceBackend(Key, const UserspaceOptions& options, Logger& logger)
    : logger_(logger), options_(options) {}

Result<std::unique_ptr<UserspaceBackend>> UserspaceBackend::create(const UserspaceOptions& options,
                                                                   Logger& logger) {
  if (options.mtu < 576 || options.mtu > 9000) {
    return makeError("tunnel MTU " + std::to_string(options.mtu) + " is outside 576..9000");
  }
  auto b = std::make_unique<UserspaceBackend>(Key{}, options, logger);
  size_t workers = options.workers;
  if (workers == 0) {
    workers = std::max(1u, std::thread::hardware_concurrency());
  }
  b->options_.workers = workers;

  TunOptions tun_options;
  tun_options.name = options.tun_name;
  tun_options.queues = workers;
  tun_options.mtu = options.mtu;
  tun_options.offload = options.offload;
  auto tun = TunDevice::create(tun_options);
  if (!tun) {
    return tun.error();
  }
  b->tun_.emplace(std::move(*tun));

  auto esp = rawSocket(IPPROTO_ESP, "ESP");
  if (!esp) {
    return esp.error();
  }
  b->raw_esp_ = std::move(*esp);
  auto ah = rawSocket(IPPROTO_AH, "AH");
  if (!ah) {
    return ah.error();
  }
  b->raw_ah_ = std::move(*ah);

  auto ike = IkeQueue::create();
  if (!ike) {
    return ike.error();
  }
  b->ike_ = std::move(*ike);
  auto acquires = AcquireQueue::create();
  if (!acquires) {
    return acquires.error();
  }
  b->acquires_ = std::move(*acquires);

  auto netlink = NetlinkRouteOps::open();
  if (!netlink) {
    return netlink.error();
  }
  b->route_ops_ = std::move(*netlink);
  b->routes_ = std::make_unique<RouteManager>(*b->route_ops_, b->tun_->ifindex(), logger);

  for (size_t i = 0; i < workers; ++i) {
    WorkerConfig c;
    c.index = i;
    c.tun_fd = b->tun_->fd(i);
    c.vnet_hdr = b->tun_->offload();
    c.mss = mssForMtu(options.mtu);
    c.raw_esp_fd = b->raw_esp_.get();
    c.raw_ah_fd = b->raw_ah_.get();
    c.slot_size = slotSizeFor(options.mtu);
    c.udp_gso = options.offload;
    c.keepalives = i == 0;
    c.acquires = b->acquires_.get();
    b->workers_.push_back(std::make_unique<Worker>(c, b->holder_, *b->ike_, logger));
    if (Status s = b->workers_.back()->start(); !s) {
      return s.error();
    }
  }
  // Receiving sockets are spread over the workers, each read by exactly one: raw ESP on the
  // first, AH on the last, port-4500 sockets from the second on (adoptNattSocket()).
  std::lock_guard lock(b->mu_);
  if (Status s = b->addSource(Source::Kind::RawEsp, b->raw_esp_.get(), {}, 0); !s) {
    return s.error();
  }
  if (Status s = b->addSource(Source::Kind::RawAh, b->raw_ah_.get(), {}, workers - 1); !s) {
    return s.error();
  }
  return b;
}

UserspaceBackend::~UserspaceBackend() {
  for (auto& w : workers_) {
    w->stop();
  }
  routes_.reset();  // removes the routes while the TUN device still exists
}

Status UserspaceBackend::addSource(Source::Kind kind, int fd, const Endpoint& local,
                                   size_t worker) {
  auto s = std::make_unique<Source>(Source{kind, fd, local});
  if (Status st = workers_[worker % workers_.size()]->watch(s.get()); !st) {
    return st;
  }
  sources_.push_back(std::move(s));
  return {};
}

std::string UserspaceBackend::describe() const {
  return "TUN " + tun_->name() + " (MTU " + std::to_string(tun_->mtu()) + ", " +
         std::to_string(workers_.size()) + " workers, offloads " +
         (tun_->offload() ? "on" : "off") + ")";
}

void UserspaceBackend::publishLocked() {
  holder_.publish(
      std::make_shared<const Tables>(++version_, sas_, natt_, traps_.traps(), retired_));
  // Idle workers look at the new tables at once, so a removed SA's keys go promptly.
  for (auto& w : workers_) {
    w->wake();
  }
}

std::shared_ptr<SaState> UserspaceBackend::findLocked(uint32_t spi_in) const {
  auto it = std::find_if(sas_.begin(), sas_.end(),
                         [spi_in](const auto& s) { return s->spiIn() == spi_in; });
  return it == sas_.end() ? nullptr : *it;
}

void UserspaceBackend::install(const ChildSa& sa) {
  auto state = SaState::create(sa, workers_.size());
  if (!state) {
    logger_.error("dataplane", "tunnel " + sa.tunnel +
                                   ": cannot install the CHILD SA: " + state.error().message);
    return;
  }
  std::lock_guard lock(mu_);
  if (findLocked(sa.in.spi)) {
    removeLocked(sa.in.spi);
  }
  std::shared_ptr<SaState> s = std::move(*state);
  sas_.push_back(s);
  publishLocked();
  routes_->acquire(s->routes(), s->routeSource());
  const std::string peer =
      sa.udp_encap ? sa.remote.toString() + " (ESP-in-UDP)" : sa.remote.address.toString();
  logger_.info(
      "dataplane",
      "tunnel " + sa.tunnel + ": " + protocolName(sa.protocol) + " SA " + spiHex(s->spiIn()) + " " +
          sa.local.address.toString() + " <-> " + peer + " installed (replay window " +
          (sa.replay_window == 0 ? std::string("off") : std::to_string(sa.replay_window)) + ")");
}

void UserspaceBackend::removeLocked(uint32_t spi_in) {
  auto spi_is = [spi_in](const auto& s) { return s->spiIn() == spi_in; };
  if (auto r = std::find_if(retired_.begin(), retired_.end(), spi_is); r != retired_.end()) {
    std::shared_ptr<SaState> s = *r;
    retired_.erase(r);
    publishLocked();  // its routes went when it retired
    SaCounters c = s->counters(0, 0);
    logger_.info("dataplane", "tunnel " + s->tunnel() + ": retired SA " + spiHex(spi_in) +
                                  " removed (" + std::to_string(c.packets_in) + " packets in, " +
                                  std::to_string(c.packets_out) + " out)");
    return;
  }
  auto it = std::find_if(sas_.begin(), sas_.end(), spi_is);
  if (it == sas_.end()) {
    return;
  }
  std::shared_ptr<SaState> s = *it;
  sas_.erase(it);
  promoteSuccessors(sas_, *s);
  publishLocked();
  routes_->release(s->routes());
  SaCounters c = s->counters(0, 0);
  logger_.info("dataplane", "tunnel " + s->tunnel() + ": SA " + spiHex(spi_in) + " removed (" +
                                std::to_string(c.packets_in) + " packets in, " +
                                std::to_string(c.packets_out) + " out)");
}

void UserspaceBackend::remove(uint32_t spi_in) {
  std::lock_guard lock(mu_);
  removeLocked(spi_in);
}

void UserspaceBackend::retire(uint32_t spi_in) {
  std::lock_guard lock(mu_);
  auto it = std::find_if(sas_.begin(), sas_.end(),
                         [spi_in](const auto& s) { return s->spiIn() == spi_in; });
  if (it == sas_.end()) {
    return;
  }
  std::shared_ptr<SaState> s = *it;
  sas_.erase(it);
  retired_.push_back(s);
  promoteSuccessors(sas_, *s);
  publishLocked();
  routes_->release(s->routes());  // held by its successor as well
  logger_.info("dataplane", "tunnel " + s->tunnel() + ": SA " + spiHex(spi_in) +
                                " retired (inbound only until removed)");
}

SaCounters UserspaceBackend::counters(uint32_t spi_in) const {
  std::lock_guard lock(mu_);
  std::shared_ptr<SaState> s = findLocked(spi_in);
  if (!s) {
    return {};
  }
  auto unix_now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  return s->counters(monotonicMs(), unix_now);
}

void UserspaceBackend::peerMoved(uint32_t spi_in, const Endpoint& remote) {
  std::lock_guard lock(mu_);
  if (std::shared_ptr<SaState> s = findLocked(spi_in)) {
    const Endpoint before = s->remote();
    s->setRemote(remote);
    logger_.info("dataplane", "tunnel " + s->tunnel() + ": SA " + spiHex(spi_in) + " peer moved " +
                                  before.toString() + " -> " + remote.toString());
  }
}

std::optional<TimePoint> UserspaceBackend::lastInbound(uint32_t spi_in) const {
  std::lock_guard lock(mu_);
  std::shared_ptr<SaState> s = findLocked(spi_in);
  if (!s || s->lastInMs() == 0) {
    return std::nullopt;
  }
  return TimePoint(Duration(s->lastInMs()));
}

DataplaneCounters UserspaceBackend::dataplaneCounters() const {
  std::vector<const CounterSet*> sets;
  for (const auto& w : workers_) {
    sets.push_back(&w->counters());
  }
  return summarize(sets);
}

void UserspaceBackend::setTraps(std::vector<Trap> traps) {
  std::lock_guard lock(mu_);
  if (!traps_.replace(std::move(traps), *routes_)) {
    return;
  }
  publishLocked();
  logger_.debug("dataplane",
                std::to_string(traps_.traps().size()) + " tunnels trapped (negotiated on traffic)");
}

bool UserspaceBackend::adoptNattSocket(int fd, const Endpoint& local) {
  // Our own descriptor for the same socket: the daemon may close its copy whenever it likes.
  UniqueFd dup(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
  if (!dup) {
    logger_.warn("dataplane", "cannot take over " + local.toString() + ": " + errnoText());
    return false;
  }
  // UDP GRO: a train of ESP-in-UDP datagrams from one peer arrives in one receive (RFC 3948
  // datagrams of equal size); the sender side batches them with UDP GSO.
  if (options_.offload) {
    int one = 1;
    (void)::setsockopt(dup.get(), SOL_UDP, UDP_GRO, &one, sizeof one);
  }
  setBuffers(dup.get());
  std::lock_guard lock(mu_);
  const size_t worker = 1 + natt_.size();
  if (Status s = addSource(Source::Kind::Udp, dup.get(), local, worker); !s) {
    logger_.warn("dataplane", "cannot watch " + local.toString() + ": " + s.error().message);
    return false;
  }
  natt_.push_back({dup.get(), local});
  natt_fds_.push_back(std::move(dup));
  publishLocked();
  return true;
}

}  // namespace vpngw::dataplane::userspace
