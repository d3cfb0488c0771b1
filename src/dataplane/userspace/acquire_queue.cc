#include "dataplane/userspace/acquire_queue.h"

#include <sys/eventfd.h>
#include <unistd.h>

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
  auto [it, fresh] = last_ms_.try_emplace(tunnel, now_ms);
  if (!fresh) {
    if (now_ms - it->second < kIntervalMs) {
      return false;
    }
    it->second = now_ms;
  }
  if (pending_.size() >= kCapacity) {
    return false;
  }
  for (const auto& p : pending_) {
    if (p == tunnel) {
      return false;
    }
  }
  pending_.push_back(tunnel);
  uint64_t one = 1;
  (void)!::write(event_.get(), &one, sizeof one);
  return true;
}

void AcquireQueue::take(std::vector<std::string>& out) {
  uint64_t count = 0;
  (void)!::read(event_.get(), &count, sizeof count);
  std::lock_guard lock(mu_);
  out.insert(out.end(), pending_.begin(), pending_.end());
  pending_.clear();
  // Forget tunnels whose rate limit has long expired, so the map stays small.
  if (last_ms_.size() > kCapacity) {
    last_ms_.clear();
  }
}

}  // namespace vpngw::dataplane::userspace
