#pragma once
// The sans-IO IKE engine: events in (datagrams, timer ticks, commands), actions out through
// Output (send a datagram, install/remove a CHILD SA, status changes). It owns no sockets,
// clocks, threads or files, so two engines can be wired together in one test process with a
// fake clock.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/ip.h"
#include "base/log.h"
#include "base/random.h"
#include "base/time.h"
#include "dataplane/child_sa.h"
#include "ike/config.h"
#include "ike/status.h"

namespace vpngw::ike {

struct Datagram {
  Endpoint local;   // the address and port it arrived on (or leaves from)
  Endpoint remote;  // the peer's address and port
  Bytes data;       // the IKE message (for port 4500 without the 4-byte non-ESP marker)
};

// How long a CHILD SA replaced by a rekey keeps decrypting after its Delete exchange: covers
// packets in flight and a peer that sends on the old SA until its side of the Delete ends.
inline constexpr Duration kRetiredChildGrace{2000};

class Output {
 public:
  virtual ~Output() = default;
  // Send an IKE message. On port 4500 the runtime prepends the non-ESP marker.
  virtual void send(const Datagram& datagram) = 0;
  virtual void installChildSa(const dataplane::ChildSa& sa) = 0;
  virtual void removeChildSa(const std::string& tunnel, uint32_t spi_in) = 0;
  // A CHILD SA replaced by a rekey: it must send no more but keep decrypting what the peer
  // still sends on it until removeChildSa (a peer may use the old SA until its own Delete
  // exchange ends; strongSwan's libipsec does).
  virtual void retireChildSa(const std::string& tunnel, uint32_t spi_in) {
    removeChildSa(tunnel, spi_in);
  }
  // A tunnel's connection status changed (logging, routes, events).
  virtual void statusChanged(const TunnelStatus& status) { (void)status; }
  // The peer (behind a NAT) now sends from another address or port (RFC 7296 §2.23): the
  // CHILD SA's outbound ESP must go there from now on.
  virtual void childSaPeerMoved(const std::string& tunnel, uint32_t spi_in, const Endpoint& local,
                                const Endpoint& remote) {
    (void)tunnel;
    (void)spi_in;
    (void)local;
    (void)remote;
  }
  // Bytes (in + out) the data plane has carried on the CHILD SA whose inbound SPI is spi_in;
  // nullopt when it does not know (then a traffic-volume lifetime cannot be enforced).
  virtual std::optional<uint64_t> childSaBytes(uint32_t spi_in) const {
    (void)spi_in;
    return std::nullopt;
  }
  // When the data plane last received a valid packet on the CHILD SA whose inbound SPI is
  // spi_in (nullopt: never, or unknown). Dead peer detection counts ESP as a sign of life.
  virtual std::optional<TimePoint> lastInbound(uint32_t spi_in) const {
    (void)spi_in;
    return std::nullopt;
  }
};

struct EngineOptions {
  // Retransmission of requests: first timeout, multiplied by backoff per retransmit;
  // the request is abandoned after max_retransmits retransmissions and one last timeout.
  Duration retransmit_timeout = 1000ms;
  double retransmit_backoff = 2.0;
  uint32_t max_retransmits = 3;
  Duration retransmit_timeout_max = 4000ms;  // cap on one wait: 1 s, 2 s, 4 s, 4 s = 11 s
  // Delay before retrying a failed negotiation: short for the first tries, then steady.
  Duration quick_retry_delay = 1000ms;
  uint32_t quick_retries = 2;  // after the first try: tries 2 and 3 start quickly
  Duration retry_interval = 12000ms;
  uint32_t failures_before_failed_state = 3;
  // Half-open IKE SAs (responder) are dropped after this long.
  Duration half_open_timeout = 30000ms;
  // Stateless cookies (RFC 7296 §2.6) are demanded once this many IKE SAs are half open, or
  // this many from one address (strongSwan's defaults: 30 and 3). The per-address threshold
  // demands a cookie rather than blocking, so a site with many tunnels behind one address
  // still comes back after an outage.
  uint32_t cookie_threshold = 30;
  uint32_t cookie_threshold_per_address = 3;
  Duration cookie_secret_lifetime = 120000ms;
  // IKE fragmentation (RFC 7383), when both sides announced it: protected messages larger
  // than this many bytes are sent as fragments of at most this size. 1280 less IP, UDP and
  // non-ESP-marker headers keeps fragments clear of IP fragmentation on any path.
  size_t fragment_size = 1240;
  // Above this many half-open IKE SAs new IKE_SA_INIT requests are dropped (memory bound).
  uint32_t max_half_open = 5000;
};

// Per-reason counters of what the engine dropped or refused.
struct EngineCounters {
  uint64_t received = 0;
  uint64_t sent = 0;
  uint64_t retransmits = 0;
  uint64_t dropped_malformed = 0;        // undecodable
  uint64_t dropped_unknown_spi = 0;      // no IKE SA for it
  uint64_t dropped_integrity = 0;        // ICV/tag did not verify
  uint64_t dropped_unexpected = 0;       // wrong exchange/state/message ID
  uint64_t dropped_version = 0;          // IKEv1 or other major version
  uint64_t retransmitted_responses = 0;  // replies to retransmitted requests
  uint64_t ike_sas_established = 0;
  uint64_t child_sas_established = 0;
  uint64_t negotiations_failed = 0;
  uint64_t dpd_checks = 0;          // liveness requests sent
  uint64_t dead_peers = 0;          // IKE SAs closed because the peer stopped answering
  uint64_t initial_contacts = 0;    // INITIAL_CONTACT notifications received
  uint64_t cookies_sent = 0;        // IKE_SA_INIT answered with a COOKIE request
  uint64_t dropped_bad_cookie = 0;  // IKE_SA_INIT with a missing or stale cookie under load
  uint64_t dropped_half_open_limit = 0;
  uint64_t nat_mapping_changes = 0;  // peers followed to a new address or port
  uint64_t fragments_sent = 0;
  uint64_t fragments_received = 0;
  uint64_t messages_reassembled = 0;
};

class Engine {
 public:
  Engine(EngineOptions options, Random& random, Output& output, Logger& logger);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Loads (or reloads) the configuration. Tunnels whose settings (and their gateway's and
  // customer gateway's) are unchanged keep their SAs; new and changed initiator tunnels start
  // negotiating; changed and removed tunnels are torn down first (Delete sent).
  void load(const Config& config, TimePoint now);

  void handleDatagram(const Datagram& datagram, TimePoint now);
  // Runs every timer due at or before now.
  void handleTimers(TimePoint now);
  // When handleTimers must next be called (nullopt: nothing scheduled).
  std::optional<TimePoint> nextDeadline() const;

  // Sends Delete for every IKE SA and removes all CHILD SAs (daemon shutdown).
  void shutdown(TimePoint now);

  // Tears the tunnel's SAs down (Delete sent) and negotiates afresh (spec §2 "apply
  // immediately"); unknown names are ignored.
  void reset(const std::string& tunnel, TimePoint now);

  // Traffic wants a tunnel that has no SA (DPD action hold, or a tunnel waiting for traffic):
  // negotiate it now if this side may initiate.
  void acquire(const std::string& tunnel, TimePoint now);

  std::vector<TunnelStatus> status() const;
  std::optional<TunnelStatus> status(const std::string& tunnel) const;
  const EngineCounters& counters() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vpngw::ike
