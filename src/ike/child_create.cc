// CHILD SAs: the one carried in IKE_AUTH and further ones with CREATE_CHILD_SA
// (RFC 7296 §1.3.1, §2.9 traffic selectors, §2.17 keying material).
//
//   Initiator                                        Responder
//   HDR, SK {SA, Ni, [KEi], TSi, TSr}          -->
//                                              <--   HDR, SK {SA, Nr, [KEr], TSi, TSr}
#include <cstdio>

#include "base/byte_io.h"
#include "ike/engine_impl.h"
#include "ike/traffic_selectors.h"

namespace vpngw::ike {

namespace v2 = wire::v2;
using wire::ExchangeType;

namespace {

v2::Payload notify(uint16_t type, Bytes data = {}) {
  return {wire::payload::kNotify, false,
          v2::NotifyPayload{wire::ProtocolId::None, {}, type, std::move(data)}};
}

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
  const Tunnel::Pair& pair = t.wanted_children.at(c.pair_index);
  std::vector<v2::Payload> out;
  bool pfs = !in_ike_auth && t.child_suite.dh_group != 0;
  out.push_back(
      {wire::payload::kSa, false, v2::SaPayload{{toProposal(t.child_suite, c.spi_in, pfs)}}});
  if (!in_ike_auth) {
    out.push_back({wire::payload::kNonce, false, v2::NoncePayload{c.nonce}});
    if (c.ke) {
      out.push_back({wire::payload::kKe, false, v2::KePayload{c.ke->group(), c.ke->publicValue()}});
    }
  }
  out.push_back({wire::payload::kTsi, false, v2::TsPayload{toSelectors(pair.local)}});
  out.push_back({wire::payload::kTsr, false, v2::TsPayload{toSelectors(pair.remote)}});
  return out;
}

void Engine::Impl::installChild(IkeSa& sa, Tunnel& t, ChildSaState child, ByteView ni, ByteView nr,
                                ByteView shared_secret, bool we_initiated_child, TimePoint now) {
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
  spec.lifetime = t.cfg.ipsec.lifetime;
  output_.installChildSa(spec);
  child.established_at = now;
  ++counters_.child_sas_established;
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
                                      TimePoint now) {
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
  installChild(sa, t, std::move(child), ni, nr, shared_secret, false, now);
  return true;
}

bool Engine::Impl::completeChild(IkeSa& sa, Tunnel& t, const PendingChild& pending,
                                 const std::vector<v2::Payload>& inner, bool in_ike_auth,
                                 ByteView ni, ByteView nr, ByteView shared_secret, TimePoint now) {
  const Tunnel::Pair& pair = t.wanted_children.at(pending.pair_index);
  auto fail = [&](DiagnosisCode code, const std::string& text) {
    child_spis_.erase(pending.spi_in);
    uint64_t key = sa.key;
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

void Engine::Impl::createNextChild(IkeSa& sa, TimePoint now) {
  if (sa.outstanding || sa.child_queue.empty() || sa.state != IkeState::Established) {
    return;
  }
  Tunnel* t = findTunnel(sa.tunnel);
  if (t == nullptr) {
    return;
  }
  PendingChild c;
  c.pair_index = sa.child_queue.front();
  sa.child_queue.pop_front();
  c.spi_in = newChildSpi();
  c.nonce = newNonce();
  if (t->child_suite.dh_group != 0) {
    auto ke = crypto::createKeyExchange(t->child_suite.dh_group);
    if (!ke) {
      logger_.error("ike", "tunnel " + t->cfg.name + ": " + ke.error().message);
      return;
    }
    c.ke = std::move(*ke);
  }
  auto payloads = childRequestPayloads(*t, c, false);
  sendRequest(sa, RequestKind::CreateChild, ExchangeType::CreateChildSa, payloads, now,
              std::move(c));
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
  if (IkeSa* still = findSa(key); still != nullptr) {
    createNextChild(*still, now);
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
    // IKE SA rekeying is not offered by this engine yet: the peer keeps the current SA.
    sendResponse(sa, m, d, {notify(wire::notify::kNoAdditionalSas)});
    return;
  }
  // A CHILD SA rekey (N(REKEY_SA)) is a new CHILD SA like any other here; the peer deletes the
  // old one once the new one is up (RFC 7296 §1.3.3).
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
  bool ok = acceptChildRequest(sa, *t, inner, false, ni->data, nr, shared, reply, now);
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
