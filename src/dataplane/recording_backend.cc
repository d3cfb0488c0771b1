#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "dataplane/backend.h"

namespace vpngw::dataplane {

RecordingBackend::RecordingBackend() : acquire_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (!acquire_fd_) {
    throw std::system_error(errno, std::generic_category(), "eventfd");
  }
}

void RecordingBackend::setTraps(std::vector<Trap> traps) {
  std::lock_guard lock(mu_);
  traps_ = std::move(traps);
}

std::vector<Trap> RecordingBackend::traps() const {
  std::lock_guard lock(mu_);
  return traps_;
}

int RecordingBackend::acquireReadyFd() const { return acquire_fd_.get(); }

void RecordingBackend::takeAcquires(std::vector<std::string>& tunnels) {
  uint64_t count = 0;
  (void)!::read(acquire_fd_.get(), &count, sizeof count);
  std::lock_guard lock(mu_);
  tunnels.insert(tunnels.end(), acquires_.begin(), acquires_.end());
  acquires_.clear();
}

void RecordingBackend::simulateAcquire(const std::string& tunnel) {
  std::lock_guard lock(mu_);
  if (std::find(acquires_.begin(), acquires_.end(), tunnel) == acquires_.end()) {
    acquires_.push_back(tunnel);
  }
  uint64_t one = 1;
  (void)!::write(acquire_fd_.get(), &one, sizeof one);
}

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
