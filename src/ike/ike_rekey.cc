// IKE SA rekeying (RFC 7296 §1.3.2, §2.8, §2.18): a CREATE_CHILD_SA on the old IKE SA creates
// its successor, the CHILD SAs move over, and the initiator of the rekey deletes the old SA.
//
//   Initiator                                   Responder
//   HDR, SK {SA(IKE, new SPIi), Ni, KEi}  -->
//                                         <--   HDR, SK {SA(IKE, new SPIr), Nr, KEr}
//   HDR(old), SK {D(IKE)}                 -->
//
// Both sides may rekey at once (§2.8.2): the new SA made by the exchange with the lowest of
// the four nonces is redundant and deleted by its initiator; the other one takes the CHILD SAs.
#include "base/byte_io.h"
#include "ike/engine_impl.h"
#include "ike/notify.h"

namespace vpngw::ike {

namespace v2 = wire::v2;
using wire::ExchangeType;

namespace {

Bytes spiBytes(uint64_t spi) {
  ByteWriter w;
  w.u64(spi);
  return w.take();
}

}  // namespace

void Engine::Impl::scheduleIkeLifetime(IkeSa& sa, const Tunnel& t, TimePoint now) {
  // Rekey at 90% of the lifetime less up to another 5% of jitter, so that many tunnels
  // configured alike spread their rekeys; the hard end is the lifetime itself.
  auto life = std::chrono::duration_cast<Duration>(t.cfg.ike.lifetime);
  auto jitter = Duration(random_.below(static_cast<uint32_t>(life.count() / 20) + 1));
  schedule({now + life * 9 / 10 - jitter, TimerKind::IkeRekey, sa.key, {}});
  schedule({now + life, TimerKind::IkeExpire, sa.key, {}});
}

IkeSa* Engine::Impl::spawnRekeyedSa(IkeSa& old, bool we_initiated, uint64_t spi_i, uint64_t spi_r,
                                    ByteView ni, ByteView nr, ByteView shared_secret,
                                    TimePoint now) {
  IkeSa sa;
  sa.initiator = we_initiated;  // the rekey's initiator is the new SA's original initiator
  sa.spi_i = spi_i;
  sa.spi_r = spi_r;
  sa.key = we_initiated ? spi_i : spi_r;
  sa.tunnel = old.tunnel;
  sa.gateway = old.gateway;
  sa.local = old.local;
  sa.remote = old.remote;
  sa.nat_local = old.nat_local;
  sa.nat_remote = old.nat_remote;
  sa.fragmentation = old.fragmentation;
  sa.suite = old.suite;
  sa.ni = toBytes(ni);
  sa.nr = toBytes(nr);
  sa.created = now;
  auto prf = crypto::createPrf(sa.suite.prf_id);
  if (!prf) {
    return nullptr;
  }
  auto sizes = ikeKeySizes(sa.suite);
  if (!sizes) {
    return nullptr;
  }
  // RFC 7296 §2.18: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr), with the old PRF.
  SecureBytes seed = crypto::rekeyedSkeyseed(*old.prf, old.keys.sk_d, shared_secret, ni, nr);
  auto keys = crypto::deriveIkeKeys(**prf, seed, ni, nr, spi_i, spi_r, *sizes);
  if (!keys) {
    return nullptr;
  }
  auto protector = SkProtector::create(sa.suite, *keys, sa.initiator);
  if (!protector) {
    return nullptr;
  }
  sa.prf = std::move(*prf);
  sa.keys = std::move(*keys);
  sa.protector.emplace(std::move(*protector));
  sa.state = IkeState::Established;
  sa.established_at = now;
  sa.last_inbound = now;
  uint64_t key = sa.key;
  return &sas_.emplace(key, std::move(sa)).first->second;
}

void Engine::Impl::handOver(IkeSa& from, IkeSa& to, TimePoint now) {
  to.children = std::move(from.children);
  from.children.clear();
  for (const auto& c : to.children) {
    child_owner_[c.spi_in] = to.key;
  }
  // Queued CHILD SA work moves along; the old SA only has its own deletion left.
  for (const auto& q : from.queue) {
    if (q.kind != QueuedRequest::Kind::RekeyIke && q.kind != QueuedRequest::Kind::DeleteIke) {
      to.queue.push_back(q);
    }
  }
  from.queue.clear();
  from.state = IkeState::Rekeyed;
  if (Tunnel* t = findTunnel(to.tunnel)) {
    t->ike_sa = to.key;
    ++t->rekeys;
    onEstablished(to, *t, now);
    logger_.info("ike", "tunnel " + t->cfg.name + ": IKE SA rekeyed (" + to.suite.name() + ")");
  }
  pump(to, now);
  // The old SA's DPD and lifetime timers find it no longer Established and fall silent.
}

void Engine::Impl::sendIkeRekey(IkeSa& old, TimePoint now) {
  logger_.info("ike", "tunnel " + old.tunnel + ": rekeying IKE SA");
  PendingIkeRekey r;
  r.spi = newIkeSpi();
  r.nonce = newNonce();
  auto ke = crypto::createKeyExchange(old.suite.dh_group);
  if (!ke) {
    logger_.error("ike", "IKE rekey: " + ke.error().message);
    return;
  }
  r.ke = std::move(*ke);
  std::vector<v2::Payload> payloads;
  payloads.push_back(
      {wire::payload::kSa, false, v2::SaPayload{{toProposal(old.suite, 1, spiBytes(r.spi))}}});
  payloads.push_back({wire::payload::kNonce, false, v2::NoncePayload{r.nonce}});
  payloads.push_back(
      {wire::payload::kKe, false, v2::KePayload{r.ke->group(), r.ke->publicValue()}});
  sendRequest(old, RequestKind::RekeyIke, ExchangeType::CreateChildSa, payloads, now);
  if (old.outstanding) {
    old.outstanding->ike_rekey = std::move(r);
  }
}

void Engine::Impl::respondIkeRekey(IkeSa& old, const v2::Message& m,
                                   const std::vector<v2::Payload>& inner, const Datagram& d,
                                   TimePoint now) {
  const auto* sa_pl = v2::find<v2::SaPayload>(inner, wire::payload::kSa);
  const auto* ni = v2::find<v2::NoncePayload>(inner, wire::payload::kNonce);
  const auto* ke = v2::find<v2::KePayload>(inner, wire::payload::kKe);
  if (sa_pl == nullptr || ni == nullptr || ke == nullptr) {
    sendResponse(old, m, d, {notify(wire::notify::kInvalidSyntax)});
    return;
  }
  bool rekeying_too = old.outstanding && old.outstanding->kind == RequestKind::RekeyIke;
  if (old.state != IkeState::Established ||
      (old.outstanding && !rekeying_too && old.outstanding->kind != RequestKind::Liveness)) {
    // Busy with other work on this SA (RFC 7296 §2.25): the peer retries a little later.
    sendResponse(old, m, d, {notify(wire::notify::kTemporaryFailure)});
    return;
  }
  auto sel = selectIke(*sa_pl, old.suite);
  if (!std::holds_alternative<IkeSelection>(sel)) {
    sendResponse(old, m, d, {notify(wire::notify::kNoProposalChosen)});
    return;
  }
  if (ke->group != old.suite.dh_group) {
    ByteWriter w;
    w.u16(old.suite.dh_group);
    sendResponse(old, m, d, {notify(wire::notify::kInvalidKePayload, w.take())});
    return;
  }
  const auto& chosen = std::get<IkeSelection>(sel);
  const v2::Proposal* offered = nullptr;
  for (const auto& p : sa_pl->proposals) {
    if (p.number == chosen.proposal_number) {
      offered = &p;
    }
  }
  if (offered == nullptr || offered->spi.size() != 8) {
    sendResponse(old, m, d, {notify(wire::notify::kInvalidSyntax)});
    return;
  }
  auto kx = crypto::createKeyExchange(ke->group);
  if (!kx) {
    sendResponse(old, m, d, {notify(wire::notify::kNoProposalChosen)});
    return;
  }
  auto shared = (*kx)->sharedSecret(ke->data);
  if (!shared) {
    sendResponse(old, m, d, {notify(wire::notify::kInvalidSyntax)});
    return;
  }
  uint64_t peer_spi = loadU32(offered->spi.data());
  peer_spi = peer_spi << 32 | loadU32(offered->spi.data() + 4);
  uint64_t our_spi = newIkeSpi();
  Bytes nr = newNonce();
  uint64_t old_key = old.key;
  IkeSa* fresh = spawnRekeyedSa(old, false, peer_spi, our_spi, ni->data, nr, *shared, now);
  IkeSa* prev = findSa(old_key);  // the map may have rehashed
  if (fresh == nullptr || prev == nullptr) {
    if (prev != nullptr) {
      sendResponse(*prev, m, d, {notify(wire::notify::kNoProposalChosen)});
    }
    return;
  }
  std::vector<v2::Payload> reply;
  reply.push_back(
      {wire::payload::kSa, false,
       v2::SaPayload{{toProposal(prev->suite, chosen.proposal_number, spiBytes(our_spi))}}});
  reply.push_back({wire::payload::kNonce, false, v2::NoncePayload{nr}});
  reply.push_back({wire::payload::kKe, false, v2::KePayload{ke->group, (*kx)->publicValue()}});
  sendResponse(*prev, m, d, reply);
  if (rekeying_too) {
    // Collision: our own rekey's answer decides which new SA survives.
    prev->collision_sa = fresh->key;
    prev->collision_ni = ni->data;
    prev->collision_nr = nr;
    return;
  }
  handOver(*prev, *fresh, now);  // the peer deletes the old SA next
}

void Engine::Impl::processIkeRekeyResponse(IkeSa& old, PendingIkeRekey rekey,
                                           const std::vector<v2::Payload>& inner, TimePoint now) {
  uint64_t old_key = old.key;
  auto retryLater = [&](Duration after) {
    old.collision_sa = 0;
    schedule({now + after, TimerKind::IkeRekey, old_key, {}});
    pump(old, now);
  };
  if (const v2::NotifyPayload* err = v2::findErrorNotify(inner)) {
    logger_.info("ike", "tunnel " + old.tunnel + ": IKE rekey refused with " +
                            std::string(wire::notifyName(err->type)));
    retryLater(err->type == wire::notify::kTemporaryFailure ? 5s + Duration(random_.below(5000))
                                                            : 30s);
    return;
  }
  const auto* sa_pl = v2::find<v2::SaPayload>(inner, wire::payload::kSa);
  const auto* nr = v2::find<v2::NoncePayload>(inner, wire::payload::kNonce);
  const auto* ke = v2::find<v2::KePayload>(inner, wire::payload::kKe);
  if (sa_pl == nullptr || nr == nullptr || ke == nullptr || sa_pl->proposals.size() != 1 ||
      sa_pl->proposals.front().spi.size() != 8 || ke->group != rekey.ke->group() ||
      !std::holds_alternative<IkeSelection>(acceptIke(*sa_pl, old.suite))) {
    ++counters_.dropped_malformed;
    retryLater(30s);
    return;
  }
  auto shared = rekey.ke->sharedSecret(ke->data);
  if (!shared) {
    retryLater(30s);
    return;
  }
  const Bytes& peer_spi_bytes = sa_pl->proposals.front().spi;
  uint64_t peer_spi =
      uint64_t{loadU32(peer_spi_bytes.data())} << 32 | loadU32(peer_spi_bytes.data() + 4);
  IkeSa* fresh =
      spawnRekeyedSa(old, true, rekey.spi, peer_spi, rekey.nonce, nr->data, *shared, now);
  IkeSa* prev = findSa(old_key);
  if (fresh == nullptr || prev == nullptr) {
    return;
  }
  IkeSa* theirs = prev->collision_sa != 0 ? findSa(prev->collision_sa) : nullptr;
  if (theirs != nullptr) {
    // RFC 7296 §2.8.2: the exchange with the lowest nonce made the redundant SA.
    ByteView ours_low = lowerNonce(rekey.nonce, nr->data);
    ByteView theirs_low = lowerNonce(prev->collision_ni, prev->collision_nr);
    if (nonceLess(ours_low, theirs_low)) {
      // Ours is redundant: we delete it; the peer (winner) deletes the old SA.
      handOver(*prev, *theirs, now);
      fresh->state = IkeState::Rekeyed;
      fresh->queue.push_back({QueuedRequest::Kind::DeleteIke, 0, 0});
      pump(*fresh, now);
      return;
    }
    // Theirs is redundant and the peer deletes it; ours takes over and we delete the old SA.
    handOver(*prev, *fresh, now);
    theirs->state = IkeState::Rekeyed;
  } else {
    handOver(*prev, *fresh, now);
  }
  prev->queue.push_back({QueuedRequest::Kind::DeleteIke, 0, 0});
  pump(*prev, now);
}

}  // namespace vpngw::ike
