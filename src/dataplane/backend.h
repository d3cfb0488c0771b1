#pragma once
// The data-plane seam: the runtime installs and removes CHILD SAs here. RecordingBackend only
// records them (engine tests, `serve --dataplane record`); the userspace ESP data plane
// (dataplane/userspace/userspace_backend.h) carries their traffic.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/ip.h"
#include "base/time.h"
#include "base/unique_fd.h"
#include "dataplane/child_sa.h"

namespace vpngw::dataplane {

// A datagram that arrived on a port-4500 socket the data plane reads (adoptNattSocket()) and
// that is not ESP: the control plane's, unchanged (IKE behind the non-ESP marker).
struct IkeDatagram {
  Endpoint local;
  Endpoint remote;
  Bytes data;
};

// A tunnel that must attract its traffic while it has no SA (dead peer detection action
// `hold`, strongSwan's "trap" policies): its routes stay installed, and an outbound packet that
// matches its selectors but no SA is dropped and makes the data plane ask the control plane to
// negotiate the tunnel (an "acquire", as the kernel's XFRM ACQUIRE).
struct Trap {
  std::string tunnel;
  std::vector<Ipv4Range> local;   // sources; empty: any (route mode)
  std::vector<Ipv4Range> remote;  // destinations
  std::vector<Subnet> routes;     // routed into the data plane while the trap exists
  std::optional<Ipv4> route_source;
  bool operator==(const Trap&) const = default;
};

// Data-plane-wide counters (drops by reason, batching) as name/value pairs in a stable order.
using DataplaneCounters = std::vector<std::pair<std::string, uint64_t>>;

class Backend {
 public:
  virtual ~Backend() = default;
  virtual void install(const ChildSa& sa) = 0;
  // Removes the SA whose inbound SPI is spi_in (and its outbound half).
  virtual void remove(uint32_t spi_in) = 0;
  // The SA whose inbound SPI is spi_in was replaced by a rekey: it sends no more (its successor
  // does) but still decrypts what arrives until remove(spi_in), because the peer may keep
  // sending on it until its own Delete exchange ends (strongSwan's libipsec does).
  virtual void retire(uint32_t spi_in) { remove(spi_in); }
  virtual SaCounters counters(uint32_t spi_in) const = 0;
  // The peer of the SA whose inbound SPI is spi_in now sends from remote (a NAT mapping
  // changed, RFC 7296 §2.23): its outbound packets go there from now on, keys and sequence
  // numbers unchanged.
  virtual void peerMoved(uint32_t spi_in, const Endpoint& remote) {
    (void)spi_in;
    (void)remote;
  }

  // When the SA whose inbound SPI is spi_in last received a valid packet (monotonic clock);
  // nullopt: never, an unknown SA, or a backend that carries no traffic.
  virtual std::optional<TimePoint> lastInbound(uint32_t spi_in) const {
    (void)spi_in;
    return std::nullopt;
  }
  // Empty for a backend that carries no traffic.
  virtual DataplaneCounters dataplaneCounters() const { return {}; }

  // Port 4500 carries IKE and ESP-in-UDP on one socket (RFC 3948 §2.2). A backend that returns
  // true reads the socket fd (bound to local) itself from now on, through its own duplicate
  // of the descriptor: the caller stops reading it (it may still send IKE on it) and collects
  // every datagram that is not ESP from takeIke() when ikeReadyFd() is readable.
  virtual bool adoptNattSocket(int fd, const Endpoint& local) {
    (void)fd;
    (void)local;
    return false;
  }
  // -1 for a backend that never adopts sockets.
  virtual int ikeReadyFd() const { return -1; }
  virtual void takeIke(std::vector<IkeDatagram>& out) { (void)out; }

  // Replaces the whole set of traps (the daemon calls it on every configuration change).
  virtual void setTraps(std::vector<Trap> traps) { (void)traps; }
  // Readable while acquires are pending (-1: a backend that never raises them); takeAcquires()
  // appends the tunnels that want negotiating, each once, and clears the set.
  virtual int acquireReadyFd() const { return -1; }
  virtual void takeAcquires(std::vector<std::string>& tunnels) { (void)tunnels; }
};
using BackendPtr = std::unique_ptr<Backend>;

// Records installed SAs; used by engine tests and by `serve --dataplane record`.
class RecordingBackend final : public Backend {
 public:
  RecordingBackend();
  void install(const ChildSa& sa) override;
  void remove(uint32_t spi_in) override;
  SaCounters counters(uint32_t spi_in) const override;
  void peerMoved(uint32_t spi_in, const Endpoint& remote) override;

  size_t size() const;
  // The recorded SA (after any peerMoved()); nullopt when none has spi_in.
  std::optional<ChildSa> find(uint32_t spi_in) const;
  bool has(uint32_t spi_in) const;
  std::vector<uint32_t> inboundSpis() const;
  uint64_t installs() const { return installs_; }
  uint64_t removals() const { return removals_; }

  // Traps are recorded; a test raises an acquire as traffic would (simulateAcquire).
  void setTraps(std::vector<Trap> traps) override;
  std::vector<Trap> traps() const;
  int acquireReadyFd() const override;
  void takeAcquires(std::vector<std::string>& tunnels) override;
  void simulateAcquire(const std::string& tunnel);

 private:
  mutable std::mutex mu_;
  std::vector<Trap> traps_;
  std::vector<std::string> acquires_;
  UniqueFd acquire_fd_;  // eventfd: readable while acquires_ is not empty
  std::map<uint32_t, ChildSa> sas_;
  uint64_t installs_ = 0;
  uint64_t removals_ = 0;
};

}  // namespace vpngw::dataplane
