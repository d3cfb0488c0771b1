#pragma once
// A non-blocking UDP socket bound to one local address and port, reading in batches with
// recvmmsg so a burst costs one system call per batch rather than one per datagram.
#include <sys/socket.h>

#include <functional>
#include <memory>

#include "base/bytes.h"
#include "base/ip.h"
#include "base/result.h"
#include "base/unique_fd.h"

namespace vpngw::engine {

class UdpSocket {
 public:
  // Datagrams per recvmmsg call and the largest datagram accepted whole.
  static constexpr size_t kBatch = 32;
  static constexpr size_t kMaxDatagram = 65535;
  static constexpr int kBufferBytes = 4 << 20;

  // Binds local (port 0 picks a free port; local() then reports it). Fails when another
  // socket holds the address and port. 4 MiB socket buffers are asked for, not required.
  static Result<UdpSocket> bind(const Endpoint& local);

  UdpSocket(UdpSocket&&) noexcept;
  UdpSocket& operator=(UdpSocket&&) noexcept;
  ~UdpSocket();

  int fd() const { return fd_.get(); }
  const Endpoint& local() const { return local_; }

  using Sink = std::function<void(const Endpoint& remote, ByteView data)>;
  struct ReceiveResult {
    size_t datagrams = 0;  // handed to the sink
    size_t truncated = 0;  // longer than kMaxDatagram: dropped
  };
  // Reads until the socket would block or at least budget datagrams were read (the rest waits
  // for the next readiness notification, so one busy socket cannot starve the others).
  ReceiveResult receive(const Sink& sink, size_t budget = 1024);

  // Sends prefix followed by data as one datagram (prefix: e.g. the non-ESP marker).
  Status sendTo(const Endpoint& remote, ByteView prefix, ByteView data);

 private:
  struct Batch;
  UdpSocket(UniqueFd fd, Endpoint local);

  UniqueFd fd_;
  Endpoint local_;
  std::unique_ptr<Batch> batch_;
};

}  // namespace vpngw::engine
