#include "dataplane/backend.h"

namespace vpngw::dataplane {

void RecordingBackend::install(const ChildSa& sa) {
  std::lock_guard lock(mu_);
  sas_[sa.in.spi] = sa;
  ++installs_;
}

void RecordingBackend::remove(uint32_t spi_in) {
  std::lock_guard lock(mu_);
  if (sas_.erase(spi_in) > 0) {
    ++removals_;
  }
}

SaCounters RecordingBackend::counters(uint32_t) const { return {}; }

void RecordingBackend::peerMoved(uint32_t spi_in, const Endpoint& remote) {
  std::lock_guard lock(mu_);
  if (auto it = sas_.find(spi_in); it != sas_.end()) {
    it->second.remote = remote;
  }
}

std::optional<ChildSa> RecordingBackend::find(uint32_t spi_in) const {
  std::lock_guard lock(mu_);
  auto it = sas_.find(spi_in);
  return it == sas_.end() ? std::nullopt : std::optional<ChildSa>(it->second);
}

size_t RecordingBackend::size() const {
  std::lock_guard lock(mu_);
  return sas_.size();
}

bool RecordingBackend::has(uint32_t spi_in) const {
  std::lock_guard lock(mu_);
  return sas_.count(spi_in) > 0;
}

std::vector<uint32_t> RecordingBackend::inboundSpis() const {
  std::lock_guard lock(mu_);
  std::vector<uint32_t> out;
  for (const auto& [spi, sa] : sas_) {
    out.push_back(spi);
  }
  return out;
}

}  // namespace vpngw::dataplane
