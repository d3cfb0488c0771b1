#pragma once
// One installed CHILD SA as the userspace data plane runs it: its identity and selectors, the
// keyed transforms (one set per worker thread, since a transform object is single-threaded),
// the outbound sequence counter, the anti-replay window and the traffic counters.
//
// Key material: the transforms are keyed at creation from the ChildSa's keys (views; no copy
// is kept here); OpenSSL cleanses its key schedules when the contexts are freed, which happens
// when the last table snapshot referring to the SA is gone after remove().
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/ip.h"
#include "base/result.h"
#include "base/time.h"
#include "dataplane/child_sa.h"
#include "esp/ah.h"
#include "esp/esp_inbound.h"
#include "esp/esp_outbound.h"
#include "esp/packet_error.h"
#include "esp/replay_window.h"

namespace vpngw::dataplane::userspace {

// Milliseconds on the monotonic clock, as stored in the SA's "last used" fields.
int64_t monotonicMs();

class SaState {
 public:
  struct Transforms {
    std::optional<esp::EspOutbound> esp_out;
    std::optional<esp::EspInbound> esp_in;
    std::optional<esp::AhOutbound> ah_out;
    std::optional<esp::AhInbound> ah_in;
  };

  // Keys one set of transforms per worker. Errors: unsupported algorithms or key sizes, AH
  // with UDP encapsulation, a replay window that is not 0 or 64..4096 in steps of 64.
  static Result<std::unique_ptr<SaState>> create(const ChildSa& sa, size_t workers);

  struct Key {
   private:
    friend class SaState;
    Key() = default;
  };
  explicit SaState(Key) {}
  SaState(const SaState&) = delete;
  SaState& operator=(const SaState&) = delete;

  const std::string& tunnel() const { return tunnel_; }
  uint32_t spiIn() const { return spi_in_; }
  uint32_t spiOut() const { return spi_out_; }
  IpsecProtocol protocol() const { return protocol_; }
  bool udpEncap() const { return udp_encap_; }
  const Endpoint& local() const { return local_; }
  // The peer's address (and port 4500 mapping); a NATed peer may move (RFC 7296 §2.23), so it
  // is read per packet and changed by the control thread through setRemote().
  Endpoint remote() const {
    const uint64_t v = remote_.load(std::memory_order_relaxed);
    return {Ipv4{static_cast<uint32_t>(v >> 16)}, static_cast<uint16_t>(v & 0xffff)};
  }
  void setRemote(const Endpoint& e) {
    remote_.store((uint64_t{e.address.value} << 16) | e.port, std::memory_order_relaxed);
  }
  const std::vector<Ipv4Range>& localTs() const { return local_ts_; }
  const std::vector<Ipv4Range>& remoteTs() const { return remote_ts_; }
  const std::vector<Subnet>& routes() const { return routes_; }
  const std::optional<Ipv4>& routeSource() const { return route_source_; }
  bool routeMode() const { return route_mode_; }
  // Ranks below every other SA with the same selectors in the SPD (ChildSa::outbound_after_peer)
  // until the SA it replaces is gone: then promote() makes it an ordinary SA, so that it in
  // turn outranks an SA that answers the next rekey. Control thread only (the flag is read
  // when tables are built, never on the packet path).
  bool outboundAfterPeer() const { return outbound_after_peer_; }
  void promote() { outbound_after_peer_ = false; }

  // The transforms of one worker (only that worker may use them).
  Transforms& transforms(size_t worker) { return *transforms_[worker]; }

  // Reserves n consecutive outbound sequence numbers and returns the first (RFC 4303 §3.3.3:
  // the first packet carries 1). The ESP/AH transform refuses numbers beyond the space.
  uint64_t reserveSeq(uint64_t n) { return next_seq_.fetch_add(n, std::memory_order_relaxed); }

  // Anti-replay (RFC 4303 §3.4.3): check before decrypting, update after the ICV verified.
  esp::PacketResult<uint64_t> replayCheck(uint32_t seq_low);
  // newest (when given) tells whether seq is above every number authenticated before.
  esp::PacketError replayUpdate(uint64_t seq, bool* newest = nullptr);

  bool selectorsAllow(Ipv4 inner_src, Ipv4 inner_dst) const;

  void countOut(uint64_t packets, uint64_t bytes, int64_t now_ms) {
    out_.packets.fetch_add(packets, std::memory_order_relaxed);
    out_.bytes.fetch_add(bytes, std::memory_order_relaxed);
    out_.last_ms.store(now_ms, std::memory_order_relaxed);
  }
  void countIn(uint64_t packets, uint64_t bytes, int64_t now_ms) {
    in_.packets.fetch_add(packets, std::memory_order_relaxed);
    in_.bytes.fetch_add(bytes, std::memory_order_relaxed);
    in_.last_ms.store(now_ms, std::memory_order_relaxed);
  }
  // Monotonic ms of the last packet; 0 = never.
  int64_t lastOutMs() const { return out_.last_ms.load(std::memory_order_relaxed); }
  int64_t lastInMs() const { return in_.last_ms.load(std::memory_order_relaxed); }
  // NAT-T keepalive bookkeeping (RFC 3948 §2.3), by the worker that sends them.
  std::atomic<int64_t>& lastKeepaliveMs() { return last_keepalive_ms_; }

  // Counters with last_used_unix from the wall clock at now (monotonic ms now_ms).
  SaCounters counters(int64_t now_ms, int64_t now_unix) const;

 private:
  struct alignas(64) Direction {
    std::atomic<uint64_t> packets{0};
    std::atomic<uint64_t> bytes{0};
    std::atomic<int64_t> last_ms{0};
  };

  std::string tunnel_;
  uint32_t spi_in_ = 0;
  uint32_t spi_out_ = 0;
  IpsecProtocol protocol_ = IpsecProtocol::Esp;
  bool esn_ = false;
  bool udp_encap_ = false;
  Endpoint local_;
  std::atomic<uint64_t> remote_{0};  // address << 16 | port
  std::vector<Ipv4Range> local_ts_;
  std::vector<Ipv4Range> remote_ts_;
  std::vector<Subnet> routes_;
  std::optional<Ipv4> route_source_;
  bool route_mode_ = false;
  bool outbound_after_peer_ = false;
  std::vector<std::unique_ptr<Transforms>> transforms_;

  alignas(64) std::atomic<uint64_t> next_seq_{1};
  alignas(64) std::mutex replay_mu_;
  std::optional<esp::ReplayWindow> replay_;  // nullopt: anti-replay disabled
  uint64_t top_seq_ = 0;                     // with the window disabled: for ESN inference
  Direction out_;
  Direction in_;
  std::atomic<int64_t> last_keepalive_ms_{0};
};

}  // namespace vpngw::dataplane::userspace
