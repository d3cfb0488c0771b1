#pragma once
// The TUN device the userspace data plane sits behind: multi-queue (one queue per worker,
// the kernel spreads flows over them), IFF_NO_PI, and with offloads IFF_VNET_HDR +
// TUNSETOFFLOAD(CSUM, TSO4) so reads return TCP super-packets and writes may carry them.
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"

namespace vpngw::dataplane::userspace {

struct TunOptions {
  std::string name = "vpngw0";
  size_t queues = 1;
  uint32_t mtu = 1400;
  bool offload = true;
};

class TunDevice {
 public:
  // Creates (or attaches to) the device, sets its MTU and brings it up. Needs CAP_NET_ADMIN.
  // With offload, a kernel that refuses TUNSETOFFLOAD gives a device without offloads.
  static Result<TunDevice> create(const TunOptions& options);

  const std::string& name() const { return name_; }
  int ifindex() const { return ifindex_; }
  uint32_t mtu() const { return mtu_; }
  bool offload() const { return offload_; }  // every packet carries a virtio-net header
  size_t queues() const { return fds_.size(); }
  int fd(size_t queue) const { return fds_[queue].get(); }

 private:
  TunDevice() = default;
  std::string name_;
  int ifindex_ = 0;
  uint32_t mtu_ = 0;
  bool offload_ = false;
  std::vector<UniqueFd> fds_;
};

}  // namespace vpngw::dataplane::userspace
