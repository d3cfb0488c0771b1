#pragma once
// The userspace ESP data plane (the kernel here has no ESP): CHILD SAs installed by the
// engine carry traffic between a TUN device and the public side.
//
//   inner side: TUN device (multi-queue, virtio-net header, TSO/checksum offloads), routes to
//               each SA's remote subnets via rtnetlink with the gateway's LAN address as
//               preferred source
//   public side: ESP-in-UDP on the daemon's port-4500 sockets (adopted: a worker reads them
//                with UDP GRO and hands IKE back), raw IP protocol 50 (ESP) and 51 (AH)
//   workers:     one per core, each with its own epoll loop, TUN queue and transforms
//
// install()/remove() run on the control thread: they rebuild the immutable lookup tables
// (SAD by SPI, SPD by selectors) and publish them; workers switch snapshots between batches.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/log.h"
#include "base/result.h"
#include "base/unique_fd.h"
#include "dataplane/backend.h"
#include "dataplane/userspace/acquire_queue.h"
#include "dataplane/userspace/ike_queue.h"
#include "dataplane/userspace/netlink_route.h"
#include "dataplane/userspace/route_manager.h"
#include "dataplane/userspace/tables.h"
#include "dataplane/userspace/trap_set.h"
#include "dataplane/userspace/tun_device.h"
#include "dataplane/userspace/worker.h"

namespace vpngw::dataplane::userspace {

// The default tunnel MTU. A 1400-byte inner packet becomes at most 1492 bytes on the public
// path with any algorithm we offer (the worst: AES-CBC + HMAC-SHA2-512 in UDP, 20 + 8 + 8 +
// IV 16 + 1408 padded + ICV 32), so it fits a 1500-byte path unfragmented.
constexpr uint32_t kDefaultMtu = 1400;

struct UserspaceOptions {
  std::string tun_name = "vpngw0";
  uint32_t mtu = kDefaultMtu;  // of the TUN device; the TCP MSS clamp follows it
  size_t workers = 0;          // 0: one per CPU
  bool offload = true;         // TUN offloads, UDP GSO and GRO (off: for measurements)
};

class UserspaceBackend final : public Backend {
  struct Key {
    explicit Key() = default;
  };

 public:
  // Creates the TUN device, the raw sockets and the workers. Needs CAP_NET_ADMIN and
  // CAP_NET_RAW; the error says what failed.
  static Result<std::unique_ptr<UserspaceBackend>> create(const UserspaceOptions& options,
                                                          Logger& logger);
  UserspaceBackend(Key, const UserspaceOptions& options, Logger& logger);
  // Stops the workers, removes the routes, closes the sockets and the TUN device.
  ~UserspaceBackend() override;
  UserspaceBackend(const UserspaceBackend&) = delete;
  UserspaceBackend& operator=(const UserspaceBackend&) = delete;

  void install(const ChildSa& sa) override;
  void remove(uint32_t spi_in) override;
  void retire(uint32_t spi_in) override;
  SaCounters counters(uint32_t spi_in) const override;
  void peerMoved(uint32_t spi_in, const Endpoint& remote) override;
  std::optional<TimePoint> lastInbound(uint32_t spi_in) const override;
  DataplaneCounters dataplaneCounters() const override;
  bool adoptNattSocket(int fd, const Endpoint& local) override;
  int ikeReadyFd() const override { return ike_->fd(); }
  void takeIke(std::vector<IkeDatagram>& out) override { ike_->take(out); }
  void setTraps(std::vector<Trap> traps) override;
  int acquireReadyFd() const override { return acquires_->fd(); }
  void takeAcquires(std::vector<std::string>& tunnels) override { acquires_->take(tunnels); }

  // "TUN vpngw0 (MTU 1400, 2 workers, offloads on)"
  std::string describe() const;

 private:
  std::shared_ptr<SaState> findLocked(uint32_t spi_in) const;
  void removeLocked(uint32_t spi_in);
  void publishLocked();
  Status addSource(Source::Kind kind, int fd, const Endpoint& local, size_t worker);

  Logger& logger_;
  UserspaceOptions options_;
  std::optional<TunDevice> tun_;
  UniqueFd raw_esp_;
  UniqueFd raw_ah_;
  std::unique_ptr<IkeQueue> ike_;
  std::unique_ptr<AcquireQueue> acquires_;
  std::unique_ptr<RouteOps> route_ops_;
  std::unique_ptr<RouteManager> routes_;
  TableHolder holder_;

  mutable std::mutex mu_;  // the control-side state below (install/remove/adopt/status)
  std::vector<std::shared_ptr<SaState>> sas_;      // installation order
  std::vector<std::shared_ptr<SaState>> retired_;  // inbound only, until remove()
  TrapSet traps_;                                  // their routes are held in routes_
  std::vector<NattSocket> natt_;
  std::vector<UniqueFd> natt_fds_;  // our duplicates of the daemon's port-4500 sockets
  std::vector<std::unique_ptr<Source>> sources_;
  uint64_t version_ = 0;
  std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace vpngw::dataplane::userspace
