#pragma once
// A data-plane backend whose per-SA counters a test sets directly.
#include <map>

#include "dataplane/backend.h"

namespace vpngw::engine::testing {

class FakeBackend final : public dataplane::Backend {
 public:
  void install(const dataplane::ChildSa& sa) override { counters_[sa.in.spi] = {}; }
  void remove(uint32_t spi_in) override { counters_.erase(spi_in); }
  dataplane::SaCounters counters(uint32_t spi_in) const override {
    auto it = counters_.find(spi_in);
    return it == counters_.end() ? dataplane::SaCounters{} : it->second;
  }
  void set(uint32_t spi_in, dataplane::SaCounters c) { counters_[spi_in] = c; }

 private:
  std::map<uint32_t, dataplane::SaCounters> counters_;
};

}  // namespace vpngw::engine::testing
