#pragma once
// One data-plane worker thread: its own epoll loop over its TUN queue (outbound), the public
// sockets assigned to it (inbound: raw ESP, raw AH, port-4500 sockets) and an eventfd to wake
// it. One worker per core. Packets of a flow are never reordered by the data plane: each
// receiving socket is read by exactly one worker, and the kernel steers a flow's outbound
// packets to the TUN queue its inbound packets were last written from (TUN's automatic queue
// selection), i.e. to that same worker; flows that have not received anything yet are spread
// over the queues by their hash.
#include <atomic>
#include <memory>
#include <thread>

#include "base/ip.h"
#include "base/log.h"
#include "base/result.h"
#include "base/unique_fd.h"
#include "dataplane/userspace/acquire_queue.h"
#include "dataplane/userspace/counters.h"
#include "dataplane/userspace/ike_queue.h"
#include "dataplane/userspace/packet_path.h"
#include "dataplane/userspace/tables.h"
#include "dataplane/userspace/tcp_coalescer.h"
#include "dataplane/userspace/tx_batch.h"

namespace vpngw::dataplane::userspace {

// Something a worker waits on. Owned by the backend (or the worker), never moved, so epoll can
// carry a pointer to it.
struct Source {
  enum class Kind { Tun, Udp, RawEsp, RawAh, Wake };
  Kind kind = Kind::Wake;
  int fd = -1;
  Endpoint local;  // Udp: the address and port the socket is bound to
};

struct WorkerConfig {
  size_t index = 0;
  int tun_fd = -1;
  bool vnet_hdr = false;
  uint16_t mss = 1360;
  int raw_esp_fd = -1;
  int raw_ah_fd = -1;
  size_t slot_size = 2048;  // largest ESP/AH packet we build
  bool udp_gso = true;
  bool keepalives = false;           // this worker sends the NAT-T keepalives
  AcquireQueue* acquires = nullptr;  // trapped packets raise acquires here
};

class Worker final : private TunSink {
 public:
  Worker(WorkerConfig config, TableHolder& tables, IkeQueue& ike, Logger& logger);
  ~Worker() override;
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  Status start();
  // Adds a source to this worker's loop; callable from any thread.
  Status watch(const Source* source);
  // Makes the worker look at the tables again (after install/remove) or notice stop().
  void wake();
  void stop();

  const CounterSet& counters() const { return counters_; }

 private:
  struct RecvBatch;
  void run();
  void onTun();
  void onUdp(const Source& s);
  void onRaw(const Source& s);
  void keepalives();
  void writePacket(std::span<const iovec> iov, bool coalesced) override;

  WorkerConfig config_;
  TableHolder& holder_;
  IkeQueue& ike_;
  Logger& logger_;
  CounterSet counters_;
  std::shared_ptr<const Tables> tables_;
  UniqueFd epoll_;
  UniqueFd wake_fd_;
  Source tun_source_;
  Source wake_source_;
  PathContext ctx_;
  std::unique_ptr<uint8_t[]> tun_buffer_;
  std::unique_ptr<RecvBatch> recv_;
  TxBatch tx_;
  TcpCoalescer coalescer_;
  int64_t last_keepalive_check_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace vpngw::dataplane::userspace
