#pragma once
// The data plane's lookup tables as one immutable snapshot: the SAD (inbound SPI -> SA), the
// SPD (outbound selectors -> SA) and the port-4500 sockets to send ESP-in-UDP from. install()
// and remove() build a new snapshot and publish it; workers pick it up between batches (an
// atomic version check) and never lock on the per-packet lookups.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "base/ip.h"
#include "dataplane/backend.h"
#include "dataplane/userspace/sa_state.h"
#include "dataplane/userspace/spd.h"

namespace vpngw::dataplane::userspace {

struct NattSocket {
  int fd = -1;  // owned by the backend
  Endpoint local;
};

class Tables {
 public:
  // sas in installation order (later ones win equal outbound matches); traps catch outbound
  // packets no SA matches; retired SAs (replaced by a rekey) are found by inbound SPI only.
  Tables(uint64_t version, std::vector<std::shared_ptr<SaState>> sas, std::vector<NattSocket> natt,
         std::vector<Trap> traps = {}, std::vector<std::shared_ptr<SaState>> retired = {});

  uint64_t version() const { return version_; }
  const std::vector<std::shared_ptr<SaState>>& sas() const { return sas_; }
  const std::vector<NattSocket>& nattSockets() const { return natt_; }

  SaState* inbound(uint32_t spi) const {
    auto it = by_spi_.find(spi);
    return it == by_spi_.end() ? nullptr : it->second;
  }
  SaState* outbound(Ipv4 src, Ipv4 dst) const {
    auto i = spd_.lookup(src, dst);
    return i ? sas_[*i].get() : nullptr;
  }
  // The tunnel whose trap matches (call only when outbound() found no SA), or nullptr.
  const std::string* trapped(Ipv4 src, Ipv4 dst) const {
    auto i = trap_spd_.lookup(src, dst);
    return i ? &traps_[*i].tunnel : nullptr;
  }
  // The port-4500 socket on this local address; -1 when there is none.
  int nattFd(Ipv4 local) const;

 private:
  void addPolicy(size_t i);

  uint64_t version_;
  std::vector<std::shared_ptr<SaState>> sas_;
  std::vector<std::shared_ptr<SaState>> retired_;
  std::vector<NattSocket> natt_;
  std::unordered_map<uint32_t, SaState*> by_spi_;
  Spd spd_;
  std::vector<Trap> traps_;
  Spd trap_spd_;
};

// `gone` left the outbound path (removed or retired): the SAs that waited for it (same tunnel,
// same selectors, outbound_after_peer) become ordinary SAs.
void promoteSuccessors(const std::vector<std::shared_ptr<SaState>>& sas, const SaState& gone);

// The published snapshot: one writer (the control thread), many readers. Readers compare an
// atomic version with their snapshot's once per batch and take the (briefly locked) pointer
// only when it changed, i.e. after an install or remove: the packet path never locks.
// (std::atomic<std::shared_ptr> would do too, but libstdc++ 12 implements it with a lock bit
// that ThreadSanitizer cannot see.)
class TableHolder {
 public:
  TableHolder();
  uint64_t version() const { return version_.load(std::memory_order_acquire); }
  std::shared_ptr<const Tables> load() const {
    std::lock_guard lock(mu_);
    return current_;
  }
  void publish(std::shared_ptr<const Tables> t) {
    const uint64_t v = t->version();
    {
      std::lock_guard lock(mu_);
      current_ = std::move(t);
    }
    version_.store(v, std::memory_order_release);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const Tables> current_;
  std::atomic<uint64_t> version_{0};
};

}  // namespace vpngw::dataplane::userspace
