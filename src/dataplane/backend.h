#pragma once
// The data-plane seam: the runtime installs and removes CHILD SAs here. The first
// implementation only records them; the userspace ESP data plane implements the same interface.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "dataplane/child_sa.h"

namespace vpngw::dataplane {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual void install(const ChildSa& sa) = 0;
  // Removes the SA whose inbound SPI is spi_in (and its outbound half).
  virtual void remove(uint32_t spi_in) = 0;
  virtual SaCounters counters(uint32_t spi_in) const = 0;
};
using BackendPtr = std::unique_ptr<Backend>;

// Records installed SAs; used by engine tests and by `serve --dataplane record`.
class RecordingBackend final : public Backend {
 public:
  void install(const ChildSa& sa) override;
  void remove(uint32_t spi_in) override;
  SaCounters counters(uint32_t spi_in) const override;

  size_t size() const;
  bool has(uint32_t spi_in) const;
  std::vector<uint32_t> inboundSpis() const;
  uint64_t installs() const { return installs_; }
  uint64_t removals() const { return removals_; }

 private:
  mutable std::mutex mu_;
  std::map<uint32_t, ChildSa> sas_;
  uint64_t installs_ = 0;
  uint64_t removals_ = 0;
};

}  // namespace vpngw::dataplane
