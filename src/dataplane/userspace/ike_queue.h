#pragma once
// IKE datagrams that a data-plane worker read from a shared port-4500 socket, on their way to
// the control thread: a bounded queue plus an eventfd the control loop polls.
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "dataplane/backend.h"

namespace vpngw::dataplane::userspace {

class IkeQueue {
 public:
  static constexpr size_t kCapacity = 1024;

  static Result<std::unique_ptr<IkeQueue>> create();
  explicit IkeQueue(UniqueFd event) : event_(std::move(event)) {}

  int fd() const { return event_.get(); }
  // False (nothing queued) when the queue is full: the control thread is behind.
  bool push(IkeDatagram d);
  // Moves everything queued to out and resets the eventfd; returns how many.
  size_t take(std::vector<IkeDatagram>& out);

 private:
  UniqueFd event_;
  std::mutex mu_;
  std::deque<IkeDatagram> queue_;
};

}  // namespace vpngw::dataplane::userspace
