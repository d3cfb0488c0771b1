// IKE_SA_INIT (RFC 7296 §1.2, §2.6, §2.23): proposal and D-H exchange, nonces, NAT detection.
//
//   Initiator                         Responder
//   HDR, SAi1, KEi, Ni, N(NAT_D)*  -->
//                                  <--  HDR, SAr1, KEr, Nr, N(NAT_D)*
//                                  <--  HDR, N(INVALID_KE_PAYLOAD | NO_PROPOSAL_CHOSEN | COOKIE)
#include "base/byte_io.h"
#include "crypto/hash.h"
#include "ike/engine_impl.h"
#include "ike/notify.h"

namespace vpngw::ike {

namespace v2 = wire::v2;
using wire::ExchangeType;

namespace {

Bytes natHash(uint64_t spi_i, uint64_t spi_r, const Endpoint& e) {
  ByteWriter w;
  w.u64(spi_i);
  w.u64(spi_r);
  w.u32(e.address.value);
  w.u16(e.port);
  return crypto::sha1(w.buffer());
}

Bytes groupBytes(uint16_t group) {
  ByteWriter w;
  w.u16(group);
  return w.take();
}

}  // namespace

std::vector<v2::Payload> Engine::Impl::natDetectionPayloads(uint64_t spi_i, uint64_t spi_r,
                                                            const Endpoint& local,
                                                            const Endpoint& remote) const {
  return {notify(wire::notify::kNatDetectionSourceIp, natHash(spi_i, spi_r, local)),
          notify(wire::notify::kNatDetectionDestinationIp, natHash(spi_i, spi_r, remote))};
}

void Engine::Impl::checkNat(IkeSa& sa, const std::vector<v2::Payload>& payloads,
                            const Datagram& d) {
  // The hashes cover the SPIs of the message that carries them (SPIr is zero in a request).
  auto header = v2::decodeHeader(d.data);
  if (!header) {
    return;
  }
  Bytes peer_src = natHash(header->spi_i, header->spi_r, d.remote);
  Bytes our_dst = natHash(header->spi_i, header->spi_r, d.local);
  bool saw_src = false;
  bool saw_dst = false;
  bool src_match = false;
  bool dst_match = false;
  for (const auto& p : payloads) {
    const auto* n = std::get_if<v2::NotifyPayload>(&p.body);
    if (n == nullptr) {
      continue;
    }
    if (n->type == wire::notify::kNatDetectionSourceIp) {
      saw_src = true;
      src_match = src_match || n->data == peer_src;
    } else if (n->type == wire::notify::kNatDetectionDestinationIp) {
      saw_dst = true;
      dst_match = dst_match || n->data == our_dst;
    }
  }
  sa.nat_remote = saw_src && !src_match;
  sa.nat_local = saw_dst && !dst_match;
}

std::optional<crypto::IkeKeySizes> ikeKeySizes(const IkeSuite& suite) {
  auto prf = crypto::createPrf(suite.prf_id);
  if (!prf) {
    return std::nullopt;
  }
  crypto::IkeKeySizes sizes;
  sizes.prf = (*prf)->outputSize();
  if (suite.integ_id != 0) {
    auto integ = crypto::createIntegrity(suite.integ_id);
    if (!integ) {
      return std::nullopt;
    }
    sizes.integ = (*integ)->keySize();
  }
  if (crypto::isAead(suite.encr_id)) {
    auto aead = crypto::createAead(suite.encr_id, suite.encr_key_bits);
    if (!aead) {
      return std::nullopt;
    }
    sizes.encr = (*aead)->keySize();
  } else {
    auto cbc = crypto::createBlockCipher(suite.encr_id, suite.encr_key_bits);
    if (!cbc) {
      return std::nullopt;
    }
    sizes.encr = (*cbc)->keySize();
  }
  return sizes;
}

bool Engine::Impl::deriveIkeKeys(IkeSa& sa, ByteView peer_ke) {
  auto shared = sa.ke->sharedSecret(peer_ke);
  if (!shared) {
    logger_.info("ike", "peer's D-H public value refused: " + shared.error().message);
    return false;
  }
  auto prf = crypto::createPrf(sa.suite.prf_id);
  if (!prf) {
    return false;
  }
  auto sizes = ikeKeySizes(sa.suite);
  if (!sizes) {
    return false;
  }
  SecureBytes seed = crypto::skeyseed(**prf, sa.ni, sa.nr, *shared);
  auto keys = crypto::deriveIkeKeys(**prf, seed, sa.ni, sa.nr, sa.spi_i, sa.spi_r, *sizes);
  if (!keys) {
    return false;
  }
  auto protector = SkProtector::create(sa.suite, *keys, sa.initiator);
  if (!protector) {
    return false;
  }
  sa.prf = std::move(*prf);
  sa.keys = std::move(*keys);
  sa.protector.emplace(std::move(*protector));
  sa.ke.reset();  // the D-H private value is no longer needed
  return true;
}

// ---------------------------------------------------------------------------------------
// Initiator

void Engine::Impl::initiateInit(Tunnel& t, TimePoint now, std::optional<uint16_t> group,
                                int probe_round, std::string probe_refusal) {
  if (t.ike_sa != 0) {
    destroySa(t.ike_sa);
  }
  IkeSa sa;
  sa.key = newIkeSpi();
  sa.spi_i = sa.key;
  sa.initiator = true;
  sa.tunnel = t.cfg.name;
  sa.gateway = t.gateway.name;
  sa.local = {t.gateway.bind_ip, wire::kIkePort};
  sa.remote = {t.customer_gateway.ip, wire::kIkePort};
  sa.suite = t.ike_suite;
  sa.created = now;
  sa.probe_round = probe_round;
  sa.probe_refusal = std::move(probe_refusal);
  uint16_t dh = group.value_or(sa.suite.dh_group);
  auto ke = crypto::createKeyExchange(dh);
  if (!ke) {
    logger_.error("ike", "tunnel " + t.cfg.name + ": " + ke.error().message);
    return;
  }
  sa.ke = std::move(*ke);
  sa.ni = newNonce();

  v2::Message m;
  m.header.spi_i = sa.spi_i;
  m.header.exchange = static_cast<uint8_t>(ExchangeType::IkeSaInit);
  m.header.flags = wire::flags::kInitiator;
  m.payloads.push_back({wire::payload::kSa, false,
                        probe_round > 0 ? probeOffer() : v2::SaPayload{{toProposal(sa.suite)}}});
  m.payloads.push_back({wire::payload::kKe, false, v2::KePayload{dh, sa.ke->publicValue()}});
  m.payloads.push_back({wire::payload::kNonce, false, v2::NoncePayload{sa.ni}});
  for (auto& p : natDetectionPayloads(sa.spi_i, 0, sa.local, sa.remote)) {
    m.payloads.push_back(std::move(p));
  }
  m.payloads.push_back(notify(wire::notify::kIkev2FragmentationSupported));
  sa.init_request = v2::encode(m);
  sa.next_request_id = 1;

  OutstandingRequest req;
  req.kind = RequestKind::Init;
  req.message_id = 0;
  req.datagrams = {sa.init_request};
  req.local = sa.local;
  req.remote = sa.remote;
  req.deadline = now + options_.retransmit_timeout;
  sa.outstanding = std::move(req);

  uint64_t key = sa.key;
  t.ike_sa = key;
  IkeSa& stored = sas_.emplace(key, std::move(sa)).first->second;
  logger_.info("ike", "tunnel " + t.cfg.name + ": " +
                          (probe_round > 0 ? "probing which IKE algorithms the peer accepts at "
                                           : "initiating IKE_SA_INIT to ") +
                          stored.remote.toString() + " (" + stored.suite.name() + ")");
  transmit(stored.local, stored.remote, stored.init_request);
  schedule({stored.outstanding->deadline, TimerKind::Retransmit, key, {}});
}

void Engine::Impl::processInitResponse(IkeSa& sa, const v2::Message& m, const Datagram& d,
                                       TimePoint now) {
  Tunnel* t = findTunnel(sa.tunnel);
  if (t == nullptr) {
    destroySa(sa.key);
    return;
  }
  const auto& pl = m.payloads;
  auto fail = [&](DiagnosisCode code, const std::string& text) {
    destroySa(sa.key);
    recordFailure(*t, Phase::One, code, text, now);
  };
  if (const v2::NotifyPayload* n = v2::findNotify(pl, wire::notify::kCookie)) {
    // RFC 7296 §2.6: repeat the request with the cookie as the first payload.
    auto original = v2::decode(sa.init_request);
    if (!original || n->data.empty() || n->data.size() > 64) {
      ++counters_.dropped_malformed;
      return;
    }
    v2::Message retry = std::move(*original);
    if (!retry.payloads.empty() && retry.payloads.front().type == wire::payload::kNotify &&
        std::get<v2::NotifyPayload>(retry.payloads.front().body).type == wire::notify::kCookie) {
      retry.payloads.erase(retry.payloads.begin());
    }
    retry.payloads.insert(retry.payloads.begin(), notify(wire::notify::kCookie, n->data));
    sa.init_request = v2::encode(retry);
    sa.outstanding->datagrams = {sa.init_request};
    sa.outstanding->retransmits = 0;
    sa.outstanding->deadline = now + options_.retransmit_timeout;
    transmit(sa.local, sa.remote, sa.init_request);
    schedule({sa.outstanding->deadline, TimerKind::Retransmit, sa.key, {}});
    return;
  }
  if (sa.probe_round > 0) {
    processProbeResponse(sa, m, now);
    return;
  }
  if (const v2::NotifyPayload* n = v2::findNotify(pl, wire::notify::kInvalidKePayload)) {
    ByteReader r(n->data);
    uint16_t wanted = r.u16();
    if (!r.ok()) {
      ++counters_.dropped_malformed;
      return;
    }
    // Retry with the group the responder asks for only when it is the one we allow (one
    // algorithm set per phase) and we did not already send it.
    auto ke_sent = v2::decode(sa.init_request);
    uint16_t sent_group = 0;
    if (ke_sent) {
      if (const auto* ke = v2::find<v2::KePayload>(ke_sent->payloads, wire::payload::kKe)) {
        sent_group = ke->group;
      }
    }
    if (wanted == t->ike_suite.dh_group && wanted != sent_group) {
      initiateInit(*t, now, wanted);
      return;
    }
    fail(DiagnosisCode::DhMismatch,
         "the peer requires D-H group " + std::to_string(wanted) +
             " for IKE (INVALID_KE_PAYLOAD); this tunnel is configured for group " +
             std::to_string(t->ike_suite.dh_group) + ": set the same DH group on both sides");
    return;
  }
  if (v2::findNotify(pl, wire::notify::kNoProposalChosen)) {
    // Learn which setting differs before reporting: one diagnostic IKE_SA_INIT offering
    // everything we implement (never completed).
    std::string text = "the peer refused our IKE proposal " + t->ike_suite.name() +
                       " (NO_PROPOSAL_CHOSEN): encryption, authentication or DH group of the IKE "
                       "policy differ between the two sides";
    destroySa(sa.key);
    initiateInit(*t, now, std::nullopt, 1, text);
    return;
  }
  if (v2::findNotify(pl, wire::notify::kInvalidMajorVersion)) {
    fail(DiagnosisCode::VersionMismatch,
         "the peer does not speak IKEv2 (INVALID_MAJOR_VERSION): set the same IKE version on "
         "both sides");
    return;
  }
  if (const v2::NotifyPayload* n = v2::findErrorNotify(pl)) {
    fail(DiagnosisCode::ProposalMismatch,
         "the peer refused IKE_SA_INIT with " + std::string(wire::notifyName(n->type)));
    return;
  }
  const auto* sa_pl = v2::find<v2::SaPayload>(pl, wire::payload::kSa);
  const auto* ke = v2::find<v2::KePayload>(pl, wire::payload::kKe);
  const auto* nonce = v2::find<v2::NoncePayload>(pl, wire::payload::kNonce);
  if (sa_pl == nullptr || ke == nullptr || nonce == nullptr || m.header.spi_r == 0) {
    ++counters_.dropped_malformed;
    return;
  }
  auto accepted = acceptIke(*sa_pl, sa.suite);
  if (auto* mm = std::get_if<ProposalMismatch>(&accepted)) {
    fail(DiagnosisCode::ProposalMismatch, "the peer answered with IKE proposal " + mm->offered +
                                              ", which we did not offer (" + mm->ours + ")");
    return;
  }
  if (ke->group != sa.ke->group()) {
    fail(DiagnosisCode::DhMismatch, "the peer answered with a KE payload of D-H group " +
                                        std::to_string(ke->group) + " instead of " +
                                        std::to_string(sa.ke->group()));
    return;
  }
  sa.spi_r = m.header.spi_r;
  sa.nr = nonce->data;
  sa.suite.dh_group = ke->group;
  if (!deriveIkeKeys(sa, ke->data)) {
    fail(DiagnosisCode::ProposalMismatch,
         "the peer's D-H public value is invalid (RFC 6989 checks failed)");
    return;
  }
  sa.init_response = d.data;
  sa.outstanding.reset();
  sa.fragmentation = v2::findNotify(pl, wire::notify::kIkev2FragmentationSupported) != nullptr;
  checkNat(sa, pl, d);
  if (sa.natDetected()) {
    // RFC 7296 §2.23: with a NAT on the path, continue on port 4500.
    sa.local.port = wire::kNatTPort;
    sa.remote.port = wire::kNatTPort;
  }
  initiateAuth(sa, *t, now);
}

void Engine::Impl::processProbeResponse(IkeSa& sa, const v2::Message& m, TimePoint now) {
  const auto& pl = m.payloads;
  if (const v2::NotifyPayload* n = v2::findNotify(pl, wire::notify::kInvalidKePayload)) {
    // The peer accepts one of the offers, with another group: ask again with that group to
    // learn the rest of its choice.
    ByteReader r(n->data);
    uint16_t wanted = r.u16();
    Tunnel* t = findTunnel(sa.tunnel);
    if (r.ok() && t != nullptr && sa.probe_round == 1 && crypto::isSupportedGroup(wanted)) {
      std::string refusal = sa.probe_refusal;
      destroySa(sa.key);
      initiateInit(*t, now, wanted, 2, refusal);
      return;
    }
    finishProbe(sa, std::nullopt,
                sa.probe_refusal + "; the peer asks for D-H group " + std::to_string(wanted), now);
    return;
  }
  const auto* sa_pl = v2::find<v2::SaPayload>(pl, wire::payload::kSa);
  if (sa_pl != nullptr && sa_pl->proposals.size() == 1) {
    finishProbe(sa, suiteOf(sa_pl->proposals.front()), sa.probe_refusal, now);
    return;
  }
  if (v2::findNotify(pl, wire::notify::kNoProposalChosen) != nullptr) {
    finishProbe(sa, std::nullopt,
                sa.probe_refusal + "; the peer accepts none of the IKE algorithms vpngw supports",
                now);
    return;
  }
  finishProbe(sa, std::nullopt, sa.probe_refusal, now);
}

void Engine::Impl::finishProbe(IkeSa& probe, const std::optional<IkeSuite>& peer_suite,
                               const std::string& fallback, TimePoint now) {
  Tunnel* t = findTunnel(probe.tunnel);
  destroySa(probe.key);  // the peer's half-open state for it expires on its own
  if (t == nullptr) {
    return;
  }
  if (!peer_suite) {
    recordFailure(*t, Phase::One, DiagnosisCode::ProposalMismatch, fallback, now);
    return;
  }
  IkeSuite ours = t->ike_suite;
  IkeSuite theirs = *peer_suite;
  IkeSuite same_group = theirs;
  same_group.dh_group = ours.dh_group;
  if (same_group == ours) {
    recordFailure(*t, Phase::One, DiagnosisCode::DhMismatch,
                  "the peer refused D-H group " + std::to_string(ours.dh_group) +
                      " and accepts IKE " + theirs.name() + " (group " +
                      std::to_string(theirs.dh_group) + "); this tunnel is configured for " +
                      ours.name() + ": set the same DH group on both sides",
                  now);
    return;
  }
  recordFailure(*t, Phase::One, DiagnosisCode::ProposalMismatch,
                "the peer refused our IKE proposal " + ours.name() + " and accepts " +
                    theirs.name() +
                    ": set the same IKE encryption, authentication and DH group on both sides",
                now);
}

// An IKE_SA_INIT from an address no customer gateway names. When its NAT-D payload shows
// that the sender is behind a NAT, it is likely one of our peers coming from a NAT pool or a
// dynamic address: say so on the tunnels of this gateway that are down (spec §3: "peer behind
// NAT with a non-fixed address and no 0.0.0.0 customer gateway").
void Engine::Impl::noteStrayInit(const v2::Message& m, const Datagram& d, TimePoint now) {
  Bytes seen = natHash(m.header.spi_i, 0, d.remote);
  bool translated = false;
  bool has_natd = false;
  for (const auto& p : m.payloads) {
    const auto* n = std::get_if<v2::NotifyPayload>(&p.body);
    if (n != nullptr && n->type == wire::notify::kNatDetectionSourceIp) {
      has_natd = true;
      translated = translated || n->data != seen;
    }
  }
  if (!has_natd || !translated) {
    return;
  }
  for (auto& [name, t] : tunnels_) {
    if (t.gateway.bind_ip != d.local.address || t.status == ConnectionStatus::Connected ||
        t.customer_gateway.ip.isAny()) {
      continue;
    }
    t.diagnosis = Diagnosis{
        DiagnosisCode::NatPeerMustInitiate,
        "an IKE_SA_INIT came from " + d.remote.address.toString() +
            ", an address behind a NAT that no customer gateway names (this tunnel expects " +
            t.customer_gateway.ip.toString() +
            "): if it is this tunnel's peer on a dynamic or "
            "NAT-pool address, set its customer gateway to 0.0.0.0 with the peer's real id as "
            "remote_id, and let the peer initiate"};
    t.last_error = t.diagnosis.text;
    t.last_error_at = now;
  }
}

// ---------------------------------------------------------------------------------------
// Cookies (RFC 7296 §2.6): Cookie = <VersionIDofSecret> | prf(secret, Ni | IPi | SPIi)

Bytes Engine::Impl::cookieFor(const CookieSecret& secret, ByteView ni, const Endpoint& peer,
                              uint64_t spi_i) {
  ByteWriter w;
  w.bytes(ni);
  w.u32(peer.address.value);
  w.u64(spi_i);
  SecureBytes mac = cookie_prf_->compute(secret.secret, w.buffer());
  ByteWriter cookie;
  cookie.u8(secret.version);
  cookie.bytes(ByteView(mac).first(16));
  return cookie.take();
}

bool Engine::Impl::cookieRequired(const Endpoint& peer, TimePoint now) {
  if (!cookie_prf_) {
    auto prf = crypto::createPrf(wire::prf::kHmacSha256);
    if (!prf) {
      return false;
    }
    cookie_prf_ = std::move(*prf);
  }
  if (!cookie_rotated_at_ || now - *cookie_rotated_at_ >= options_.cookie_secret_lifetime) {
    cookie_previous_ = std::move(cookie_current_);
    cookie_current_.version = static_cast<uint8_t>(cookie_previous_.version + 1);
    cookie_current_.secret.assign(32, 0);
    random_.fill(cookie_current_.secret);
    cookie_rotated_at_ = now;
  }
  auto per = half_open_per_address_.find(peer.address.value);
  uint32_t from_peer = per == half_open_per_address_.end() ? 0 : per->second;
  return half_open_.size() >= options_.cookie_threshold ||
         from_peer >= options_.cookie_threshold_per_address;
}

bool Engine::Impl::cookieValid(const v2::Message& m, ByteView ni, const Endpoint& peer) {
  // The cookie must be the first payload of the repeated request.
  if (m.payloads.empty()) {
    return false;
  }
  const auto* n = std::get_if<v2::NotifyPayload>(&m.payloads.front().body);
  if (n == nullptr || n->type != wire::notify::kCookie || n->data.empty()) {
    return false;
  }
  for (const CookieSecret* s : {&cookie_current_, &cookie_previous_}) {
    if (!s->secret.empty() && n->data[0] == s->version &&
        constantTimeEqual(n->data, cookieFor(*s, ni, peer, m.header.spi_i))) {
      return true;
    }
  }
  return false;
}

void Engine::Impl::halfOpenAdded(const Endpoint& peer) {
  ++half_open_per_address_[peer.address.value];
}

void Engine::Impl::halfOpenRemoved(const Endpoint& peer) {
  auto it = half_open_per_address_.find(peer.address.value);
  if (it != half_open_per_address_.end() && --it->second == 0) {
    half_open_per_address_.erase(it);
  }
}

// ---------------------------------------------------------------------------------------
// Responder

void Engine::Impl::respondInit(const v2::Message& m, const Datagram& d, TimePoint now) {
  const v2::Header& h = m.header;
  auto half = half_open_.find({d.remote.address.value, d.remote.port, h.spi_i});
  if (half != half_open_.end()) {
    // A retransmitted IKE_SA_INIT: answer with the same response (RFC 7296 §2.1).
    if (IkeSa* sa = findSa(half->second); sa != nullptr && sa->init_request == d.data) {
      ++counters_.retransmitted_responses;
      transmit(d.local, d.remote, sa->init_response);
      return;
    }
    ++counters_.dropped_unexpected;
    return;
  }
  if (half_open_.size() >= options_.max_half_open) {
    ++counters_.dropped_half_open_limit;
    return;
  }
  std::vector<Tunnel*> cands;
  for (Tunnel* t : candidates(d.local, d.remote)) {
    if (t->cfg.ike.version == IkeVersion::V2) {
      cands.push_back(t);
    }
  }
  if (cands.empty()) {
    ++counters_.dropped_unexpected;
    logger_.debug("ike", "IKE_SA_INIT from " + d.remote.toString() + ": no tunnel for it");
    noteStrayInit(m, d, now);
    return;
  }
  const auto& pl = m.payloads;
  const auto* sa_pl = v2::find<v2::SaPayload>(pl, wire::payload::kSa);
  const auto* ke = v2::find<v2::KePayload>(pl, wire::payload::kKe);
  const auto* nonce = v2::find<v2::NoncePayload>(pl, wire::payload::kNonce);
  if (sa_pl == nullptr || ke == nullptr || nonce == nullptr) {
    ++counters_.dropped_malformed;
    return;
  }
  if (cookieRequired(d.remote, now) && !cookieValid(m, nonce->data, d.remote)) {
    // Under load no state and no D-H work for a source that has not shown it receives our
    // answers: hand it a cookie to repeat (RFC 7296 §2.6).
    if (v2::findNotify(pl, wire::notify::kCookie) != nullptr) {
      ++counters_.dropped_bad_cookie;
    }
    ++counters_.cookies_sent;
    v2::Message r;
    r.header.spi_i = h.spi_i;
    r.header.exchange = h.exchange;
    r.header.flags = wire::flags::kResponse;
    r.payloads.push_back(
        notify(wire::notify::kCookie, cookieFor(cookie_current_, nonce->data, d.remote, h.spi_i)));
    transmit(d.local, d.remote, v2::encode(r));
    return;
  }
  auto reply_notify = [&](uint16_t type, Bytes data) {
    v2::Message r;
    r.header.spi_i = h.spi_i;
    r.header.exchange = h.exchange;
    r.header.flags = wire::flags::kResponse;
    r.payloads.push_back(notify(type, std::move(data)));
    transmit(d.local, d.remote, v2::encode(r));
  };

  Tunnel* chosen = nullptr;
  IkeSelection selection;
  std::vector<std::pair<Tunnel*, ProposalMismatch>> mismatches;
  for (Tunnel* t : cands) {
    auto sel = selectIke(*sa_pl, t->ike_suite);
    if (auto* ok = std::get_if<IkeSelection>(&sel)) {
      chosen = t;
      selection = *ok;
      break;
    }
    mismatches.emplace_back(t, std::get<ProposalMismatch>(sel));
  }
  if (chosen == nullptr) {
    // What is not configured is refused (RFC 7296 §2.7; one algorithm set per phase). The
    // diagnosis tells a D-H-only difference apart, since the offer shows everything.
    reply_notify(wire::notify::kNoProposalChosen, {});
    for (auto& [t, mm] : mismatches) {
      if (mm.only_dh_differs) {
        recordFailure(*t, Phase::One, DiagnosisCode::DhMismatch,
                      "the peer proposed " + mm.offered + " but this tunnel requires D-H group " +
                          std::to_string(t->ike_suite.dh_group) + " (" + mm.ours +
                          "): set the same DH group on both sides",
                      now);
      } else {
        recordFailure(*t, Phase::One, DiagnosisCode::ProposalMismatch,
                      "the peer proposed IKE " + mm.offered +
                          " but this tunnel is configured for " + mm.ours +
                          ": set the same encryption, authentication and DH group",
                      now);
      }
    }
    return;
  }
  if (ke->group != selection.suite.dh_group) {
    // The proposal is acceptable but the KE payload uses another group (RFC 7296 §1.2).
    reply_notify(wire::notify::kInvalidKePayload, groupBytes(selection.suite.dh_group));
    return;
  }

  IkeSa sa;
  sa.key = newIkeSpi();
  sa.spi_i = h.spi_i;
  sa.spi_r = sa.key;
  sa.initiator = false;
  // With several candidate tunnels the peer's identity (IKE_AUTH) decides which one it is.
  size_t same_suite = 0;
  for (Tunnel* t : cands) {
    same_suite += t->ike_suite == selection.suite ? 1 : 0;
  }
  sa.tunnel = same_suite == 1 ? chosen->cfg.name : std::string();
  sa.gateway = chosen->gateway.name;
  sa.local = d.local;
  sa.remote = d.remote;
  sa.half_open_from = d.remote;
  sa.suite = selection.suite;
  sa.created = now;
  sa.ni = nonce->data;
  sa.nr = newNonce();
  auto ours = crypto::createKeyExchange(ke->group);
  if (!ours) {
    return;
  }
  sa.ke = std::move(*ours);
  Bytes our_public = sa.ke->publicValue();
  if (!deriveIkeKeys(sa, ke->data)) {
    ++counters_.dropped_malformed;
    return;
  }
  checkNat(sa, pl, d);

  v2::Message r;
  r.header.spi_i = sa.spi_i;
  r.header.spi_r = sa.spi_r;
  r.header.exchange = h.exchange;
  r.header.flags = wire::flags::kResponse;
  r.payloads.push_back({wire::payload::kSa, false,
                        v2::SaPayload{{toProposal(sa.suite, selection.proposal_number)}}});
  r.payloads.push_back({wire::payload::kKe, false, v2::KePayload{ke->group, our_public}});
  r.payloads.push_back({wire::payload::kNonce, false, v2::NoncePayload{sa.nr}});
  if (v2::findNotify(pl, wire::notify::kNatDetectionSourceIp) != nullptr) {
    for (auto& p : natDetectionPayloads(sa.spi_i, sa.spi_r, d.local, d.remote)) {
      r.payloads.push_back(std::move(p));
    }
  }
  if (v2::findNotify(pl, wire::notify::kIkev2FragmentationSupported) != nullptr) {
    r.payloads.push_back(notify(wire::notify::kIkev2FragmentationSupported));
    sa.fragmentation = true;
  }
  sa.init_request = d.data;
  sa.init_response = v2::encode(r);
  sa.state = IkeState::InitDone;
  sa.expected_peer_request = 1;
  uint64_t key = sa.key;
  half_open_[{d.remote.address.value, d.remote.port, h.spi_i}] = key;
  halfOpenAdded(d.remote);
  IkeSa& stored = sas_.emplace(key, std::move(sa)).first->second;
  schedule({now + options_.half_open_timeout, TimerKind::HalfOpen, key, {}});
  transmit(d.local, d.remote, stored.init_response);
}

}  // namespace vpngw::ike
