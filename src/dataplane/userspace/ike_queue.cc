#include "dataplane/userspace/ike_queue.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace vpngw::dataplane::userspace {

Result<std::unique_ptr<IkeQueue>> IkeQueue::create() {
  UniqueFd fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!fd) {
    return makeError(std::string("eventfd: ") + std::strerror(errno));
  }
  return std::make_unique<IkeQueue>(std::move(fd));
}

bool IkeQueue::push(IkeDatagram d) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= kCapacity) {
      return false;
    }
    queue_.push_back(std::move(d));
  }
  uint64_t one = 1;
  (void)!::write(event_.get(), &one, sizeof one);
  return true;
}

size_t IkeQueue::take(std::vector<IkeDatagram>& out) {
  uint64_t count = 0;
  (void)!::read(event_.get(), &count, sizeof count);
  std::lock_guard lock(mu_);
  size_t n = queue_.size();
  for (IkeDatagram& d : queue_) {
    out.push_back(std::move(d));
  }
  queue_.clear();
  return n;
}

}  // namespace vpngw::dataplane::userspace
