// Engine dispatch: classifies each datagram, finds its IKE SA, enforces message-ID and
// retransmission rules (RFC 7296 §2.1, §2.2), runs the timers and keeps tunnel status.
#include "ike/engine.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "base/byte_io.h"
#include "ike/engine_impl.h"
#include "ike/traffic_selectors.h"

namespace vpngw::ike {

namespace v2 = wire::v2;
using wire::ExchangeType;

Engine::Engine(EngineOptions options, Random& random, Output& output, Logger& logger)
    : impl_(std::make_unique<Impl>(options, random, output, logger)) {}
Engine::~Engine() = default;
void Engine::load(const Config& config, TimePoint now) { impl_->load(config, now); }
void Engine::handleDatagram(const Datagram& d, TimePoint now) { impl_->handleDatagram(d, now); }
void Engine::handleTimers(TimePoint now) { impl_->handleTimers(now); }
std::optional<TimePoint> Engine::nextDeadline() const { return impl_->nextDeadline(); }
void Engine::shutdown(TimePoint now) { impl_->shutdown(now); }
void Engine::reset(const std::string& tunnel, TimePoint now) { impl_->reset(tunnel, now); }
void Engine::acquire(const std::string& tunnel, TimePoint now) {
  Tunnel* t = impl_->findTunnel(tunnel);
  if (t != nullptr && t->ike_sa == 0 && t->canInitiate()) {
    impl_->startNegotiation(*t, now);
  }
}
std::vector<TunnelStatus> Engine::status() const { return impl_->status(); }
std::optional<TunnelStatus> Engine::status(const std::string& t) const { return impl_->status(t); }
const EngineCounters& Engine::counters() const { return impl_->counters(); }

Engine::Impl::Impl(EngineOptions options, Random& random, Output& output, Logger& logger)
    : options_(options), random_(random), output_(output), logger_(logger) {}

namespace {

std::vector<Tunnel::Pair> wantedChildren(const TunnelConfig& cfg) {
  if (cfg.route_mode == RouteMode::Route) {
    // Route mode (seed 004): one CHILD SA with 0.0.0.0/0 on both sides; routes decide.
    std::vector<Ipv4Range> any{Ipv4Range{Ipv4{0}, Ipv4{0xffffffff}}};
    return {{any, any}};
  }
  if (!cfg.child_sa_per_subnet_pair) {
    return {{toRanges(cfg.local_subnets), toRanges(cfg.remote_subnets)}};
  }
  std::vector<Tunnel::Pair> pairs;
  for (const auto& l : cfg.local_subnets) {
    for (const auto& r : cfg.remote_subnets) {
      pairs.push_back({{Ipv4Range::of(l)}, {Ipv4Range::of(r)}});
    }
  }
  return pairs;
}

ExchangeType exchangeOf(RequestKind kind) {
  switch (kind) {
    case RequestKind::Init:
      return ExchangeType::IkeSaInit;
    case RequestKind::Auth:
      return ExchangeType::IkeAuth;
    case RequestKind::CreateChild:
    case RequestKind::RekeyIke:
      return ExchangeType::CreateChildSa;
    case RequestKind::Delete:
    case RequestKind::DeleteChild:
    case RequestKind::Liveness:
      break;
  }
  return ExchangeType::Informational;
}

}  // namespace

void Engine::Impl::load(const Config& config, TimePoint now) {
  // A reload keeps every tunnel whose settings (its own, its gateway's and its customer
  // gateway's) are unchanged, SAs and all; a changed tunnel is torn down (Delete sent) and
  // negotiates afresh with the new settings (spec §2: editing subnets or policies reconnects
  // the tunnel); a removed one is torn down.
  std::map<std::string_view, const TunnelConfig*> wanted;
  for (const auto& c : config.tunnels) {
    wanted.emplace(c.name, &c);
  }
  std::set<std::string> kept;
  for (const auto& [name, t] : tunnels_) {
    auto w = wanted.find(name);
    const TunnelConfig* tc = w == wanted.end() ? nullptr : w->second;
    const GatewayConfig* gw = tc ? config.findGateway(tc->gateway) : nullptr;
    const CustomerGatewayConfig* cgw =
        tc ? config.findCustomerGateway(tc->customer_gateway) : nullptr;
    if (tc != nullptr && gw != nullptr && cgw != nullptr && *tc == t.cfg && *gw == t.gateway &&
        *cgw == t.customer_gateway) {
      kept.insert(name);
    }
  }
  // IKE SAs of tunnels that go; half-open responder SAs (tunnel still "") stay: IKE_AUTH
  // resolves them against the new tunnel set.
  for (auto& [key, sa] : sas_) {
    if (!sa.tunnel.empty() && !kept.contains(sa.tunnel) && sa.state == IkeState::Established) {
      deleteSaNow(sa, now);
    }
  }
  for (auto it = sas_.begin(); it != sas_.end();) {
    uint64_t key = it->first;
    bool goes = !it->second.tunnel.empty() && !kept.contains(it->second.tunnel);
    ++it;
    if (goes) {
      destroySa(key);
    }
  }
  std::erase_if(tunnels_, [&](const auto& entry) { return !kept.contains(entry.first); });
  config_ = config;
  std::vector<std::string> fresh;
  for (const auto& tc : config_.tunnels) {
    if (kept.contains(tc.name)) {
      continue;
    }
    const GatewayConfig* gw = config_.findGateway(tc.gateway);
    const CustomerGatewayConfig* cgw = config_.findCustomerGateway(tc.customer_gateway);
    if (gw == nullptr || cgw == nullptr) {
      logger_.error("ike", "tunnel " + tc.name + ": unknown gateway or customer gateway");
      continue;
    }
    Tunnel t;
    t.cfg = tc;
    t.gateway = *gw;
    t.customer_gateway = *cgw;
    t.ike_suite = ikeSuiteFor(tc.ike);
    t.child_suite = childSuiteFor(tc.ipsec);
    t.local_id = tc.ike.local_id.value_or(Identity::ofAddress(gw->public_ip));
    t.remote_id = tc.ike.remote_id.value_or(Identity::ofAddress(cgw->ip));
    t.wanted_children = wantedChildren(tc);
    auto [it, inserted] = tunnels_.emplace(tc.name, std::move(t));
    Tunnel& tun = it->second;
    if (tc.ike.version == IkeVersion::V1) {
      tun.last_error = "IKEv1 is not available in this build; the tunnel stays down";
      logger_.warn("ike", "tunnel " + tc.name + ": " + tun.last_error);
      continue;
    }
    fresh.push_back(tc.name);
  }
  // INITIAL_CONTACT makes the peer drop every SA it has with us; only a tunnel that is alone
  // with its peer (address and identities) may send it.
  using PeerKey = std::tuple<uint32_t, std::string, std::string>;
  auto peerKey = [](const Tunnel& t) {
    return PeerKey{t.customer_gateway.ip.value, t.remote_id.value, t.local_id.value};
  };
  std::map<PeerKey, int> per_peer;
  for (const auto& [name, t] : tunnels_) {
    ++per_peer[peerKey(t)];
  }
  for (auto& [name, t] : tunnels_) {
    t.sole_tunnel_to_peer = per_peer[peerKey(t)] == 1;
  }
  for (const auto& name : fresh) {
    Tunnel& t = tunnels_.at(name);
    if (t.cfg.ike.version == IkeVersion::V2 && t.canInitiate()) {
      startNegotiation(t, now);
    }
  }
}

// Spec §2 "apply immediately": the tunnel's SAs go (Delete sent) and it negotiates afresh.
void Engine::Impl::reset(const std::string& name, TimePoint now) {
  auto found = tunnels_.find(name);
  if (found == tunnels_.end()) {
    return;
  }
  for (auto& [key, sa] : sas_) {
    if (sa.tunnel == name && sa.state == IkeState::Established) {
      deleteSaNow(sa, now);
    }
  }
  for (auto it = sas_.begin(); it != sas_.end();) {
    uint64_t key = it->first;
    bool goes = it->second.tunnel == name;
    ++it;
    if (goes) {
      destroySa(key);
    }
  }
  Tunnel& t = found->second;
  t.ike_sa = 0;
  t.failures = 0;
  t.waiting_for_peer = false;
  t.retry_at.reset();
  logger_.info("ike", "tunnel " + name + ": reset by the operator");
  setStatus(t, ConnectionStatus::Connecting);
  if (t.cfg.ike.version == IkeVersion::V2 && t.canInitiate()) {
    startNegotiation(t, now);
  }
}

void Engine::Impl::startNegotiation(Tunnel& t, TimePoint now) {
  t.retry_at.reset();
  t.waiting_for_peer = false;
  t.last_try_start = now;
  ++t.attempts;
  initiateInit(t, now, std::nullopt);
}

// ---------------------------------------------------------------------------------------
// Receiving

void Engine::Impl::handleDatagram(const Datagram& d, TimePoint now) {
  ++counters_.received;
  auto header = v2::decodeHeader(d.data);
  if (!header) {
    ++counters_.dropped_malformed;
    return;
  }
  if ((header->version >> 4) == 1) {
    ++counters_.dropped_version;
    handleIkev1(d, now);
    return;
  }
  auto decoded = v2::decode(d.data);
  if (!decoded) {
    ++counters_.dropped_malformed;
    logger_.debug("ike", "dropped malformed message from " + d.remote.toString() + ": " +
                             decoded.error().message);
    return;
  }
  const v2::Message& m = *decoded;
  const v2::Header& h = m.header;
  bool response = h.isResponse();
  // The I flag names the original initiator of the IKE SA (RFC 7296 §3.1): when the sender
  // is the initiator, our SPI is the responder SPI.
  bool sender_is_initiator = h.isInitiator();

  if (!response && h.exchange == static_cast<uint8_t>(ExchangeType::IkeSaInit)) {
    if (h.spi_r != 0 || !sender_is_initiator || h.message_id != 0) {
      ++counters_.dropped_unexpected;
      return;
    }
    respondInit(m, d, now);
    return;
  }
  uint64_t key = sender_is_initiator ? h.spi_r : h.spi_i;
  IkeSa* sa = findSa(key);
  if (sa == nullptr || (sa->initiator == sender_is_initiator) || (sa->spi_i != h.spi_i) ||
      (h.exchange != static_cast<uint8_t>(ExchangeType::IkeSaInit) && sa->spi_r != h.spi_r)) {
    ++counters_.dropped_unknown_spi;
    return;
  }
  if (response) {
    dispatchResponse(*sa, m, d, now);
  } else {
    dispatchRequest(*sa, m, d, now);
  }
}

void Engine::Impl::dispatchRequest(IkeSa& sa, const v2::Message& m, const Datagram& d,
                                   TimePoint now) {
  const v2::Header& h = m.header;
  // A retransmission of the last request gets the cached response again (RFC 7296 §2.1),
  // after the integrity check so that forged copies cannot trigger replies.
  if (sa.last_response_id && h.message_id == *sa.last_response_id) {
    if (!m.payloads.empty() && m.payloads.back().type == wire::payload::kSkf) {
      // A fragmented request repeated: answer once, on its verified first fragment.
      auto f = sa.protector ? sa.protector->openFragment(d.data, m) : makeError("no keys");
      if (!f || f->number != 1) {
        return;
      }
    } else if (!openProtected(sa, m, d)) {
      return;
    }
    ++counters_.retransmitted_responses;
    for (const Bytes& b : sa.last_response) {
      transmit(sa.last_response_from, d.remote, b);
    }
    return;
  }
  if (h.message_id != sa.expected_peer_request) {
    ++counters_.dropped_unexpected;
    return;
  }
  auto inner = openProtected(sa, m, d);
  if (!inner) {
    return;
  }
  heardFrom(sa, d, now);
  switch (static_cast<ExchangeType>(h.exchange)) {
    case ExchangeType::IkeAuth:
      if (sa.initiator || sa.state != IkeState::InitDone) {
        ++counters_.dropped_unexpected;
        return;
      }
      respondAuth(sa, m, *inner, d, now);
      return;
    case ExchangeType::CreateChildSa:
      if (sa.state != IkeState::Established) {
        ++counters_.dropped_unexpected;
        return;
      }
      respondCreateChild(sa, m, *inner, d, now);
      return;
    case ExchangeType::Informational:
      if (sa.state != IkeState::Established && sa.state != IkeState::Deleting &&
          sa.state != IkeState::Rekeyed) {
        ++counters_.dropped_unexpected;
        return;
      }
      respondInformational(sa, m, *inner, d, now);
      return;
    default:
      ++counters_.dropped_unexpected;
      return;
  }
}

void Engine::Impl::dispatchResponse(IkeSa& sa, const v2::Message& m, const Datagram& d,
                                    TimePoint now) {
  const v2::Header& h = m.header;
  if (!sa.outstanding || sa.outstanding->message_id != h.message_id ||
      static_cast<uint8_t>(exchangeOf(sa.outstanding->kind)) != h.exchange) {
    ++counters_.dropped_unexpected;
    return;
  }
  if (sa.outstanding->kind == RequestKind::Init) {
    processInitResponse(sa, m, d, now);
    return;
  }
  auto inner = openProtected(sa, m, d);
  if (!inner) {
    return;
  }
  heardFrom(sa, d, now);
  OutstandingRequest req = std::move(*sa.outstanding);
  sa.outstanding.reset();
  // The peer may have moved (NAT mapping change); answer where it now is.
  switch (req.kind) {
    case RequestKind::Auth:
      processAuthResponse(sa, std::move(*req.child), *inner, now);
      return;
    case RequestKind::CreateChild:
      processCreateChildResponse(sa, std::move(*req.child), *inner, now);
      return;
    case RequestKind::RekeyIke:
      processIkeRekeyResponse(sa, std::move(*req.ike_rekey), *inner, now);
      return;
    case RequestKind::Delete:
    case RequestKind::DeleteChild:
    case RequestKind::Liveness:
      processInformationalResponse(sa, req, now);
      return;
    case RequestKind::Init:
      return;
  }
}

std::optional<std::vector<v2::Payload>> Engine::Impl::reassemble(IkeSa& sa, const v2::Message& m,
                                                                 const Datagram& d) {
  // Each fragment is verified on its own before it is kept (RFC 7383 §2.6.2), and a message
  // is bounded in fragments and bytes, so forged or endless fragments cost nothing lasting.
  constexpr uint16_t kMaxFragments = 64;
  auto f = sa.protector->openFragment(d.data, m);
  if (!f) {
    if (f.error().message.rfind("integrity", 0) == 0) {
      ++counters_.dropped_integrity;
    } else {
      ++counters_.dropped_malformed;
    }
    return std::nullopt;
  }
  ++counters_.fragments_received;
  auto& slot = sa.reassembly[m.header.isResponse() ? 1 : 0];
  if (!slot || slot->message_id != m.header.message_id) {
    slot.emplace();
    slot->message_id = m.header.message_id;
    slot->total = f->total;
  }
  if (f->total != slot->total || f->total > kMaxFragments ||
      slot->bytes + f->chain.size() > wire::kMaxMessageSize) {
    ++counters_.dropped_malformed;
    slot.reset();
    return std::nullopt;
  }
  if (f->number == 1) {
    slot->inner_first = f->inner_first;
  }
  if (slot->pieces.count(f->number) == 0) {
    slot->bytes += f->chain.size();
    slot->pieces.emplace(f->number, std::move(f->chain));
  }
  if (slot->pieces.size() < slot->total) {
    return std::nullopt;
  }
  Bytes chain;
  chain.reserve(slot->bytes);
  for (const auto& [number, piece] : slot->pieces) {
    chain.insert(chain.end(), piece.begin(), piece.end());
  }
  uint8_t first = slot->inner_first;
  slot.reset();
  auto inner = v2::decodePayloadChain(first, chain);
  if (!inner) {
    ++counters_.dropped_malformed;
    return std::nullopt;
  }
  ++counters_.messages_reassembled;
  return std::move(*inner);
}

std::optional<std::vector<v2::Payload>> Engine::Impl::openProtected(IkeSa& sa, const v2::Message& m,
                                                                    const Datagram& d) {
  if (sa.protector && !m.payloads.empty() && m.payloads.back().type == wire::payload::kSkf) {
    return reassemble(sa, m, d);
  }
  if (!sa.protector || m.payloads.empty() || m.payloads.back().type != wire::payload::kSk) {
    ++counters_.dropped_unexpected;
    return std::nullopt;
  }
  auto inner = sa.protector->open(d.data, m);
  if (!inner) {
    if (inner.error().message.rfind("integrity", 0) == 0) {
      ++counters_.dropped_integrity;
    } else {
      ++counters_.dropped_malformed;
    }
    logger_.debug("ike", "dropped protected message from " + d.remote.toString() + ": " +
                             inner.error().message);
    return std::nullopt;
  }
  return std::move(*inner);
}

void Engine::Impl::handleIkev1(const Datagram& d, TimePoint now) {
  // An IKEv1 (ISAKMP) message at an IKEv2 tunnel: the peer speaks the other version.
  for (Tunnel* t : candidates(d.local, d.remote)) {
    if (t->cfg.ike.version != IkeVersion::V2) {
      continue;
    }
    recordFailure(*t, Phase::One, DiagnosisCode::VersionMismatch,
                  "peer " + d.remote.address.toString() +
                      " speaks IKEv1 but this tunnel is configured for IKEv2: set the same "
                      "IKE version on both sides",
                  now);
  }
}

// ---------------------------------------------------------------------------------------
// Sending and retransmission

void Engine::Impl::transmit(const Endpoint& local, const Endpoint& remote, Bytes data) {
  ++counters_.sent;
  output_.send(Datagram{local, remote, std::move(data)});
}

void Engine::Impl::sendRequest(IkeSa& sa, RequestKind kind, ExchangeType exchange,
                               const std::vector<v2::Payload>& inner, TimePoint now,
                               std::optional<PendingChild> child) {
  v2::Header h;
  h.spi_i = sa.spi_i;
  h.spi_r = sa.spi_r;
  h.exchange = static_cast<uint8_t>(exchange);
  h.flags = sa.initiator ? wire::flags::kInitiator : 0;
  h.message_id = sa.next_request_id++;
  std::vector<Bytes> sealed = protectMessage(sa, h, inner);
  if (sealed.empty()) {
    return;
  }
  OutstandingRequest req;
  req.kind = kind;
  req.message_id = h.message_id;
  req.datagrams = std::move(sealed);
  req.local = sa.local;
  req.remote = sa.remote;
  req.deadline = now + options_.retransmit_timeout;
  req.child = std::move(child);
  for (const Bytes& b : req.datagrams) {
    transmit(req.local, req.remote, b);
  }
  sa.outstanding = std::move(req);
  schedule({sa.outstanding->deadline, TimerKind::Retransmit, sa.key, {}});
}

void Engine::Impl::sendResponse(IkeSa& sa, const v2::Message& request, const Datagram& d,
                                const std::vector<v2::Payload>& inner) {
  v2::Header h;
  h.spi_i = sa.spi_i;
  h.spi_r = sa.spi_r;
  h.exchange = request.header.exchange;
  h.flags = wire::flags::kResponse | (sa.initiator ? wire::flags::kInitiator : 0);
  h.message_id = request.header.message_id;
  std::vector<Bytes> sealed = protectMessage(sa, h, inner);
  if (sealed.empty()) {
    return;
  }
  sa.expected_peer_request = request.header.message_id + 1;
  sa.last_response_id = request.header.message_id;
  sa.last_response = std::move(sealed);
  sa.last_response_from = d.local;
  sa.last_response_to = d.remote;
  for (const Bytes& b : sa.last_response) {
    transmit(d.local, d.remote, b);
  }
}

std::vector<Bytes> Engine::Impl::protectMessage(IkeSa& sa, const v2::Header& h,
                                                const std::vector<v2::Payload>& inner) {
  auto sealed = sa.protector->seal(h, inner, random_);
  if (!sealed) {
    logger_.error("ike", "cannot protect message: " + sealed.error().message);
    return {};
  }
  if (!sa.fragmentation || sealed->size() <= options_.fragment_size) {
    return {std::move(*sealed)};
  }
  auto fragments =
      sa.protector->sealFragments(h, inner.empty() ? wire::payload::kNone : inner.front().type,
                                  v2::encodePayloadChain(inner), options_.fragment_size, random_);
  if (!fragments) {
    logger_.error("ike", "cannot fragment message: " + fragments.error().message);
    return {std::move(*sealed)};
  }
  counters_.fragments_sent += fragments->size();
  return std::move(*fragments);
}

void Engine::Impl::retransmitOrGiveUp(IkeSa& sa, TimePoint now) {
  OutstandingRequest& req = *sa.outstanding;
  // Liveness checks retransmit until the DPD timeout; other requests a fixed number of times.
  bool timed_out = req.give_up_at && now >= *req.give_up_at;
  if (!timed_out && (req.give_up_at || req.retransmits < options_.max_retransmits)) {
    ++req.retransmits;
    ++counters_.retransmits;
    Duration timeout = options_.retransmit_timeout;
    for (uint32_t i = 0; i < req.retransmits && timeout < options_.retransmit_timeout_max; ++i) {
      timeout = Duration(static_cast<int64_t>(timeout.count() * options_.retransmit_backoff));
    }
    timeout = std::min(timeout, options_.retransmit_timeout_max);
    req.deadline = now + timeout;
    if (req.give_up_at) {
      req.deadline = std::min(req.deadline, *req.give_up_at);
    }
    for (const Bytes& b : req.datagrams) {
      transmit(req.local, req.remote, b);
    }
    schedule({req.deadline, TimerKind::Retransmit, sa.key, {}});
    return;
  }
  if (sa.probe_round > 0) {
    finishProbe(sa, std::nullopt, sa.probe_refusal, now);
    return;
  }
  if (sa.state == IkeState::Established || sa.state == IkeState::Deleting) {
    peerDead(sa,
             "no answer to " + std::string(wire::exchangeName(exchangeOf(req.kind))) + " after " +
                 std::to_string(req.retransmits + 1) + " transmissions",
             now);
    return;
  }
  // Abandoned: the peer does not answer.
  RequestKind kind = req.kind;
  uint32_t tries = req.retransmits + 1;
  Endpoint remote = req.remote;
  std::string tunnel = sa.tunnel;
  uint64_t key = sa.key;
  destroySa(key);
  Tunnel* t = findTunnel(tunnel);
  if (t == nullptr) {
    return;
  }
  std::string what(wire::exchangeName(exchangeOf(kind)));
  std::string text = "no answer from " + remote.address.toString() + " on UDP " +
                     std::to_string(remote.port) + " to " + what + " after " +
                     std::to_string(tries) + " transmissions: check that the peer is up and " +
                     "that UDP 500 and 4500 (and ESP) are open between the gateways";
  if (t->peer_behind_nat && kind == RequestKind::Init) {
    recordFailure(*t, Phase::One, DiagnosisCode::NatPeerMustInitiate,
                  text +
                      "; the peer was seen behind a NAT before, so it may only be reachable "
                      "when it initiates (with a dynamic address, use a 0.0.0.0 customer "
                      "gateway and let the peer start the tunnel)",
                  now);
    return;
  }
  recordFailure(*t,
                kind == RequestKind::Init || kind == RequestKind::Auth ? Phase::One : Phase::Two,
                DiagnosisCode::PeerUnreachable, text, now);
}

// ---------------------------------------------------------------------------------------
// Timers

void Engine::Impl::handleTimers(TimePoint now) {
  while (!timers_.empty() && timers_.top().at <= now) {
    TimerEntry e = timers_.top();
    timers_.pop();
    switch (e.kind) {
      case TimerKind::Retransmit: {
        IkeSa* sa = findSa(e.sa_key);
        if (sa != nullptr && sa->outstanding && sa->outstanding->deadline <= now) {
          retransmitOrGiveUp(*sa, now);
        }
        break;
      }
      case TimerKind::HalfOpen: {
        IkeSa* sa = findSa(e.sa_key);
        if (sa != nullptr && sa->state == IkeState::InitDone &&
            sa->created + options_.half_open_timeout <= now) {
          destroySa(e.sa_key);
        }
        break;
      }
      case TimerKind::ChildRekey:
      case TimerKind::ChildVolume:
      case TimerKind::ChildExpire: {
        // The CHILD SA may have moved to a rekeyed IKE SA since the timer was set.
        auto owner = child_owner_.find(e.spi);
        IkeSa* sa = owner == child_owner_.end() ? nullptr : findSa(owner->second);
        if (sa != nullptr && sa->state == IkeState::Established) {
          if (e.kind == TimerKind::ChildRekey) {
            childRekeyDue(*sa, e.spi, now);
          } else if (e.kind == TimerKind::ChildVolume) {
            childVolumeCheck(*sa, e.spi, now);
          } else {
            childExpired(*sa, e.spi, now);
          }
        }
        break;
      }
      case TimerKind::IkeRekey: {
        IkeSa* sa = findSa(e.sa_key);
        if (sa != nullptr && sa->state == IkeState::Established) {
          sa->queue.push_back({QueuedRequest::Kind::RekeyIke, 0, 0});
          pump(*sa, now);
        }
        break;
      }
      case TimerKind::ChildRetired: {
        auto it = retired_children_.find(e.spi);
        if (it != retired_children_.end()) {
          output_.removeChildSa(it->second, it->first);
          child_owner_.erase(it->first);
          retired_children_.erase(it);
        }
        break;
      }
      case TimerKind::IkeExpire: {
        IkeSa* sa = findSa(e.sa_key);
        if (sa != nullptr &&
            (sa->state == IkeState::Established || sa->state == IkeState::Rekeyed)) {
          // The hard lifetime ended without a rekey: renegotiate from scratch.
          logger_.warn("ike", "tunnel " + sa->tunnel + ": IKE SA expired before it was rekeyed");
          Tunnel* t = findTunnel(sa->tunnel);
          bool current = t != nullptr && t->ike_sa == sa->key;
          deleteSaNow(*sa, now);
          destroySa(e.sa_key);
          if (current) {
            setStatus(*t, ConnectionStatus::Connecting);
            if (t->canInitiate()) {
              startNegotiation(*t, now);
            }
          }
        }
        break;
      }
      case TimerKind::Dpd: {
        IkeSa* sa = findSa(e.sa_key);
        if (sa != nullptr && sa->state == IkeState::Established) {
          dpdCheck(*sa, now);
        }
        break;
      }
      case TimerKind::TunnelRetry: {
        Tunnel* t = findTunnel(e.tunnel);
        if (t != nullptr && t->retry_at && *t->retry_at <= now && t->ike_sa == 0) {
          startNegotiation(*t, now);
        }
        break;
      }
    }
  }
}

std::optional<TimePoint> Engine::Impl::nextDeadline() const {
  if (timers_.empty()) {
    return std::nullopt;
  }
  return timers_.top().at;
}

// ---------------------------------------------------------------------------------------
// Bookkeeping

uint64_t Engine::Impl::newIkeSpi() {
  for (;;) {
    uint64_t spi = random_.u64();
    if (spi != 0 && sas_.count(spi) == 0) {
      return spi;
    }
  }
}

uint32_t Engine::Impl::newChildSpi() {
  for (;;) {
    // Like strongSwan, keep inbound SPIs in 0xc0000000.. so they never collide with the
    // reserved range 1-255 (RFC 4303 §2.1).
    uint32_t spi = random_.u32() | 0xc0000000u;
    if (child_owner_.emplace(spi, 0).second) {
      return spi;
    }
  }
}

Bytes Engine::Impl::newNonce() {
  Bytes n(32);
  random_.fill(n);
  return n;
}

Tunnel* Engine::Impl::findTunnel(const std::string& name) {
  auto it = tunnels_.find(name);
  return it == tunnels_.end() ? nullptr : &it->second;
}

IkeSa* Engine::Impl::findSa(uint64_t key) {
  auto it = sas_.find(key);
  return it == sas_.end() ? nullptr : &it->second;
}

std::vector<Tunnel*> Engine::Impl::candidates(const Endpoint& local, const Endpoint& remote) {
  std::vector<Tunnel*> exact;
  std::vector<Tunnel*> any;
  for (auto& [name, t] : tunnels_) {
    if (t.gateway.bind_ip != local.address) {
      continue;
    }
    if (t.customer_gateway.ip == remote.address) {
      exact.push_back(&t);
    } else if (t.customer_gateway.ip.isAny()) {
      any.push_back(&t);
    }
  }
  exact.insert(exact.end(), any.begin(), any.end());
  return exact;
}

void Engine::Impl::setStatus(Tunnel& t, ConnectionStatus s) {
  if (t.status == s) {
    return;
  }
  logger_.info("ike", "tunnel " + t.cfg.name + ": " + std::string(toString(t.status)) + " -> " +
                          std::string(toString(s)));
  t.status = s;
  output_.statusChanged(statusOf(t));
}

bool Engine::Impl::healthyOnOtherSa(const Tunnel& t) const {
  auto it = sas_.find(t.ike_sa);
  return t.ike_sa != 0 && it != sas_.end() && it->second.state == IkeState::Established &&
         !it->second.children.empty();
}

void Engine::Impl::adoptIkeSa(Tunnel& t, IkeSa& sa, TimePoint now) {
  IkeSa* other = t.ike_sa != sa.key ? findSa(t.ike_sa) : nullptr;
  t.ike_sa = sa.key;
  if (other == nullptr) {
    return;
  }
  if (other->state != IkeState::Established) {
    // Our own negotiation still in flight: it finishes (or fails) on its own and is resolved
    // against this one then.
    t.ike_sa = sa.key;
    return;
  }
  if (other->established_at < sa.created) {
    // The other SA predates this negotiation: the peer started over (restart, lost state).
    logger_.info("ike", "tunnel " + t.cfg.name + ": replacing the previous IKE SA");
    deleteSaNow(*other, now);
    destroySa(other->key);
    t.ike_sa = sa.key;
    return;
  }
  // Both sides initiated at the same time and both SAs came up. Keep the one with the lower
  // initiator SPI, a rule both ends evaluate alike; the initiator of the other one deletes it.
  IkeSa* keep = sa.spi_i < other->spi_i ? &sa : other;
  IkeSa* drop = keep == &sa ? other : &sa;
  t.ike_sa = keep->key;
  if (drop->initiator) {
    logger_.info("ike", "tunnel " + t.cfg.name + ": closing duplicate IKE SA");
    deleteSaNow(*drop, now);
    destroySa(drop->key);
  }
}

void Engine::Impl::recordFailure(Tunnel& t, Phase phase, DiagnosisCode code,
                                 const std::string& text, TimePoint now, uint64_t sa_key) {
  ++counters_.negotiations_failed;
  if (healthyOnOtherSa(t)) {
    if (sa_key != t.ike_sa) {
      // A stray or duplicate negotiation failed while the tunnel is up on its own IKE SA.
      logger_.info("ike", "tunnel " + t.cfg.name + ": ignoring failed extra negotiation: " + text);
      return;
    }
    // An additional CHILD SA was refused: the tunnel stays up, the diagnosis says why some
    // subnets do not pass.
    t.last_error = text;
    t.last_error_at = now;
    t.diagnosis = Diagnosis{code, text};
    logger_.warn("ike", "tunnel " + t.cfg.name + ": CHILD SA refused (" +
                            std::string(toString(code)) + "): " + text);
    return;
  }
  ++t.failures;
  t.last_error = text;
  t.last_error_at = now;
  t.diagnosis = Diagnosis{code, text};
  logger_.warn("ike", "tunnel " + t.cfg.name + ": negotiation failed (" +
                          std::string(toString(code)) + "): " + text);
  if (t.failures >= options_.failures_before_failed_state) {
    setStatus(
        t, phase == Phase::One ? ConnectionStatus::Phase1Failed : ConnectionStatus::Phase2Failed);
  } else if (t.status == ConnectionStatus::Connected) {
    setStatus(t, ConnectionStatus::Connecting);
  }
  scheduleRetry(t, now);
}

void Engine::Impl::scheduleRetry(Tunnel& t, TimePoint now) {
  if (!t.canInitiate() || t.ike_sa != 0 || t.waiting_for_peer) {
    return;
  }
  // The first tries follow each other quickly so that three of them end well within 40 s;
  // after that a try starts every 12 s (spec §3), counted start to start, so that a peer that
  // comes back is reached within a few seconds even when each try waits 11 s for answers.
  TimePoint at = now + options_.quick_retry_delay;
  if (t.failures > options_.quick_retries && t.last_try_start) {
    at = std::max(at, *t.last_try_start + options_.retry_interval);
  }
  t.retry_at = at;
  schedule({*t.retry_at, TimerKind::TunnelRetry, 0, t.cfg.name});
}

void Engine::Impl::recordSuccess(Tunnel& t, TimePoint now) {
  (void)now;
  t.waiting_for_peer = false;
  t.failures = 0;
  t.diagnosis = {};
  t.retry_at.reset();
  setStatus(t, ConnectionStatus::Connected);
}

void Engine::Impl::destroySa(uint64_t key) {
  auto it = sas_.find(key);
  if (it == sas_.end()) {
    return;
  }
  IkeSa& sa = it->second;
  for (const auto& c : sa.children) {
    output_.removeChildSa(sa.tunnel, c.spi_in);
    child_owner_.erase(c.spi_in);
  }
  if (sa.outstanding && sa.outstanding->child) {
    child_owner_.erase(sa.outstanding->child->spi_in);
  }
  if (!sa.initiator &&
      half_open_.erase({sa.half_open_from.address.value, sa.half_open_from.port, sa.spi_i}) > 0) {
    halfOpenRemoved(sa.half_open_from);
  }
  if (Tunnel* t = findTunnel(sa.tunnel); t != nullptr && t->ike_sa == key) {
    t->ike_sa = 0;
  }
  sas_.erase(it);  // IkeKeys are SecureBytes: wiped here
}

void Engine::Impl::deleteSaNow(IkeSa& sa, TimePoint now) {
  (void)now;
  if (!sa.protector) {
    return;
  }
  v2::Payload del{wire::payload::kDelete, false, v2::DeletePayload{wire::ProtocolId::Ike, 0, {}}};
  v2::Header h;
  h.spi_i = sa.spi_i;
  h.spi_r = sa.spi_r;
  h.exchange = static_cast<uint8_t>(ExchangeType::Informational);
  h.flags = sa.initiator ? wire::flags::kInitiator : 0;
  h.message_id = sa.next_request_id++;
  for (Bytes& b : protectMessage(sa, h, {del})) {
    transmit(sa.local, sa.remote, std::move(b));
  }
}

void Engine::Impl::shutdown(TimePoint now) {
  std::vector<uint64_t> keys;
  for (auto& [key, sa] : sas_) {
    if (sa.state == IkeState::Established) {
      deleteSaNow(sa, now);
    }
    keys.push_back(key);
  }
  for (uint64_t k : keys) {
    destroySa(k);
  }
  flushRetiredChildren();
  while (!timers_.empty()) {
    timers_.pop();
  }
}

void Engine::Impl::heardFrom(IkeSa& sa, const Datagram& d, TimePoint now) {
  sa.last_inbound = now;
  // Only a peer behind a NAT may move, and only an authenticated message (we are called after
  // the integrity check) can move it; IKE_SA_INIT-era half-open SAs are not followed.
  if (!sa.nat_remote || sa.state != IkeState::Established ||
      (d.remote == sa.remote && d.local == sa.local)) {
    return;
  }
  logger_.info("ike", "tunnel " + sa.tunnel + ": the peer's NAT mapping changed: " +
                          sa.remote.toString() + " -> " + d.remote.toString());
  ++counters_.nat_mapping_changes;
  sa.remote = d.remote;
  sa.local = d.local;
  for (const auto& c : sa.children) {
    output_.childSaPeerMoved(sa.tunnel, c.spi_in, d.local, d.remote);
  }
}

void Engine::Impl::onEstablished(IkeSa& sa, Tunnel& t, TimePoint now) {
  sa.last_inbound = now;
  t.waiting_for_peer = false;
  t.peer_behind_nat = sa.nat_remote;
  scheduleIkeLifetime(sa, t, now);
  if (t.cfg.dpd.enabled) {
    schedule({now + t.cfg.dpd.delay, TimerKind::Dpd, sa.key, {}});
  }
}

void Engine::Impl::dpdCheck(IkeSa& sa, TimePoint now) {
  Tunnel* t = findTunnel(sa.tunnel);
  if (t == nullptr || !t->cfg.dpd.enabled) {
    return;
  }
  Duration delay = t->cfg.dpd.delay;
  if (sa.outstanding) {
    // A request is in flight: its own answer (or give-up) tells whether the peer lives.
    schedule({now + delay, TimerKind::Dpd, sa.key, {}});
    return;
  }
  // Any sign of life counts: an authenticated IKE message or ESP on one of its CHILD SAs.
  TimePoint last = sa.last_inbound;
  for (const auto& c : sa.children) {
    if (auto esp = output_.lastInbound(c.spi_in); esp && *esp > last) {
      last = *esp;
    }
  }
  if (now - last < delay) {
    schedule({last + delay, TimerKind::Dpd, sa.key, {}});
    return;
  }
  // RFC 7296 §2.4: an empty INFORMATIONAL request; no answer within the timeout = dead.
  ++counters_.dpd_checks;
  sendRequest(sa, RequestKind::Liveness, ExchangeType::Informational, {}, now);
  if (sa.outstanding) {
    sa.outstanding->give_up_at = now + t->cfg.dpd.timeout;
  }
  schedule({now + delay, TimerKind::Dpd, sa.key, {}});
}

void Engine::Impl::peerDead(IkeSa& sa, const std::string& why, TimePoint now) {
  Tunnel* t = findTunnel(sa.tunnel);
  bool current = t != nullptr && t->ike_sa == sa.key;
  Endpoint remote = sa.remote;
  ++counters_.dead_peers;
  destroySa(sa.key);  // removes its CHILD SAs (and with them the routes)
  if (t == nullptr || !current) {
    return;
  }
  ++t->dpd_failures;
  DpdAction action = t->cfg.dpd.action;
  t->waiting_for_peer = action != DpdAction::Restart;
  std::string next = action == DpdAction::Restart ? "renegotiating"
                     : action == DpdAction::Clear ? "SAs cleared, waiting for the peer"
                                                  : "SAs cleared, renegotiating on traffic";
  recordFailure(*t, Phase::One, DiagnosisCode::PeerUnreachable,
                "the peer " + remote.address.toString() + " stopped answering (" + why +
                    "; dead peer detection, action " + std::string(toString(action)) + ": " + next +
                    ")",
                now);
  if (action == DpdAction::Restart && t->canInitiate() && t->ike_sa == 0) {
    startNegotiation(*t, now);
  }
}

void Engine::Impl::initialContact(IkeSa& sa, TimePoint now) {
  ++counters_.initial_contacts;
  Tunnel* t = findTunnel(sa.tunnel);
  if (t == nullptr) {
    return;
  }
  std::vector<uint64_t> stale;
  for (auto& [key, other] : sas_) {
    // Only SAs that were up before this negotiation began: our own negotiations in flight
    // (simultaneous initiation) are not stale.
    if (key == sa.key || other.remote.address != sa.remote.address ||
        other.state != IkeState::Established || other.established_at > sa.created) {
      continue;
    }
    Tunnel* ot = findTunnel(other.tunnel);
    if (ot != nullptr && ot->remote_id == t->remote_id && ot->local_id == t->local_id) {
      stale.push_back(key);
    }
  }
  logger_.debug("ike", "INITIAL_CONTACT: " + std::to_string(stale.size()) + " stale IKE SAs");
  for (uint64_t key : stale) {
    std::string name = findSa(key)->tunnel;
    logger_.info("ike", "tunnel " + name +
                            ": the peer restarted (INITIAL_CONTACT): dropping its old IKE SA");
    destroySa(key);
    Tunnel* ot = findTunnel(name);
    if (ot != nullptr && ot != t && ot->ike_sa == 0) {
      if (ot->status == ConnectionStatus::Connected) {
        setStatus(*ot, ConnectionStatus::Connecting);
      }
      scheduleRetry(*ot, now);
    }
  }
}

TunnelStatus Engine::Impl::statusOf(const Tunnel& t) const {
  TunnelStatus s;
  s.name = t.cfg.name;
  s.status = t.status;
  s.last_error = t.last_error;
  s.last_error_at = t.last_error_at;
  s.diagnosis = t.diagnosis;
  s.attempts = t.attempts;
  s.failures = t.failures;
  s.dpd_failures = t.dpd_failures;
  s.rekeys = t.rekeys;
  auto it = sas_.find(t.ike_sa);
  if (t.ike_sa != 0 && it != sas_.end() && it->second.state == IkeState::Established) {
    const IkeSa& sa = it->second;
    IkeSaStatus is;
    is.spi_i = sa.spi_i;
    is.spi_r = sa.spi_r;
    is.initiator = sa.initiator;
    is.algorithms = sa.suite.name();
    is.local = sa.local;
    is.remote = sa.remote;
    is.established_at = sa.established_at;
    s.ike_sa = is;
    for (const auto& c : sa.children) {
      ChildSaStatus cs;
      cs.spi_in = c.spi_in;
      cs.spi_out = c.spi_out;
      cs.local_ts = toStrings(c.local_ts);
      cs.remote_ts = toStrings(c.remote_ts);
      cs.algorithms = c.suite.name();
      cs.protocol = c.suite.protocol == wire::ProtocolId::Ah ? "ah" : "esp";
      cs.udp_encap = sa.natDetected();
      cs.established_at = c.established_at;
      s.child_sas.push_back(std::move(cs));
    }
  }
  return s;
}

std::vector<TunnelStatus> Engine::Impl::status() const {
  std::vector<TunnelStatus> out;
  out.reserve(tunnels_.size());
  for (const auto& [name, t] : tunnels_) {
    out.push_back(statusOf(t));
  }
  return out;
}

std::optional<TunnelStatus> Engine::Impl::status(const std::string& name) const {
  auto it = tunnels_.find(name);
  if (it == tunnels_.end()) {
    return std::nullopt;
  }
  return statusOf(it->second);
}

}  // namespace vpngw::ike
