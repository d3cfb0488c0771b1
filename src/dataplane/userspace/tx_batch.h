#pragma once
// Outgoing ESP/AH packets collected over a batch and sent with as few system calls as the
// kernel allows: one sendmmsg() per socket run, and within it, runs of equal-size ESP-in-UDP
// datagrams to one peer (the segments of one TCP super-packet) as a single UDP GSO message
// (UDP_SEGMENT): the kernel then builds the UDP/IP headers once per 64 KiB, not per packet.
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "base/ip.h"
#include "dataplane/userspace/counters.h"

namespace vpngw::dataplane::userspace {

struct Destination {
  int fd = -1;
  Endpoint remote;   // port ignored for raw sockets
  bool udp = false;  // ESP-in-UDP (may be GSO-batched)
};

// Where encapsulated packets go; an interface so the packet logic can be tested without I/O.
class PacketOutput {
 public:
  virtual ~PacketOutput() = default;
  // A free buffer for the next packet (its whole span may be written).
  virtual std::span<uint8_t> buffer() = 0;
  // Sends the first len bytes of the last buffer() to d.
  virtual void commit(const Destination& d, size_t len) = 0;
};

class TxBatch final : public PacketOutput {
 public:
  static constexpr size_t kMaxGsoSegments = 64;
  static constexpr size_t kMaxGsoBytes = 65000;  // the UDP payload of one GSO send

  TxBatch(CounterSet& counters, size_t slots, size_t slot_size, bool udp_gso);

  std::span<uint8_t> buffer() override;
  void commit(const Destination& d, size_t len) override;
  // Sends everything queued.
  void flush();
  size_t pending() const { return entries_.size(); }

 private:
  struct Entry {
    Destination d;
    size_t len;
  };
  // Sends msgs_[0..count) on fd, retrying briefly when the socket buffer is full.
  void sendAll(int fd, size_t count);

  CounterSet& counters_;
  size_t slots_;
  size_t slot_size_;
  bool udp_gso_;
  std::unique_ptr<uint8_t[]> memory_;
  std::vector<Entry> entries_;
  std::vector<mmsghdr> msgs_;
  std::vector<iovec> iovs_;
  std::vector<sockaddr_in> addrs_;
  std::vector<uint32_t> segments_;  // datagrams carried by each message
  std::unique_ptr<uint8_t[]> control_;
};

}  // namespace vpngw::dataplane::userspace
