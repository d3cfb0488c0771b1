// CHILD SAs: the one carried in IKE_AUTH and further ones with CREATE_CHILD_SA
// (RFC 7296 §1.3.1, §2.9 traffic selectors, §2.17 keying material).
//
//   Initiator                                        Responder
//   HDR, SK {SA, Ni, [KEi], TSi, TSr}          -->
//                                              <--   HDR, SK {SA, Nr, [KEr], TSi, TSr}
#include <cstdio>

#include "base/byte_io.h"
#include "ike/engine_impl.h"
#include "ike/notify.h"
#include "ike/traffic_selectors.h"

namespace vpngw::ike {

namespace v2 = wire::v2;
using wire::ExchangeType;

namespace {

std::string joinRanges(const std::vector<Ipv4Range>& r) {
  std::string out;
  for (const auto& s : toStrings(r)) {
    out += (out.empty() ? "" : ",") + s;
  }
  return out.empty() ? "(none)" : out;
}

// Key sizes of one direction of a CHILD SA.
struct ChildKeySizes {
  size_t encr = 0;
  size_t integ = 0;
};

std::optional<ChildKeySizes> childKeySizes(const ChildSuite& s) {
  ChildKeySizes k;
  if (s.encr_id != 0) {
    if (crypto::isAead(s.encr_id)) {
      auto a = crypto::createAead(s.encr_id, s.encr_key_bits);
      if (!a) {
        return std::nullopt;
      }
      k.encr = (*a)->keySize();
    } else {
      auto c = crypto::createBlockCipher(s.encr_id, s.encr_key_bits);
      if (!c) {
        return std::nullopt;
      }
      k.encr = (*c)->keySize();
    }
  }
  if (s.integ_id != 0) {
    auto i = crypto::createIntegrity(s.integ_id);
    if (!i) {
      return std::nullopt;
    }
    k.integ = (*i)->keySize();
  }
  return k;
}

std::vector<Ipv4Range> allowedLocal(const Tunnel& t) {
  if (t.cfg.route_mode == RouteMode::Route) {
    return {Ipv4Range{Ipv4{0}, Ipv4{0xffffffff}}};
  }
  return toRanges(t.cfg.local_subnets);
}

std::vector<Ipv4Range> allowedRemote(const Tunnel& t) {
  if (t.cfg.route_mode == RouteMode::Route) {
    return {Ipv4Range{Ipv4{0}, Ipv4{0xffffffff}}};
  }
  return toRanges(t.cfg.remote_subnets);
}

bool offersProtocol(const v2::SaPayload& sa, wire::ProtocolId p) {
  for (const auto& prop : sa.proposals) {
    if (prop.protocol == p) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<v2::Payload> Engine::Impl::childRequestPayloads(const Tunnel& t, const PendingChild& c,
                                                            bool in_ike_auth) const {
  std::vector<v2::Payload> out;
  if (c.rekey_of != 0) {
    // RFC 7296 §1.3.3: N(REKEY_SA) carries our inbound SPI of the SA being replaced.
    Bytes spi(4);
    storeU32(spi.data(), c.rekey_of);
    out.push_back({wire::payload::kNotify, false,
                   v2::NotifyPayload{t.child_suite.protocol, spi, wire::notify::kRekeySa, {}}});
  }
  bool pfs = !in_ike_auth && t.child_suite.dh_group != 0;
  out.push_back(
      {wire::payload::kSa, false, v2::SaPayload{{toProposal(t.child_suite, c.spi_in, pfs)}}});
  if (!in_ike_auth) {
    out.push_back({wire::payload::kNonce, false, v2::NoncePayload{c.nonce}});
    if (c.ke) {
      out.push_back({wire::payload::kKe, false, v2::KePayload{c.ke->group(), c.ke->publicValue()}});
    }
  }
  out.push_back({wire::payload::kTsi, false, v2::TsPayload{toSelectors(c.local)}});
  out.push_back({wire::payload::kTsr, false, v2::TsPayload{toSelectors(c.remote)}});
  return out;
}

void Engine::Impl::installChild(IkeSa& sa, Tunnel& t, ChildSaState child, ByteView ni, ByteView nr,
                                ByteView shared_secret, bool we_initiated_child, TimePoint now,
                                bool replaces_existing) {
  auto sizes = childKeySizes(child.suite);
  if (!sizes) {
    logger_.error("ike", "tunnel " + t.cfg.name + ": unsupported CHILD SA algorithms");
    return;
  }
  size_t per_direction = sizes->encr + sizes->integ;
  auto keymat =
      crypto::childKeymat(*sa.prf, sa.keys.sk_d, shared_secret, ni, nr, 2 * per_direction);
  if (!keymat) {
    logger_.error("ike", "tunnel " + t.cfg.name + ": " + keymat.error().message);
    return;
  }
  // RFC 7296 §2.17: the first keys protect traffic from the initiator of this exchange to
  // the responder; each direction takes its encryption key first, then its integrity key.
  ByteView km(*keymat);
  auto slice = [&](size_t offset, size_t len) { return toSecure(km.subspan(offset, len)); };
  dataplane::DirectionKeys i_to_r{0, slice(0, sizes->encr), slice(sizes->encr, sizes->integ)};
  dataplane::DirectionKeys r_to_i{0, slice(per_direction, sizes->encr),
                                  slice(per_direction + sizes->encr, sizes->integ)};
  dataplane::ChildSa spec;
  spec.tunnel = t.cfg.name;
  spec.ike_spi = sa.spi_i;
  spec.protocol = child.suite.protocol == wire::ProtocolId::Ah ? dataplane::IpsecProtocol::Ah
                                                               : dataplane::IpsecProtocol::Esp;
  spec.encr_id = child.suite.encr_id;
  spec.encr_key_bits = child.suite.encr_key_bits;
  spec.integ_id = child.suite.integ_id;
  spec.esn = child.suite.esn;
  spec.in = we_initiated_child ? std::move(r_to_i) : std::move(i_to_r);
  spec.out = we_initiated_child ? std::move(i_to_r) : std::move(r_to_i);
  spec.in.spi = child.spi_in;
  spec.out.spi = child.spi_out;
  spec.local = sa.local;
  spec.remote = sa.remote;
  spec.udp_encap = sa.natDetected();
  if (spec.udp_encap) {
    spec.local.port = wire::kNatTPort;
    spec.remote.port = sa.remote.port == wire::kIkePort ? wire::kNatTPort : sa.remote.port;
  }
  spec.local_ts = child.local_ts;
  spec.remote_ts = child.remote_ts;
  spec.routes = t.cfg.remote_subnets;
  spec.route_source = t.gateway.lan_ip;
  spec.route_mode = t.cfg.route_mode == RouteMode::Route;
  spec.replay_window = t.cfg.replay_window;
  spec.lifetime = t.cfg.ipsec.lifetime;
  // A rekey we answer: the peer installs this SA's inbound half only when it reads our answer,
  // so we keep sending on the SA it replaces until the peer deletes that one (as strongSwan
  // does); otherwise our first packets on the new SA could arrive before the peer knows it.
  spec.outbound_after_peer = replaces_existing && !we_initiated_child;
  output_.installChildSa(spec);
  child.established_at = now;
  child_owner_[child.spi_in] = sa.key;
  ++counters_.child_sas_established;
  // Rekey before the lifetime ends, with jitter so that thousands of tunnels do not rekey in
  // the same second: at 90% of it less up to another 5% (both sides schedule; a collision is
  // resolved by the nonce rule).
  auto life = std::chrono::duration_cast<Duration>(t.cfg.ipsec.lifetime);
  auto jitter = Duration(random_.below(static_cast<uint32_t>(life.count() / 20) + 1));
  schedule({now + life * 9 / 10 - jitter, TimerKind::ChildRekey, sa.key, {}, child.spi_in});
  schedule({now + life, TimerKind::ChildExpire, sa.key, {}, child.spi_in});
  if (t.cfg.ipsec.lifetime_kilobytes != 0) {
    schedule({now + kVolumeCheckInterval, TimerKind::ChildVolume, sa.key, {}, child.spi_in});
  }
  char spi[9];
  std::snprintf(spi, sizeof spi, "%08x", child.spi_in);
  logger_.info("ike", "tunnel " + t.cfg.name + ": CHILD SA " + child.suite.name() + " spi_in " +
                          spi + " local " + joinRanges(child.local_ts) + " remote " +
                          joinRanges(child.remote_ts));
  sa.children.push_back(std::move(child));
}

bool Engine::Impl::acceptChildRequest(IkeSa& sa, Tunnel& t, const std::vector<v2::Payload>& inner,
                                      bool in_ike_auth, ByteView ni, ByteView nr,
                                      ByteView shared_secret, std::vector<v2::Payload>& reply,
                                      TimePoint now, bool replaces_existing) {
  const auto* sa_pl = v2::find<v2::SaPayload>(inner, wire::payload::kSa);
  const auto* tsi = v2::find<v2::TsPayload>(inner, wire::payload::kTsi);
  const auto* tsr = v2::find<v2::TsPayload>(inner, wire::payload::kTsr);
  if (sa_pl == nullptr || tsi == nullptr || tsr == nullptr) {
    reply.push_back(notify(wire::notify::kInvalidSyntax));
    return false;
  }
  if (!offersProtocol(*sa_pl, t.child_suite.protocol)) {
    reply.push_back(notify(wire::notify::kNoProposalChosen));
    std::string ours = t.child_suite.protocol == wire::ProtocolId::Ah ? "AH" : "ESP";
    std::string theirs = ours == "AH" ? "ESP" : "AH";
    recordFailure(t, Phase::Two, DiagnosisCode::ProtocolMismatch,
                  "the peer proposes " + theirs + " but this tunnel's IPsec policy uses " + ours +
                      ": set the same IPsec protocol on both sides",
                  now, sa.key);
    return false;
  }
  auto sel = selectChild(*sa_pl, t.child_suite, !in_ike_auth);
  if (auto* mm = std::get_if<ProposalMismatch>(&sel)) {
    if (mm->only_dh_differs && t.child_suite.dh_group != 0) {
      // Only the PFS group differs: name ours, as for IKE (RFC 7296 §1.3).
      ByteWriter w;
      w.u16(t.child_suite.dh_group);
      reply.push_back(notify(wire::notify::kInvalidKePayload, w.take()));
    } else {
      reply.push_back(notify(wire::notify::kNoProposalChosen));
    }
    recordFailure(t, Phase::Two,
                  mm->only_dh_differs ? DiagnosisCode::DhMismatch : DiagnosisCode::ProposalMismatch,
                  std::string(mm->only_dh_differs ? "PFS group differs: " : "") +
                      "the peer proposed IPsec " + mm->offered +
                      " but this tunnel is configured for " + mm->ours +
                      ": set the same IPsec encryption, authentication and PFS group",
                  now, sa.key);
    return false;
  }
  const auto& chosen = std::get<ChildSelection>(sel);
  // TSi describes the initiator's side: the peer's (our remote) subnets.
  auto proposed_remote = toRanges(tsi->selectors);
  auto proposed_local = toRanges(tsr->selectors);
  auto remote = narrow(proposed_remote, allowedRemote(t));
  auto local = narrow(proposed_local, allowedLocal(t));
  if (remote.empty() || local.empty()) {
    reply.push_back(notify(wire::notify::kTsUnacceptable));
    recordFailure(t, Phase::Two, DiagnosisCode::TsMismatch,
                  "the peer proposed local " + joinRanges(proposed_remote) + " and remote " +
                      joinRanges(proposed_local) + " but this tunnel has local " +
                      joinRanges(allowedLocal(t)) + " and remote " + joinRanges(allowedRemote(t)) +
                      " (TS_UNACCEPTABLE): the subnets of the two sides must mirror each other",
                  now, sa.key);
    return false;
  }
  ChildSaState child;
  child.spi_in = newChildSpi();
  child.spi_out = chosen.peer_spi;
  child.suite = chosen.suite;
  child.suite.dh_group = in_ike_auth ? 0 : chosen.suite.dh_group;  // no KE in IKE_AUTH
  child.local_ts = local;
  child.remote_ts = remote;
  bool pfs = !in_ike_auth && chosen.suite.dh_group != 0;
  reply.push_back(
      {wire::payload::kSa, false,
       v2::SaPayload{{toProposal(chosen.suite, child.spi_in, pfs, chosen.proposal_number)}}});
  reply.push_back({wire::payload::kTsi, false, v2::TsPayload{toSelectors(remote)}});
  reply.push_back({wire::payload::kTsr, false, v2::TsPayload{toSelectors(local)}});
  installChild(sa, t, std::move(child), ni, nr, shared_secret, false, now, replaces_existing);
  return true;
}

bool Engine::Impl::completeChild(IkeSa& sa, Tunnel& t, const PendingChild& pending,
                                 const std::vector<v2::Payload>& inner, bool in_ike_auth,
                                 ByteView ni, ByteView nr, ByteView shared_secret, TimePoint now) {
  struct {
    const std::vector<Ipv4Range>& local;
    const std::vector<Ipv4Range>& remote;
  } pair{pending.local, pending.remote};
  auto fail = [&](DiagnosisCode code, const std::string& text) {
    child_owner_.erase(pending.spi_in);
    uint64_t key = sa.key;
    if (pending.rekey_of != 0) {
      // The old SA carries on until it expires; try again a little later.
      if (ChildSaState* old = findChild(sa, pending.rekey_of)) {
        old->state = ChildState::Installed;
        schedule({now + 10s, TimerKind::ChildRekey, sa.key, {}, old->spi_in});
      }
      logger_.warn("ike", "tunnel " + t.cfg.name + ": CHILD SA rekey failed: " + text);
      return false;
    }
    // Without its CHILD SA the tunnel is of no use: close the IKE SA and retry afresh.
    if (sa.children.empty()) {
      deleteSaNow(sa, now);
      destroySa(key);  // `sa` is gone from here on
      key = 0;
    }
    recordFailure(t, Phase::Two, code, text, now, key);
    return false;
  };
  if (const v2::NotifyPayload* n = v2::findErrorNotify(inner)) {
    switch (n->type) {
      case wire::notify::kNoProposalChosen:
        return fail(DiagnosisCode::ProposalMismatch,
                    "the peer refused our IPsec proposal " + t.child_suite.name() +
                        " (NO_PROPOSAL_CHOSEN): IPsec protocol, encryption, authentication or "
                        "PFS group differ between the two sides");
      case wire::notify::kTsUnacceptable:
      case wire::notify::kInvalidSelectors:
        return fail(DiagnosisCode::TsMismatch,
                    "the peer refused our traffic selectors local " + joinRanges(pair.local) +
                        " remote " + joinRanges(pair.remote) + " (" +
                        std::string(wire::notifyName(n->type)) +
                        "): the subnets of the two sides must mirror each other");
      case wire::notify::kSinglePairRequired:
        return fail(DiagnosisCode::TsMismatch,
                    "the peer accepts only one subnet pair per CHILD SA "
                    "(SINGLE_PAIR_REQUIRED): set child_sa_per_subnet_pair: true");
      case wire::notify::kInvalidKePayload:
        return fail(DiagnosisCode::DhMismatch,
                    "the peer requires another PFS group (INVALID_KE_PAYLOAD); this tunnel "
                    "uses " +
                        std::to_string(t.child_suite.dh_group) +
                        ": set the same PFS group on both sides");
      default:
        return fail(DiagnosisCode::ProposalMismatch,
                    "the peer refused the CHILD SA with " + std::string(wire::notifyName(n->type)));
    }
  }
  const auto* sa_pl = v2::find<v2::SaPayload>(inner, wire::payload::kSa);
  const auto* tsi = v2::find<v2::TsPayload>(inner, wire::payload::kTsi);
  const auto* tsr = v2::find<v2::TsPayload>(inner, wire::payload::kTsr);
  if (sa_pl == nullptr || tsi == nullptr || tsr == nullptr) {
    return fail(DiagnosisCode::ProposalMismatch, "the peer's answer lacks SA or TS payloads");
  }
  auto accepted = acceptChild(*sa_pl, t.child_suite, !in_ike_auth);
  if (auto* mm = std::get_if<ProposalMismatch>(&accepted)) {
    return fail(DiagnosisCode::ProposalMismatch, "the peer answered with IPsec proposal " +
                                                     mm->offered + ", which we did not offer (" +
                                                     mm->ours + ")");
  }
  const auto& chosen = std::get<ChildSelection>(accepted);
  auto local = toRanges(tsi->selectors);
  auto remote = toRanges(tsr->selectors);
  if (local.empty() || remote.empty() || !allWithin(local, pair.local) ||
      !allWithin(remote, pair.remote)) {
    return fail(DiagnosisCode::TsMismatch,
                "the peer answered with traffic selectors local " + joinRanges(local) + " remote " +
                    joinRanges(remote) + " outside what we proposed (local " +
                    joinRanges(pair.local) + " remote " + joinRanges(pair.remote) + ")");
  }
  ChildSaState child;
  child.spi_in = pending.spi_in;
  child.spi_out = chosen.peer_spi;
  child.suite = chosen.suite;
  child.suite.dh_group = in_ike_auth ? 0 : chosen.suite.dh_group;  // no KE in IKE_AUTH
  child.local_ts = local;
  child.remote_ts = remote;
  installChild(sa, t, std::move(child), ni, nr, shared_secret, true, now);
  return true;
}

ChildSaState* Engine::Impl::findChild(IkeSa& sa, uint32_t spi_in) {
  for (auto& c : sa.children) {
    if (c.spi_in == spi_in) {
      return &c;
    }
  }
  return nullptr;
}

void Engine::Impl::removeChild(IkeSa& sa, uint32_t spi_in) {
  for (auto it = sa.children.begin(); it != sa.children.end(); ++it) {
    if (it->spi_in == spi_in) {
      output_.removeChildSa(sa.tunnel, spi_in);
      child_owner_.erase(spi_in);
      sa.children.erase(it);
      return;
    }
  }
}

void Engine::Impl::removeReplacedChild(IkeSa& sa, uint32_t spi_in, TimePoint now) {
  auto it = std::find_if(sa.children.begin(), sa.children.end(),
                         [spi_in](const ChildSaState& c) { return c.spi_in == spi_in; });
  if (it == sa.children.end()) {
    return;
  }
  const bool replaced =
      std::any_of(sa.children.begin(), sa.children.end(), [&](const ChildSaState& c) {
        return c.spi_in != spi_in && c.local_ts == it->local_ts && c.remote_ts == it->remote_ts;
      });
  if (!replaced) {
    removeChild(sa, spi_in);
    return;
  }
  output_.retireChildSa(sa.tunnel, spi_in);
  child_owner_[spi_in] = 0;  // reserved until the grace period ends
  retired_children_[spi_in] = sa.tunnel;
  sa.children.erase(it);
  schedule({now + kRetiredChildGrace, TimerKind::ChildRetired, 0, sa.tunnel, spi_in});
}

void Engine::Impl::flushRetiredChildren() {
  for (const auto& [spi, tunnel] : retired_children_) {
    output_.removeChildSa(tunnel, spi);
    child_owner_.erase(spi);
  }
  retired_children_.clear();
}

void Engine::Impl::sendCreateChild(IkeSa& sa, Tunnel& t, PendingChild c, TimePoint now) {
  c.spi_in = newChildSpi();
  c.nonce = newNonce();
  if (t.child_suite.dh_group != 0) {
    auto ke = crypto::createKeyExchange(t.child_suite.dh_group);
    if (!ke) {
      logger_.error("ike", "tunnel " + t.cfg.name + ": " + ke.error().message);
      return;
    }
    c.ke = std::move(*ke);
  }
  auto payloads = childRequestPayloads(t, c, false);
  sendRequest(sa, RequestKind::CreateChild, ExchangeType::CreateChildSa, payloads, now,
              std::move(c));
}

void Engine::Impl::pump(IkeSa& sa, TimePoint now) {
  Tunnel* t = findTunnel(sa.tunnel);
  // A rekeyed IKE SA only has its own Delete left to send.
  while (!sa.outstanding && !sa.queue.empty() && t != nullptr &&
         (sa.state == IkeState::Established ||
          (sa.state == IkeState::Rekeyed &&
           sa.queue.front().kind == QueuedRequest::Kind::DeleteIke))) {
    QueuedRequest q = sa.queue.front();
    sa.queue.pop_front();
    switch (q.kind) {
      case QueuedRequest::Kind::CreateChild: {
        PendingChild c;
        c.local = t->wanted_children.at(q.pair).local;
        c.remote = t->wanted_children.at(q.pair).remote;
        sendCreateChild(sa, *t, std::move(c), now);
        break;
      }
      case QueuedRequest::Kind::RekeyChild: {
        ChildSaState* old = findChild(sa, q.spi);
        if (old == nullptr || old->state != ChildState::Installed) {
          break;  // gone or already replaced meanwhile
        }
        old->state = ChildState::Rekeying;
        PendingChild c;
        c.local = old->local_ts;
        c.remote = old->remote_ts;
        c.rekey_of = old->spi_in;
        logger_.info("ike", "tunnel " + t->cfg.name + ": rekeying CHILD SA");
        sendCreateChild(sa, *t, std::move(c), now);
        break;
      }
      case QueuedRequest::Kind::RekeyIke:
        sendIkeRekey(sa, now);
        break;
      case QueuedRequest::Kind::DeleteIke: {
        v2::Payload del{wire::payload::kDelete, false,
                        v2::DeletePayload{wire::ProtocolId::Ike, 0, {}}};
        sendRequest(sa, RequestKind::Delete, ExchangeType::Informational, {del}, now);
        break;
      }
      case QueuedRequest::Kind::DeleteChild: {
        if (findChild(sa, q.spi) == nullptr) {
          break;
        }
        Bytes spi(4);
        storeU32(spi.data(), q.spi);
        v2::Payload del{wire::payload::kDelete, false,
                        v2::DeletePayload{t->child_suite.protocol, 4, {spi}}};
        sendRequest(sa, RequestKind::DeleteChild, ExchangeType::Informational, {del}, now);
        if (sa.outstanding) {
          sa.outstanding->delete_spi = q.spi;
        }
        break;
      }
    }
  }
}

void Engine::Impl::childRekeyDue(IkeSa& sa, uint32_t spi_in, TimePoint now) {
  ChildSaState* c = findChild(sa, spi_in);
  if (c == nullptr || c->state != ChildState::Installed) {
    return;
  }
  sa.queue.push_back({QueuedRequest::Kind::RekeyChild, 0, spi_in});
  pump(sa, now);
}

void Engine::Impl::childVolumeCheck(IkeSa& sa, uint32_t spi_in, TimePoint now) {
  ChildSaState* c = findChild(sa, spi_in);
  const Tunnel* t = findTunnel(sa.tunnel);
  if (c == nullptr || t == nullptr || t->cfg.ipsec.lifetime_kilobytes == 0) {
    return;
  }
  const uint64_t limit = t->cfg.ipsec.lifetime_kilobytes * 1024;
  const uint64_t bytes = output_.childSaBytes(spi_in).value_or(0);
  if (bytes >= limit) {
    childExpired(sa, spi_in, now);  // the hard limit: these keys have carried enough
    return;
  }
  if (bytes >= limit / 10 * 9 && c->state == ChildState::Installed && !c->volume_rekey_queued) {
    logger_.info("ike", "tunnel " + sa.tunnel + ": CHILD SA reached 90% of its " +
                            std::to_string(t->cfg.ipsec.lifetime_kilobytes) +
                            " KB lifetime; rekeying");
    c->volume_rekey_queued = true;
    childRekeyDue(sa, spi_in, now);
  }
  schedule({now + kVolumeCheckInterval, TimerKind::ChildVolume, sa.key, {}, spi_in});
}

void Engine::Impl::childExpired(IkeSa& sa, uint32_t spi_in, TimePoint now) {
  if (findChild(sa, spi_in) == nullptr) {
    return;
  }
  // The hard lifetime ended without a rekey: the keys must not be used any longer.
  logger_.warn("ike", "tunnel " + sa.tunnel + ": CHILD SA expired before it could be rekeyed");
  sa.queue.push_back({QueuedRequest::Kind::DeleteChild, 0, spi_in});
  pump(sa, now);
  if (!sa.outstanding || sa.outstanding->delete_spi != spi_in) {
    removeChild(sa, spi_in);  // the Delete waits in the queue; stop using the SA now
  }
}

void Engine::Impl::finishRekey(IkeSa& sa, uint32_t old_spi, uint32_t fresh_spi, ByteView our_ni,
                               ByteView peer_nr, TimePoint now) {
  ChildSaState* old = findChild(sa, old_spi);
  if (old == nullptr) {
    return;  // the peer deleted it meanwhile
  }
  if (old->collision_child != 0 && findChild(sa, old->collision_child) != nullptr) {
    // RFC 7296 §2.8.1: the new SA created by the exchange with the lowest of the four nonces
    // is redundant; whoever initiated that exchange deletes it, the other deletes the old SA.
    ByteView lowest_ours = lowerNonce(our_ni, peer_nr);
    ByteView lowest_theirs = lowerNonce(old->collision_ni, old->collision_nr);
    old->state = ChildState::Rekeyed;
    if (nonceLess(lowest_ours, lowest_theirs)) {
      sa.queue.push_back({QueuedRequest::Kind::DeleteChild, 0, fresh_spi});  // ours lost
    } else {
      sa.queue.push_back({QueuedRequest::Kind::DeleteChild, 0, old_spi});
    }
    pump(sa, now);
    return;
  }
  old->state = ChildState::Rekeyed;
  sa.queue.push_back({QueuedRequest::Kind::DeleteChild, 0, old_spi});
  pump(sa, now);
}

void Engine::Impl::processCreateChildResponse(IkeSa& sa, PendingChild child,
                                              const std::vector<v2::Payload>& inner,
                                              TimePoint now) {
  const uint64_t key = sa.key;  // completeChild may destroy the SA
  Tunnel* t = findTunnel(sa.tunnel);
  if (t == nullptr) {
    return;
  }
  const auto* nr = v2::find<v2::NoncePayload>(inner, wire::payload::kNonce);
  if (child.rekey_of != 0) {
    const v2::NotifyPayload* err = v2::findErrorNotify(inner);
    if (err != nullptr && (err->type == wire::notify::kTemporaryFailure ||
                           err->type == wire::notify::kChildSaNotFound)) {
      // The peer is rekeying or deleting it itself (RFC 7296 §2.25): leave it to the peer,
      // and look again later in case nothing comes.
      child_owner_.erase(child.spi_in);
      if (ChildSaState* old = findChild(sa, child.rekey_of)) {
        old->state = ChildState::Installed;
        schedule({now + 5s + Duration(random_.below(5000)),
                  TimerKind::ChildRekey,
                  sa.key,
                  {},
                  old->spi_in});
      }
      pump(sa, now);
      return;
    }
  }
  SecureBytes shared;
  if (v2::findErrorNotify(inner) == nullptr) {
    if (nr == nullptr) {
      ++counters_.dropped_malformed;
      completeChild(sa, *t, child, {notify(wire::notify::kInvalidSyntax)}, false, {}, {}, {}, now);
      return;
    }
    if (child.ke) {
      const auto* ke = v2::find<v2::KePayload>(inner, wire::payload::kKe);
      if (ke == nullptr || ke->group != child.ke->group()) {
        completeChild(sa, *t, child, {notify(wire::notify::kInvalidKePayload)}, false, {}, {}, {},
                      now);
        return;
      }
      auto s = child.ke->sharedSecret(ke->data);
      if (!s) {
        completeChild(sa, *t, child, {notify(wire::notify::kInvalidKePayload)}, false, {}, {}, {},
                      now);
        return;
      }
      shared = std::move(*s);
    }
  }
  Bytes no_nonce;
  bool ok = completeChild(sa, *t, child, inner, false, child.nonce,
                          nr != nullptr ? ByteView(nr->data) : ByteView(no_nonce), shared, now);
  if (ok && t->status != ConnectionStatus::Connected) {
    recordSuccess(*t, now);
  }
  if (ok && child.rekey_of != 0) {
    ++t->rekeys;
    finishRekey(sa, child.rekey_of, child.spi_in, child.nonce, nr->data, now);
  }
  if (IkeSa* still = findSa(key); still != nullptr) {
    pump(*still, now);
  }
}

void Engine::Impl::respondCreateChild(IkeSa& sa, const v2::Message& m,
                                      const std::vector<v2::Payload>& inner, const Datagram& d,
                                      TimePoint now) {
  Tunnel* t = findTunnel(sa.tunnel);
  const auto* sa_pl = v2::find<v2::SaPayload>(inner, wire::payload::kSa);
  const auto* ni = v2::find<v2::NoncePayload>(inner, wire::payload::kNonce);
  if (t == nullptr || sa_pl == nullptr || ni == nullptr) {
    sendResponse(sa, m, d, {notify(wire::notify::kInvalidSyntax)});
    return;
  }
  if (offersProtocol(*sa_pl, wire::ProtocolId::Ike)) {
    respondIkeRekey(sa, m, inner, d, now);
    return;
  }
  // A CHILD SA rekey (RFC 7296 §1.3.3): N(REKEY_SA) names the peer's inbound SPI of the SA
  // it replaces; the peer deletes the old SA once the new one is up.
  ChildSaState* rekeyed = nullptr;
  if (const v2::NotifyPayload* rk = v2::findNotify(inner, wire::notify::kRekeySa)) {
    uint32_t peer_in = rk->spi.size() == 4 ? loadU32(rk->spi.data()) : 0;
    for (auto& c : sa.children) {
      if (c.spi_out == peer_in) {
        rekeyed = &c;
      }
    }
    if (rekeyed == nullptr) {
      sendResponse(
          sa, m, d,
          {{wire::payload::kNotify, false,
            v2::NotifyPayload{rk->protocol, rk->spi, wire::notify::kChildSaNotFound, {}}}});
      return;
    }
    if (rekeyed->state == ChildState::Rekeyed) {
      // Already replaced by our own rekey and about to be deleted (RFC 7296 §2.25).
      sendResponse(sa, m, d, {notify(wire::notify::kTemporaryFailure)});
      return;
    }
  }
  uint32_t rekeyed_spi = rekeyed != nullptr ? rekeyed->spi_in : 0;
  SecureBytes shared;
  Bytes nr = newNonce();
  std::optional<v2::KePayload> our_ke;
  bool acceptable =
      std::holds_alternative<ChildSelection>(selectChild(*sa_pl, t->child_suite, true));
  if (acceptable && t->child_suite.dh_group != 0) {
    const auto* ke = v2::find<v2::KePayload>(inner, wire::payload::kKe);
    if (ke == nullptr || ke->group != t->child_suite.dh_group) {
      ByteWriter w;
      w.u16(t->child_suite.dh_group);
      sendResponse(sa, m, d, {notify(wire::notify::kInvalidKePayload, w.take())});
      return;
    }
    if (ke != nullptr) {
      auto kx = crypto::createKeyExchange(ke->group);
      if (!kx) {
        sendResponse(sa, m, d, {notify(wire::notify::kNoProposalChosen)});
        return;
      }
      auto s = (*kx)->sharedSecret(ke->data);
      if (!s) {
        sendResponse(sa, m, d, {notify(wire::notify::kInvalidSyntax)});
        return;
      }
      shared = std::move(*s);
      our_ke = v2::KePayload{ke->group, (*kx)->publicValue()};
    }
  }
  std::vector<v2::Payload> reply;
  size_t before = sa.children.size();
  bool ok =
      acceptChildRequest(sa, *t, inner, false, ni->data, nr, shared, reply, now, rekeyed_spi != 0);
  if (ok && rekeyed_spi != 0 && sa.children.size() > before) {
    ++t->rekeys;
    uint32_t fresh = sa.children.back().spi_in;
    if (ChildSaState* old = findChild(sa, rekeyed_spi)) {
      if (old->state == ChildState::Rekeying) {
        // Collision: remember this exchange's nonces; our own rekey's answer settles it.
        old->collision_ni = ni->data;
        old->collision_nr = nr;
        old->collision_child = fresh;
      } else {
        old->state = ChildState::Rekeyed;  // the peer deletes it next
      }
    }
  }
  if (ok) {
    // Order: SA, Nr, [KEr], TSi, TSr.
    std::vector<v2::Payload> ordered;
    ordered.push_back(std::move(reply[0]));
    ordered.push_back({wire::payload::kNonce, false, v2::NoncePayload{nr}});
    if (our_ke) {
      ordered.push_back({wire::payload::kKe, false, *our_ke});
    }
    for (size_t i = 1; i < reply.size(); ++i) {
      ordered.push_back(std::move(reply[i]));
    }
    reply = std::move(ordered);
  }
  sendResponse(sa, m, d, reply);
  if (ok && t->status != ConnectionStatus::Connected) {
    recordSuccess(*t, now);
  }
}

}  // namespace vpngw::ike
