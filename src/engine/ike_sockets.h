#pragma once
// The UDP sockets the daemon serves IKE on: port 500 and the NAT-T port 4500 on every
// distinct gateway bind address.
#include <deque>
#include <string>
#include <vector>

#include "base/ip.h"
#include "base/result.h"
#include "engine/udp_socket.h"
#include "ike/config.h"

namespace vpngw::engine {

struct IkePorts {
  uint16_t ike = 500;    // RFC 7296 §2
  uint16_t natt = 4500;  // RFC 3948, RFC 7296 §2.23
};

// Every distinct bind_ip of the configuration's gateways, in configuration order.
std::vector<Ipv4> distinctBindAddresses(const ike::Config& config);

class IkeSockets {
 public:
  struct Entry {
    UdpSocket socket;
    bool natt = false;  // the port-4500 socket: IKE behind the non-ESP marker, and ESP
  };

  // Binds ports.ike and ports.natt on each address (port 0: any free port, for tests).
  static Result<IkeSockets> bind(const std::vector<Ipv4>& addresses, IkePorts ports = {});
  // Binds both ports on one more address (a gateway added at run time); nothing is added
  // when either port cannot be bound. Existing entries stay where they are.
  Status add(Ipv4 address, IkePorts ports = {});
  bool has(Ipv4 address) const;

  // The socket bound to local, or nullptr.
  Entry* find(const Endpoint& local);
  // A deque: entries never move, so event handlers may keep references to them.
  std::deque<Entry>& entries() { return entries_; }
  const std::deque<Entry>& entries() const { return entries_; }
  // "198.18.1.1:500, 198.18.1.1:4500"
  std::string describe() const;

 private:
  std::deque<Entry> entries_;
};

}  // namespace vpngw::engine
