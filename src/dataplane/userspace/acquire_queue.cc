#include "dataplane/userspace/acquire_queue.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace vpngw::dataplane::userspace {

Result<std::unique_ptr<AcquireQueue>> AcquireQueue::create() {
  UniqueFd fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!fd) {
    return makeError(std::string("eventfd: ") + std::strerror(errno));
  }
  return std::make_unique<AcquireQueue>(std::move(fd));
}

bool AcquireQueue::raise(const std::string& tunnel, int64_t now_ms) {
  std::lock_guard lock(mu_);
  latest_ms_ = std::max(latest_ms_, now_ms);
  auto it = tunnels_.find(tunnel);
  if (it != tunnels_.end() && (it->second.pending || now_ms - it->second.last_ms < kIntervalMs)) {
    return false;
  }
  if (pending_.size() >= kCapacity) {
    return false;
  }
  if (it == tunnels_.end()) {
    it = tunnels_.try_emplace(tunnel).first;
  }
  it->second = Entry{now_ms, true};
  pending_.push_back(tunnel);
  uint64_t one = 1;
  (void)!::write(event_.get(), &one, sizeof one);
  return true;
}

void AcquireQueue::take(std::vector<std::string>& out) {
  uint64_t count = 0;
  (void)!::read(event_.get(), &count, sizeof count);
  std::lock_guard lock(mu_);
  for (std::string& tunnel : pending_) {
    if (auto it = tunnels_.find(tunnel); it != tunnels_.end()) {
      it->second.pending = false;
    }
    out.push_back(std::move(tunnel));
  }
  pending_.clear();
  // Tunnel names come from the configured traps, so the map is bounded by them; still, a
  // tunnel whose interval has passed may raise again anyway, so forgetting it is free.
  if (tunnels_.size() > kCapacity) {
    std::erase_if(tunnels_, [this](const auto& kv) {
      return !kv.second.pending && latest_ms_ - kv.second.last_ms >= kIntervalMs;
    });
  }
}

size_t AcquireQueue::remembered() const {
  std::lock_guard lock(mu_);
  return tunnels_.size();
}

}  // namespace vpngw::dataplane::userspace
