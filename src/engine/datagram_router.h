#pragma once
// Routes datagrams read from the IKE sockets: port 500 carries only IKE, port 4500 carries IKE
// behind the non-ESP marker, ESP-in-UDP and NAT-keepalives (RFC 3948). IKE goes to an IkeSink
// (the engine), ESP to an EspSink (the userspace ESP data plane once there is one).
#include "base/bytes.h"
#include "base/ip.h"
#include "engine/runtime_counters.h"
#include "ike/engine.h"

namespace vpngw::engine {

class IkeSink {
 public:
  virtual ~IkeSink() = default;
  virtual void onIke(ike::Datagram datagram) = 0;
};

class EspSink {
 public:
  virtual ~EspSink() = default;
  // packet starts with the ESP SPI (the UDP header and nothing else removed).
  virtual void onEsp(const Endpoint& local, const Endpoint& remote, ByteView packet) = 0;
};

// Until the ESP data plane exists: counts and drops.
class DroppingEspSink final : public EspSink {
 public:
  explicit DroppingEspSink(RuntimeCounters& counters) : counters_(counters) {}
  void onEsp(const Endpoint&, const Endpoint&, ByteView) override { ++counters_.esp_dropped; }

 private:
  RuntimeCounters& counters_;
};

class DatagramRouter {
 public:
  DatagramRouter(IkeSink& ike, EspSink& esp, RuntimeCounters& counters)
      : ike_(ike), esp_(esp), counters_(counters) {}

  // One datagram that arrived on local (our bind address and port) from remote; natt: it came
  // in on the NAT-T socket (port 4500).
  void route(const Endpoint& local, const Endpoint& remote, ByteView data, bool natt);

 private:
  IkeSink& ike_;
  EspSink& esp_;
  RuntimeCounters& counters_;
};

}  // namespace vpngw::engine
