// IKE_AUTH with pre-shared keys (RFC 7296 §1.2, §2.15) and the first CHILD SA.
//
//   Initiator                                   Responder
//   HDR, SK {IDi, AUTH, SAi2, TSi, TSr}   -->
//                                         <--   HDR, SK {IDr, AUTH, SAr2, TSi, TSr}
//                                         <--   HDR, SK {N(AUTHENTICATION_FAILED)}
#include <algorithm>
#include <cctype>

#include "base/byte_io.h"
#include "ike/engine_impl.h"
#include "ike/notify.h"
#include "ike/traffic_selectors.h"

namespace vpngw::ike {

namespace v2 = wire::v2;
using wire::ExchangeType;

namespace {

bool sameIdentity(const Identity& a, const Identity& b) {
  if (a.type != b.type || a.value.size() != b.value.size()) {
    return false;
  }
  // FQDNs compare case-insensitively (DNS names); addresses are canonical dotted quads.
  return std::equal(a.value.begin(), a.value.end(), b.value.begin(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::string describeIdentity(const std::optional<Identity>& id) {
  return id ? id->value : std::string("an unsupported identity type");
}

}  // namespace

v2::IdPayload Engine::Impl::idPayloadFor(const Identity& id) const {
  v2::IdPayload p;
  if (id.type == Identity::Type::Ipv4) {
    p.id_type = wire::id::kIpv4;
    ByteWriter w;
    w.u32(Ipv4::parse(id.value).value_or(Ipv4{}).value);
    p.data = w.take();
  } else {
    p.id_type = wire::id::kFqdn;
    p.data.assign(id.value.begin(), id.value.end());
  }
  return p;
}

std::optional<Identity> Engine::Impl::identityOf(const v2::IdPayload& id) {
  if (id.id_type == wire::id::kIpv4 && id.data.size() == 4) {
    return Identity::ofAddress(Ipv4{loadU32(id.data.data())});
  }
  if (id.id_type == wire::id::kFqdn || id.id_type == wire::id::kRfc822) {
    std::string s(id.data.begin(), id.data.end());
    if (s.empty() || s.size() > 255) {
      return std::nullopt;
    }
    return Identity{Identity::Type::Fqdn, s};
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------
// Initiator

void Engine::Impl::initiateAuth(IkeSa& sa, Tunnel& t, TimePoint now) {
  v2::IdPayload idi = idPayloadFor(t.local_id);
  SecureBytes auth = pskAuth(*sa.prf, t.cfg.psk, sa.init_request, sa.nr, sa.keys.sk_pi, idi);
  PendingChild child;
  child.local = t.wanted_children.front().local;
  child.remote = t.wanted_children.front().remote;
  child.spi_in = newChildSpi();

  std::vector<v2::Payload> inner;
  inner.push_back({wire::payload::kIdi, false, idi});
  if (t.sole_tunnel_to_peer && !t.sent_initial_contact) {
    // First IKE SA with this peer since we started: it may drop any state it still has from
    // before (RFC 7296 §2.4).
    inner.push_back(notify(wire::notify::kInitialContact));
  }
  inner.push_back(
      {wire::payload::kAuth, false, v2::AuthPayload{wire::auth::kSharedKey, toBytes(view(auth))}});
  for (auto& p : childRequestPayloads(t, child, true)) {
    inner.push_back(std::move(p));
  }
  sa.queue.clear();
  for (size_t i = 1; i < t.wanted_children.size(); ++i) {
    sa.queue.push_back({QueuedRequest::Kind::CreateChild, i, 0});
  }
  sa.state = IkeState::AuthSent;
  sendRequest(sa, RequestKind::Auth, ExchangeType::IkeAuth, inner, now, std::move(child));
}

void Engine::Impl::processAuthResponse(IkeSa& sa, PendingChild pending,
                                       const std::vector<v2::Payload>& inner, TimePoint now) {
  Tunnel* t = findTunnel(sa.tunnel);
  if (t == nullptr) {
    destroySa(sa.key);
    return;
  }
  auto fail = [&](Phase phase, DiagnosisCode code, const std::string& text, bool send_delete) {
    if (send_delete) {
      deleteSaNow(sa, now);
    }
    destroySa(sa.key);
    recordFailure(*t, phase, code, text, now);
  };
  const auto* idr = v2::find<v2::IdPayload>(inner, wire::payload::kIdr);
  const auto* auth = v2::find<v2::AuthPayload>(inner, wire::payload::kAuth);
  if (v2::findNotify(inner, wire::notify::kAuthenticationFailed) != nullptr ||
      (auth == nullptr && v2::findErrorNotify(inner) != nullptr)) {
    const v2::NotifyPayload* n = v2::findErrorNotify(inner);
    if (n != nullptr && n->type != wire::notify::kAuthenticationFailed) {
      fail(Phase::One, DiagnosisCode::ProposalMismatch,
           "the peer refused IKE_AUTH with " + std::string(wire::notifyName(n->type)), false);
      return;
    }
    fail(Phase::One, DiagnosisCode::PskMismatch,
         "the peer refused our authentication (AUTHENTICATION_FAILED): the pre-shared keys "
         "differ, or the peer does not accept our identity " +
             t->local_id.value + " (check its remote id)",
         false);
    return;
  }
  if (idr == nullptr || auth == nullptr) {
    ++counters_.dropped_malformed;
    fail(Phase::One, DiagnosisCode::ProposalMismatch,
         "the peer's IKE_AUTH response lacks IDr or AUTH", true);
    return;
  }
  auto peer_id = identityOf(*idr);
  if (!peer_id || !sameIdentity(*peer_id, t->remote_id)) {
    fail(Phase::One, DiagnosisCode::IdMismatch,
         "the peer identifies itself as " + describeIdentity(peer_id) +
             " but this tunnel expects remote id " + t->remote_id.value +
             ": local and remote ids must mirror each other",
         true);
    return;
  }
  SecureBytes expected = pskAuth(*sa.prf, t->cfg.psk, sa.init_response, sa.ni, sa.keys.sk_pr, *idr);
  if (auth->method != wire::auth::kSharedKey || !constantTimeEqual(view(expected), auth->data)) {
    fail(Phase::One, DiagnosisCode::PskMismatch,
         "the peer's AUTH payload does not verify with this tunnel's pre-shared key: the "
         "pre-shared keys differ",
         true);
    return;
  }
  sa.state = IkeState::Established;
  sa.established_at = now;
  ++counters_.ike_sas_established;
  logger_.info("ike", "tunnel " + t->cfg.name + ": IKE SA established with " +
                          sa.remote.toString() + " (" + sa.suite.name() + ")");
  uint64_t key = sa.key;
  t->sent_initial_contact = true;
  adoptIkeSa(*t, sa, now);
  if (findSa(key) == nullptr) {
    return;  // it was the duplicate of a simultaneous negotiation
  }
  onEstablished(sa, *t, now);
  if (completeChild(sa, *t, pending, inner, true, sa.ni, sa.nr, {}, now)) {
    recordSuccess(*t, now);
    pump(sa, now);
  }
}

// ---------------------------------------------------------------------------------------
// Responder

void Engine::Impl::respondAuth(IkeSa& sa, const v2::Message& m,
                               const std::vector<v2::Payload>& inner, const Datagram& d,
                               TimePoint now) {
  const auto* idi = v2::find<v2::IdPayload>(inner, wire::payload::kIdi);
  const auto* idr = v2::find<v2::IdPayload>(inner, wire::payload::kIdr);
  const auto* auth = v2::find<v2::AuthPayload>(inner, wire::payload::kAuth);
  if (idi == nullptr || auth == nullptr) {
    ++counters_.dropped_malformed;
    return;
  }
  // The peer may have switched to port 4500 (NAT detected): follow it.
  sa.local = d.local;
  sa.remote = d.remote;
  auto peer_id = identityOf(*idi);
  auto our_idr = idr != nullptr ? identityOf(*idr) : std::nullopt;

  std::vector<Tunnel*> cands;
  if (!sa.tunnel.empty()) {
    if (Tunnel* t = findTunnel(sa.tunnel)) {
      cands.push_back(t);
    }
  } else {
    for (Tunnel* t : candidates(d.local, d.remote)) {
      if (t->cfg.ike.version == IkeVersion::V2 && t->ike_suite == sa.suite) {
        cands.push_back(t);
      }
    }
  }
  auto refuse = [&](const std::vector<Tunnel*>& blame, DiagnosisCode code,
                    const std::string& text) {
    sendResponse(sa, m, d, {notify(wire::notify::kAuthenticationFailed)});
    uint64_t key = sa.key;
    destroySa(key);
    for (Tunnel* t : blame) {
      recordFailure(*t, Phase::One, code, text, now);
    }
  };
  std::vector<Tunnel*> by_id;
  for (Tunnel* t : cands) {
    if (peer_id && sameIdentity(*peer_id, t->remote_id) &&
        (!our_idr || sameIdentity(*our_idr, t->local_id))) {
      by_id.push_back(t);
    }
  }
  if (by_id.empty()) {
    std::string expected;
    for (Tunnel* t : cands) {
      expected += (expected.empty() ? "" : ", ") + t->remote_id.value;
    }
    std::string text = "the peer identifies itself as " + describeIdentity(peer_id);
    if (our_idr && !cands.empty() && !sameIdentity(*our_idr, cands.front()->local_id)) {
      text += " and expects our id to be " + our_idr->value + " (we are " +
              cands.front()->local_id.value + ")";
    }
    text += " but this tunnel expects remote id " + expected +
            ": local and remote ids must mirror each other";
    refuse(cands, DiagnosisCode::IdMismatch, text);
    return;
  }
  // Several tunnels to one peer with the same identities: the one whose subnets fit.
  Tunnel* t = by_id.front();
  if (by_id.size() > 1) {
    const auto* tsi = v2::find<v2::TsPayload>(inner, wire::payload::kTsi);
    const auto* tsr = v2::find<v2::TsPayload>(inner, wire::payload::kTsr);
    for (Tunnel* c : by_id) {
      if (tsi != nullptr && tsr != nullptr &&
          !narrow(toRanges(tsi->selectors), toRanges(c->cfg.remote_subnets)).empty() &&
          !narrow(toRanges(tsr->selectors), toRanges(c->cfg.local_subnets)).empty()) {
        t = c;
        break;
      }
    }
  }
  SecureBytes expected = pskAuth(*sa.prf, t->cfg.psk, sa.init_request, sa.nr, sa.keys.sk_pi, *idi);
  if (auth->method != wire::auth::kSharedKey || !constantTimeEqual(view(expected), auth->data)) {
    refuse({t}, DiagnosisCode::PskMismatch,
           "the peer's AUTH payload does not verify with this tunnel's pre-shared key: the "
           "pre-shared keys differ");
    return;
  }
  // Authenticated. A previous IKE SA of this tunnel is replaced (the peer restarted or
  // both sides initiated at once).
  sa.tunnel = t->cfg.name;
  t->retry_at.reset();
  if (!t->canInitiate()) {
    ++t->attempts;  // for a responder-only tunnel every peer negotiation is a try
  }
  sa.state = IkeState::Established;
  sa.established_at = now;
  if (v2::findNotify(inner, wire::notify::kInitialContact) != nullptr) {
    initialContact(sa, now);
  }
  adoptIkeSa(*t, sa, now);
  onEstablished(sa, *t, now);
  if (half_open_.erase({sa.half_open_from.address.value, sa.half_open_from.port, sa.spi_i}) > 0) {
    halfOpenRemoved(sa.half_open_from);
  }
  ++counters_.ike_sas_established;
  logger_.info("ike", "tunnel " + t->cfg.name + ": IKE SA established with " +
                          sa.remote.toString() + " (responder, " + sa.suite.name() + ")");

  v2::IdPayload our_id = idPayloadFor(t->local_id);
  SecureBytes our_auth =
      pskAuth(*sa.prf, t->cfg.psk, sa.init_response, sa.ni, sa.keys.sk_pr, our_id);
  std::vector<v2::Payload> reply;
  reply.push_back({wire::payload::kIdr, false, our_id});
  reply.push_back({wire::payload::kAuth, false,
                   v2::AuthPayload{wire::auth::kSharedKey, toBytes(view(our_auth))}});
  bool child_ok = acceptChildRequest(sa, *t, inner, true, sa.ni, sa.nr, {}, reply, now);
  sendResponse(sa, m, d, reply);
  if (child_ok) {
    recordSuccess(*t, now);
  }
}

}  // namespace vpngw::ike
