#pragma once
// Two IKE engines in one process, wired back to back through queues, on a fake clock
// (strongSwan's exchange_test_helper idea). Site A is 198.18.1.1 with 10.1.0.0/16, site B is
// 198.18.1.2 with 10.2.0.0/16; each test tweaks a pair of mirrored tunnel configurations.
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/log.h"
#include "base/random.h"
#include "ike/engine.h"

namespace vpngw::ike::testing {

class RecordingOutput final : public Output {
 public:
  void send(const Datagram& d) override { sent.push_back(d); }
  void installChildSa(const dataplane::ChildSa& sa) override {
    installed[sa.in.spi] = sa;
    ++installs;
  }
  void removeChildSa(const std::string&, uint32_t spi_in) override {
    if (retired.erase(spi_in) > 0) {
      return;  // its removal was counted when it retired
    }
    installed.erase(spi_in);
    ++removals;
  }
  // A rekeyed SA leaves `installed` (it sends no more) and waits in `retired` until removed.
  void retireChildSa(const std::string&, uint32_t spi_in) override {
    installed.erase(spi_in);
    retired.insert(spi_in);
    ++removals;
  }
  void statusChanged(const TunnelStatus& s) override { changes.push_back(s); }
  std::optional<TimePoint> lastInbound(uint32_t spi_in) const override {
    auto it = esp_seen.find(spi_in);
    return it == esp_seen.end() ? std::nullopt : std::optional<TimePoint>(it->second);
  }
  void childSaPeerMoved(const std::string&, uint32_t spi_in, const Endpoint&,
                        const Endpoint& remote) override {
    moved.emplace_back(spi_in, remote);
  }
  std::optional<uint64_t> childSaBytes(uint32_t spi_in) const override {
    auto it = bytes.find(spi_in);
    return it == bytes.end() ? std::nullopt : std::optional<uint64_t>(it->second);
  }
  std::map<uint32_t, uint64_t> bytes;  // traffic per CHILD SA (inbound SPI), set by tests
  std::vector<std::pair<uint32_t, Endpoint>> moved;
  // Pretend ESP arrived on every installed CHILD SA at `t`.
  void espArrived(TimePoint t) {
    for (const auto& [spi, sa] : installed) {
      esp_seen[spi] = t;
    }
  }
  std::map<uint32_t, TimePoint> esp_seen;

  std::deque<Datagram> sent;
  std::map<uint32_t, dataplane::ChildSa> installed;
  std::set<uint32_t> retired;
  std::vector<TunnelStatus> changes;
  int installs = 0;
  int removals = 0;
};

struct Side {
  explicit Side(uint64_t seed, EngineOptions options = {})
      : random(seed), engine(options, random, out, log) {}
  SeededRandom random;
  NullLogger log;
  RecordingOutput out;
  Engine engine;
  TunnelStatus tunnel(const std::string& name = "t1") const {
    return engine.status(name).value_or(TunnelStatus{});
  }
};

// The tunnel settings one test cares about; everything else takes the spec defaults.
struct TunnelSpec {
  IkePolicy ike;
  IpsecPolicy ipsec;
  std::vector<std::string> local_subnets{"10.1.0.0/24"};
  std::vector<std::string> remote_subnets{"10.2.0.0/24"};
  std::string psk = "shared-secret-0123";
  bool initiator = true;
  bool per_pair = false;
  RouteMode route_mode = RouteMode::Policy;
  DpdPolicy dpd;
  std::string customer_ip;  // default: the other site's address
};

class Exchange;

// A filter that makes the two sides' next CREATE_CHILD_SA requests cross: it holds back the
// first one (and its retransmissions) until the other side sends its own, then delivers the
// held one. Used to force rekey collisions (RFC 7296 §2.8).
class RequestCrosser {
 public:
  explicit RequestCrosser(Exchange& x) : x_(x) {}
  std::function<bool(Datagram&, bool)> filter();
  bool held() const { return held_.has_value(); }
  bool crossed() const { return released_; }

 private:
  Exchange& x_;
  std::optional<Datagram> held_;
  bool held_from_a_ = false;
  bool released_ = false;
};

extern const Ipv4 kAddrA;
extern const Ipv4 kAddrB;

// Configuration of one side. `spec` is written from that side's point of view.
Config siteConfig(Ipv4 self, Ipv4 peer, const TunnelSpec& spec);
// The mirror of spec for the other side (subnets swapped, ids swapped).
TunnelSpec mirror(const TunnelSpec& spec);

class Exchange {
 public:
  explicit Exchange(EngineOptions options = {}) : a(1, options), b(2, options) {}

  // Loads both sides at the current time.
  void load(const TunnelSpec& spec_a, const TunnelSpec& spec_b);
  // Moves queued datagrams between the sides until both queues are empty (bounded).
  // `filter` may drop (return false) or edit a datagram in flight.
  int deliver(const std::function<bool(Datagram&, bool from_a)>& filter = nullptr);
  // Advances the fake clock in steps, running timers and delivering messages.
  void advance(Duration d, Duration step = 100ms,
               const std::function<bool(Datagram&, bool from_a)>& filter = nullptr);

  TimePoint now{};
  Side a;
  Side b;
};

}  // namespace vpngw::ike::testing
