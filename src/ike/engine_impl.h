#pragma once
// Internal state of the IKEv2 engine. Private to src/ike: the exchange files (ike_init.cc,
// ike_auth.cc, child_create.cc, informational.cc) implement the member functions of
// Engine::Impl that handle their exchange; engine.cc holds dispatch, timers and bookkeeping.
#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "crypto/algorithms.h"
#include "crypto/ikev2_keys.h"
#include "ike/engine.h"
#include "ike/proposal.h"
#include "ike/protect.h"
#include "wire/ikev2_message.h"

namespace vpngw::ike {

// A tunnel as the engine runs it: its configuration resolved against gateways and customer
// gateways, plus the connection bookkeeping the status shows.
struct Tunnel {
  TunnelConfig cfg;
  GatewayConfig gateway;
  CustomerGatewayConfig customer_gateway;
  IkeSuite ike_suite;
  ChildSuite child_suite;
  Identity local_id;
  Identity remote_id;
  // Selector sets of the CHILD SAs this tunnel wants: one entry with all subnets, or one per
  // (local, remote) subnet pair; in route mode a single 0.0.0.0/0 pair.
  struct Pair {
    std::vector<Ipv4Range> local;
    std::vector<Ipv4Range> remote;
  };
  std::vector<Pair> wanted_children;

  ConnectionStatus status = ConnectionStatus::Connecting;
  Diagnosis diagnosis;
  std::string last_error;
  std::optional<TimePoint> last_error_at;
  uint32_t attempts = 0;
  uint32_t failures = 0;
  uint64_t ike_sa = 0;  // key of the current IKE SA in Impl::sas_, 0 when none
  std::optional<TimePoint> retry_at;
  std::optional<TimePoint> last_try_start;  // paces retries start-to-start
  // After DPD with action clear or hold: no retry until the peer initiates (or, for hold,
  // traffic asks for the tunnel).
  bool waiting_for_peer = false;
  bool sent_initial_contact = false;
  // No other tunnel shares this one's peer address and identities, so INITIAL_CONTACT (which
  // makes the peer drop every other SA with us) cannot hurt a sibling tunnel.
  bool sole_tunnel_to_peer = true;
  uint32_t dpd_failures = 0;
  uint32_t rekeys = 0;
  // The peer was seen behind a NAT (its NAT-D hashes showed translation): if it later stops
  // answering our initiations, it probably has to initiate itself.
  bool peer_behind_nat = false;
  bool canInitiate() const { return cfg.initiator && !customer_gateway.ip.isAny(); }
};

// Installed: carrying traffic. Rekeying: our CREATE_CHILD_SA rekey for it is in flight.
// Rekeyed: replaced by a newer SA; kept (inbound still valid) until the Delete exchange.
enum class ChildState { Installed, Rekeying, Rekeyed };

struct ChildSaState {
  uint32_t spi_in = 0;
  uint32_t spi_out = 0;
  ChildSuite suite;
  std::vector<Ipv4Range> local_ts;
  std::vector<Ipv4Range> remote_ts;
  TimePoint established_at{};
  ChildState state = ChildState::Installed;
  bool volume_rekey_queued = false;  // the traffic-volume soft limit has asked for a rekey
  // A rekey collision (RFC 7296 §2.8.1): the peer rekeyed this SA while our rekey of it was
  // in flight. Its exchange's nonces and the SA it created decide which new SA survives.
  Bytes collision_ni;
  Bytes collision_nr;
  uint32_t collision_child = 0;
};

enum class IkeState {
  InitSent,  // initiator: IKE_SA_INIT request out
  InitDone,  // responder: IKE_SA_INIT answered, waiting for IKE_AUTH (half-open)
  AuthSent,  // initiator: IKE_AUTH request out
  Established,
  Deleting,  // Delete sent, waiting for the answer
  Rekeyed,   // replaced by a rekeyed IKE SA; waits for the Delete exchange
};

// What an outstanding request of ours is about, so the response can be matched to it.
enum class RequestKind { Init, Auth, CreateChild, RekeyIke, Delete, DeleteChild, Liveness };

// Requests wait in a queue per IKE SA while another one is outstanding (window size 1).
struct QueuedRequest {
  enum class Kind { CreateChild, RekeyChild, DeleteChild, RekeyIke, DeleteIke };
  Kind kind = Kind::CreateChild;
  size_t pair = 0;   // CreateChild: index into Tunnel::wanted_children
  uint32_t spi = 0;  // RekeyChild/DeleteChild: our inbound SPI of the CHILD SA
};

// A CHILD SA we are negotiating (initiator side of IKE_AUTH or CREATE_CHILD_SA).
struct PendingChild {
  std::vector<Ipv4Range> local;  // the selectors we propose
  std::vector<Ipv4Range> remote;
  uint32_t rekey_of = 0;  // our inbound SPI of the CHILD SA this one replaces (0: a new one)
  uint32_t spi_in = 0;
  Bytes nonce;                // CREATE_CHILD_SA only
  crypto::KeyExchangePtr ke;  // CREATE_CHILD_SA with PFS only
};

// Our IKE SA rekey in flight: the new SA's SPI (ours), nonce and D-H value.
struct PendingIkeRekey {
  uint64_t spi = 0;
  Bytes nonce;
  crypto::KeyExchangePtr ke;
};

struct OutstandingRequest {
  RequestKind kind = RequestKind::Init;
  uint32_t message_id = 0;
  Endpoint local;
  Endpoint remote;
  uint32_t retransmits = 0;
  TimePoint deadline{};                 // next retransmit (or give-up) time
  std::vector<Bytes> datagrams;         // the request as sent: one, or its fragments
  std::optional<TimePoint> give_up_at;  // liveness checks: the DPD timeout
  std::optional<PendingChild> child;
  std::optional<PendingIkeRekey> ike_rekey;
  uint32_t delete_spi = 0;  // DeleteChild: our inbound SPI of the CHILD SA being deleted
};

// A message arriving in fragments (RFC 7383). At namespace scope, not nested in IkeSa:
// clang rejects optional<Nested>::emplace() while the enclosing class is incomplete.
struct Reassembly {
  uint32_t message_id = 0;
  uint16_t total = 0;
  uint8_t inner_first = 0;
  size_t bytes = 0;
  std::map<uint16_t, Bytes> pieces;
};

struct IkeSa {
  uint64_t key = 0;     // our SPI: spi_i when we initiated, spi_r when we responded
  std::string tunnel;   // name of the tunnel it belongs to ("" while the responder is
                        // still unsure which of several candidates it serves)
  std::string gateway;  // name of the local gateway
  bool initiator = false;
  uint64_t spi_i = 0;
  uint64_t spi_r = 0;
  IkeState state = IkeState::InitSent;
  Endpoint local;
  Endpoint remote;
  IkeSuite suite;
  crypto::KeyExchangePtr ke;
  Bytes ni;
  Bytes nr;
  Bytes init_request;   // IKE_SA_INIT request bytes (signed by the initiator's AUTH)
  Bytes init_response;  // IKE_SA_INIT response bytes (signed by the responder's AUTH)
  crypto::PrfPtr prf;
  crypto::IkeKeys keys;
  std::optional<SkProtector> protector;
  bool nat_local = false;   // we are behind a NAT
  bool nat_remote = false;  // the peer is behind a NAT (or fakes it to force UDP encapsulation)
  bool natDetected() const { return nat_local || nat_remote; }

  // Message IDs (RFC 7296 §2.2): ours for requests we send, the peer's for requests we get.
  uint32_t next_request_id = 0;
  uint32_t expected_peer_request = 0;
  std::optional<OutstandingRequest> outstanding;
  std::optional<uint32_t> last_response_id;  // for replying to retransmitted requests
  std::vector<Bytes> last_response;          // one datagram, or its fragments
  Endpoint last_response_to;
  Endpoint last_response_from;

  // RFC 7383: both sides announced IKEV2_FRAGMENTATION_SUPPORTED in IKE_SA_INIT.
  bool fragmentation = false;
  // A message arriving in fragments, per direction (requests from the peer, its responses).
  std::optional<Reassembly> reassembly[2];

  std::vector<ChildSaState> children;
  std::deque<QueuedRequest> queue;  // requests waiting for the outstanding one to finish
  // A diagnostic IKE_SA_INIT (see probeOffer()): 0 = a real negotiation, else the round (1, 2).
  int probe_round = 0;
  std::string probe_refusal;  // what the peer's NO_PROPOSAL_CHOSEN said, if the probe fails
  TimePoint created{};
  TimePoint established_at{};
  TimePoint last_inbound{};  // last authenticated IKE message from the peer
  Endpoint half_open_from;   // responder: where IKE_SA_INIT came from (half-open bookkeeping)
  // A simultaneous IKE SA rekey (RFC 7296 §2.8.2): the SA the peer's rekey created and the
  // nonces of its exchange, settled when our own rekey's answer arrives.
  uint64_t collision_sa = 0;
  Bytes collision_ni;
  Bytes collision_nr;
};

// Timer entries are validated when they fire (lazy deletion): the handler checks that what
// they refer to still exists and is still due.
enum class TimerKind {
  TunnelRetry,
  Retransmit,
  HalfOpen,
  Dpd,
  ChildRekey,
  ChildExpire,
  ChildVolume,  // a CHILD SA with a traffic-volume lifetime: compare its bytes with the limit
  IkeRekey,
  IkeExpire,
  ChildRetired,  // the grace period of a CHILD SA replaced by a rekey ended
};

// How often the bytes of a CHILD SA with a traffic-volume lifetime are compared with it.
inline constexpr Duration kVolumeCheckInterval{1000};

struct TimerEntry {
  TimePoint at;
  TimerKind kind;
  uint64_t sa_key = 0;
  std::string tunnel;
  uint32_t spi = 0;  // ChildRekey/ChildExpire/ChildVolume: our inbound SPI of the CHILD SA
  bool operator>(const TimerEntry& o) const { return at > o.at; }
};

// Rekey collisions (RFC 7296 §2.8.1, §2.8.2) compare nonces as unsigned numbers; a shorter
// nonce counts as the smaller one.
inline bool nonceLess(ByteView a, ByteView b) {
  if (a.size() != b.size()) {
    return a.size() < b.size();
  }
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}
inline ByteView lowerNonce(ByteView a, ByteView b) { return nonceLess(a, b) ? a : b; }

// Key sizes of an IKE SA's suite (SK_d/SK_p = PRF output, SK_a, SK_e with the GCM salt).
std::optional<crypto::IkeKeySizes> ikeKeySizes(const IkeSuite& suite);

struct CookieSecret {
  uint8_t version = 0;
  SecureBytes secret;
};

class Engine::Impl {
 public:
  Impl(EngineOptions options, Random& random, Output& output, Logger& logger);

  // --- engine.cc: dispatch, timers, bookkeeping
  void load(const Config& config, TimePoint now);
  void handleDatagram(const Datagram& d, TimePoint now);
  void handleTimers(TimePoint now);
  std::optional<TimePoint> nextDeadline() const;
  void shutdown(TimePoint now);
  void reset(const std::string& name, TimePoint now);
  std::vector<TunnelStatus> status() const;
  std::optional<TunnelStatus> status(const std::string& name) const;
  const EngineCounters& counters() const { return counters_; }

 private:
  friend class Engine;
  // engine.cc
  void startNegotiation(Tunnel& t, TimePoint now);
  void dispatchRequest(IkeSa& sa, const wire::v2::Message& m, const Datagram& d, TimePoint now);
  void dispatchResponse(IkeSa& sa, const wire::v2::Message& m, const Datagram& d, TimePoint now);
  void handleIkev1(const Datagram& d, TimePoint now);
  // RFC 7383: verifies one fragment and returns the whole inner chain once all have come.
  std::optional<std::vector<wire::v2::Payload>> reassemble(IkeSa& sa, const wire::v2::Message& m,
                                                           const Datagram& d);
  std::optional<std::vector<wire::v2::Payload>> openProtected(IkeSa& sa, const wire::v2::Message& m,
                                                              const Datagram& d);
  void sendRequest(IkeSa& sa, RequestKind kind, wire::ExchangeType exchange,
                   const std::vector<wire::v2::Payload>& inner, TimePoint now,
                   std::optional<PendingChild> child = std::nullopt);
  void sendResponse(IkeSa& sa, const wire::v2::Message& request, const Datagram& d,
                    const std::vector<wire::v2::Payload>& inner);
  void transmit(const Endpoint& local, const Endpoint& remote, Bytes data);
  // Protects a message for `sa`: one datagram, or RFC 7383 fragments when it is too large.
  std::vector<Bytes> protectMessage(IkeSa& sa, const wire::v2::Header& h,
                                    const std::vector<wire::v2::Payload>& inner);
  void retransmitOrGiveUp(IkeSa& sa, TimePoint now);
  void schedule(TimerEntry e) { timers_.push(std::move(e)); }
  uint64_t newIkeSpi();
  uint32_t newChildSpi();
  Bytes newNonce();
  Tunnel* findTunnel(const std::string& name);
  IkeSa* findSa(uint64_t key);
  // Tunnels on the gateway bound to `local` that accept a peer at `remote`: those naming that
  // exact address first, then those with a 0.0.0.0 customer gateway.
  std::vector<Tunnel*> candidates(const Endpoint& local, const Endpoint& remote);

  enum class Phase { One, Two };
  // Records a failed negotiation try of `t`. sa_key names the IKE SA it happened on (0 when
  // none survives): a failure on another SA than the tunnel's healthy current one is only
  // logged, and a failure of an additional CHILD SA on a healthy IKE SA is shown in the
  // diagnosis without taking the tunnel down.
  void recordFailure(Tunnel& t, Phase phase, DiagnosisCode code, const std::string& text,
                     TimePoint now, uint64_t sa_key = 0);
  void recordSuccess(Tunnel& t, TimePoint now);
  // Makes a newly established IKE SA the tunnel's current one, resolving a second IKE SA of
  // the same tunnel (simultaneous initiation or a peer that started over).
  void adoptIkeSa(Tunnel& t, IkeSa& sa, TimePoint now);
  // True when the tunnel already runs on another established IKE SA, so a failure of some
  // other negotiation must not change its status.
  bool healthyOnOtherSa(const Tunnel& t) const;
  void setStatus(Tunnel& t, ConnectionStatus s);
  // Removes an IKE SA and its CHILD SAs (from the data plane too). Sends nothing.
  void destroySa(uint64_t key);
  // Sends a Delete for the IKE SA (best effort, no retransmission) and destroys it.
  void deleteSaNow(IkeSa& sa, TimePoint now);
  void scheduleRetry(Tunnel& t, TimePoint now);
  // The peer stopped answering an established IKE SA: close it and apply the DPD action.
  void peerDead(IkeSa& sa, const std::string& why, TimePoint now);
  void dpdCheck(IkeSa& sa, TimePoint now);
  // After an authenticated message from the peer (liveness, DPD bookkeeping).
  // Also follows a peer behind a NAT whose mapping changed (RFC 7296 §2.23).
  void heardFrom(IkeSa& sa, const Datagram& d, TimePoint now);
  // Called whenever an IKE SA becomes established.
  void onEstablished(IkeSa& sa, Tunnel& t, TimePoint now);
  // INITIAL_CONTACT (RFC 7296 §3.10.1): the peer lost its state; drop our other SAs with it.
  void initialContact(IkeSa& sa, TimePoint now);
  TunnelStatus statusOf(const Tunnel& t) const;

  // ike_init.cc
  void noteStrayInit(const wire::v2::Message& m, const Datagram& d, TimePoint now);
  // The cookie for an IKE_SA_INIT request under the given secret.
  Bytes cookieFor(const CookieSecret& secret, ByteView ni, const Endpoint& peer, uint64_t spi_i);
  // Whether IKE_SA_INIT from `peer` must carry a valid cookie; rotates the secret when due.
  bool cookieRequired(const Endpoint& peer, TimePoint now);
  bool cookieValid(const wire::v2::Message& m, ByteView ni, const Endpoint& peer);
  void halfOpenAdded(const Endpoint& peer);
  void halfOpenRemoved(const Endpoint& peer);
  void initiateInit(Tunnel& t, TimePoint now, std::optional<uint16_t> group_override,
                    int probe_round = 0, std::string probe_refusal = {});
  // Ends a probe with the diagnosis it found (or `fallback` when it learnt nothing).
  void finishProbe(IkeSa& probe, const std::optional<IkeSuite>& peer_suite,
                   const std::string& fallback, TimePoint now);
  void respondInit(const wire::v2::Message& m, const Datagram& d, TimePoint now);
  void processInitResponse(IkeSa& sa, const wire::v2::Message& m, const Datagram& d, TimePoint now);
  void processProbeResponse(IkeSa& sa, const wire::v2::Message& m, TimePoint now);
  bool deriveIkeKeys(IkeSa& sa, ByteView peer_ke);
  std::vector<wire::v2::Payload> natDetectionPayloads(uint64_t spi_i, uint64_t spi_r,
                                                      const Endpoint& local,
                                                      const Endpoint& remote) const;
  void checkNat(IkeSa& sa, const std::vector<wire::v2::Payload>& payloads, const Datagram& d);

  // ike_auth.cc
  void initiateAuth(IkeSa& sa, Tunnel& t, TimePoint now);
  void respondAuth(IkeSa& sa, const wire::v2::Message& m,
                   const std::vector<wire::v2::Payload>& inner, const Datagram& d, TimePoint now);
  void processAuthResponse(IkeSa& sa, PendingChild pending,
                           const std::vector<wire::v2::Payload>& inner, TimePoint now);
  wire::v2::IdPayload idPayloadFor(const Identity& id) const;
  static std::optional<Identity> identityOf(const wire::v2::IdPayload& id);

  // child_create.cc
  // Sends the next queued request if none is outstanding.
  void pump(IkeSa& sa, TimePoint now);
  void sendCreateChild(IkeSa& sa, Tunnel& t, PendingChild c, TimePoint now);
  ChildSaState* findChild(IkeSa& sa, uint32_t spi_in);
  void childRekeyDue(IkeSa& sa, uint32_t spi_in, TimePoint now);
  void childExpired(IkeSa& sa, uint32_t spi_in, TimePoint now);
  void childVolumeCheck(IkeSa& sa, uint32_t spi_in, TimePoint now);
  // Removes one CHILD SA (and its data-plane state).
  void removeChild(IkeSa& sa, uint32_t spi_in);
  // Removes a CHILD SA that a newer one with the same selectors replaced (a rekey): its
  // outbound half stops now, its inbound half after kRetiredChildGrace. Other CHILD SAs are
  // removed at once.
  void removeReplacedChild(IkeSa& sa, uint32_t spi_in, TimePoint now);
  void flushRetiredChildren();
  // After our rekey of `old` produced `fresh`: settle which SA goes (RFC 7296 §2.8.1).
  void finishRekey(IkeSa& sa, uint32_t old_spi, uint32_t fresh_spi, ByteView our_ni,
                   ByteView peer_nr, TimePoint now);
  void respondCreateChild(IkeSa& sa, const wire::v2::Message& m,
                          const std::vector<wire::v2::Payload>& inner, const Datagram& d,
                          TimePoint now);
  void processCreateChildResponse(IkeSa& sa, PendingChild child,
                                  const std::vector<wire::v2::Payload>& inner, TimePoint now);
  // Responder side of a CHILD SA request (IKE_AUTH or CREATE_CHILD_SA): selects proposal and
  // selectors; on success installs the SA and appends SA/TS payloads to `reply`; on failure
  // appends the error notify and records the failure.
  bool acceptChildRequest(IkeSa& sa, Tunnel& t, const std::vector<wire::v2::Payload>& inner,
                          bool in_ike_auth, ByteView ni, ByteView nr, ByteView shared_secret,
                          std::vector<wire::v2::Payload>& reply, TimePoint now,
                          bool replaces_existing = false);
  // Initiator side: checks the answer to our CHILD SA request and installs the SA.
  bool completeChild(IkeSa& sa, Tunnel& t, const PendingChild& child,
                     const std::vector<wire::v2::Payload>& inner, bool in_ike_auth, ByteView ni,
                     ByteView nr, ByteView shared_secret, TimePoint now);
  std::vector<wire::v2::Payload> childRequestPayloads(const Tunnel& t, const PendingChild& c,
                                                      bool in_ike_auth) const;
  void installChild(IkeSa& sa, Tunnel& t, ChildSaState child, ByteView keymat_seed_ni, ByteView nr,
                    ByteView shared_secret, bool we_initiated_child, TimePoint now,
                    bool replaces_existing = false);

  // ike_rekey.cc
  void sendIkeRekey(IkeSa& old, TimePoint now);
  void respondIkeRekey(IkeSa& old, const wire::v2::Message& m,
                       const std::vector<wire::v2::Payload>& inner, const Datagram& d,
                       TimePoint now);
  void processIkeRekeyResponse(IkeSa& old, PendingIkeRekey rekey,
                               const std::vector<wire::v2::Payload>& inner, TimePoint now);
  // Creates the IKE SA that replaces `old` (keys per RFC 7296 §2.18); nullptr on failure.
  IkeSa* spawnRekeyedSa(IkeSa& old, bool we_initiated, uint64_t spi_i, uint64_t spi_r, ByteView ni,
                        ByteView nr, ByteView shared_secret, TimePoint now);
  // Moves the CHILD SAs (and the tunnel) from `from` to `to`; `from` becomes Rekeyed.
  void handOver(IkeSa& from, IkeSa& to, TimePoint now);
  void scheduleIkeLifetime(IkeSa& sa, const Tunnel& t, TimePoint now);

  // informational.cc
  void respondInformational(IkeSa& sa, const wire::v2::Message& m,
                            const std::vector<wire::v2::Payload>& inner, const Datagram& d,
                            TimePoint now);
  void processInformationalResponse(IkeSa& sa, const OutstandingRequest& req, TimePoint now);

  EngineOptions options_;
  Random& random_;
  Output& output_;
  Logger& logger_;
  Config config_;
  std::map<std::string, Tunnel> tunnels_;
  std::unordered_map<uint64_t, IkeSa> sas_;
  // Responder: (peer address, port, peer SPIi) -> our SPI, to recognise retransmitted
  // IKE_SA_INIT requests and answer them with the same response.
  std::map<std::tuple<uint32_t, uint16_t, uint64_t>, uint64_t> half_open_;
  std::unordered_map<uint32_t, uint32_t> half_open_per_address_;
  // Cookie secrets (RFC 7296 §2.6): the current one and its predecessor, so a cookie handed
  // out just before a rotation still verifies.
  CookieSecret cookie_current_;
  CookieSecret cookie_previous_;
  std::optional<TimePoint> cookie_rotated_at_;
  crypto::PrfPtr cookie_prf_;
  // Our inbound CHILD SA SPIs in use or reserved, and the IKE SA (key) each belongs to (0 while
  // being negotiated). CHILD SA timers find their SA through it, across IKE SA rekeys.
  std::unordered_map<uint32_t, uint64_t> child_owner_;
  // Inbound SPI -> tunnel of the CHILD SAs in their grace period (removeReplacedChild); their
  // SPIs stay reserved in child_owner_ (owner 0) until then.
  std::map<uint32_t, std::string> retired_children_;
  std::priority_queue<TimerEntry, std::vector<TimerEntry>, std::greater<>> timers_;
  EngineCounters counters_;
};

}  // namespace vpngw::ike
