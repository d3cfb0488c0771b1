#include "dataplane/userspace/tun_device.h"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/errno_text.h"

namespace vpngw::dataplane::userspace {

namespace {

Result<UniqueFd> openQueue(const std::string& name, short flags) {
  UniqueFd fd(::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC));
  if (!fd) {
    return makeError("cannot open /dev/net/tun: " + errnoText());
  }
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  ifr.ifr_flags = flags;
  if (::ioctl(fd.get(), TUNSETIFF, &ifr) != 0) {
    const int err = errno;
    return makeError("cannot create TUN device " + name + ": " + std::strerror(err) +
                     (err == EBUSY ? " (it exists already: another vpngw? see --tun-name)" : ""));
  }
  return fd;
}

}  // namespace

Result<TunDevice> TunDevice::create(const TunOptions& options) {
  if (options.name.empty() || options.name.size() >= IFNAMSIZ) {
    return makeError("TUN device name '" + options.name + "' must have 1-15 characters");
  }
  TunDevice dev;
  dev.name_ = options.name;
  const size_t queues = std::max<size_t>(options.queues, 1);
  auto flags = static_cast<short>(IFF_TUN | IFF_NO_PI | IFF_MULTI_QUEUE);
  bool offload = options.offload;
  for (size_t q = 0; q < queues; ++q) {
    // The first queue creates the device and must not attach to one that exists already
    // (another daemon's: its traffic would be shared between the two of us).
    const short excl = q == 0 ? static_cast<short>(IFF_TUN_EXCL) : 0;
    auto fd =
        openQueue(options.name, static_cast<short>(flags | excl | (offload ? IFF_VNET_HDR : 0)));
    if (!fd) {
      return fd.error();
    }
    if (q == 0 && offload) {
      // The offloads are a device property; what we accept to read: partial checksums and
      // TCP/IPv4 super-packets (no USO: the kernel refuses it here, and no IPv6).
      unsigned long features = TUN_F_CSUM | TUN_F_TSO4;
      if (::ioctl(fd->get(), TUNSETOFFLOAD, features) != 0) {
        // Without offloads there is no point in the virtio-net header: start again plain.
        offload = false;
        fd = openQueue(options.name, static_cast<short>(flags | IFF_TUN_EXCL));
        if (!fd) {
          return fd.error();
        }
      }
    }
    dev.fds_.push_back(std::move(*fd));
  }
  dev.offload_ = offload;

  UniqueFd ctl(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!ctl) {
    return makeError("socket: " + errnoText());
  }
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, options.name.c_str(), IFNAMSIZ - 1);
  ifr.ifr_mtu = static_cast<int>(options.mtu);
  if (::ioctl(ctl.get(), SIOCSIFMTU, &ifr) != 0) {
    return makeError("cannot set MTU " + std::to_string(options.mtu) + " on " + options.name +
                     ": " + errnoText());
  }
  dev.mtu_ = options.mtu;
  if (::ioctl(ctl.get(), SIOCGIFFLAGS, &ifr) != 0) {
    return makeError("SIOCGIFFLAGS " + options.name + ": " + errnoText());
  }
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
  if (::ioctl(ctl.get(), SIOCSIFFLAGS, &ifr) != 0) {
    return makeError("cannot bring " + options.name + " up: " + errnoText());
  }
  dev.ifindex_ = static_cast<int>(::if_nametoindex(options.name.c_str()));
  if (dev.ifindex_ == 0) {
    return makeError("if_nametoindex " + options.name + ": " + errnoText());
  }
  return dev;
}

}  // namespace vpngw::dataplane::userspace
