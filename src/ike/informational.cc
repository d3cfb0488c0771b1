// INFORMATIONAL (RFC 7296 §1.4, §1.5): Delete of IKE and CHILD SAs, error notifications,
// and empty liveness requests.
#include "base/byte_io.h"
#include "ike/engine_impl.h"

namespace vpngw::ike {

namespace v2 = wire::v2;

void Engine::Impl::respondInformational(IkeSa& sa, const v2::Message& m,
                                        const std::vector<v2::Payload>& inner, const Datagram& d,
                                        TimePoint now) {
  Tunnel* t = findTunnel(sa.tunnel);
  bool delete_ike = false;
  std::vector<Bytes> deleted_in;  // our inbound SPIs of CHILD SAs the peer deleted
  for (const auto& p : inner) {
    if (const auto* del = std::get_if<v2::DeletePayload>(&p.body)) {
      if (del->protocol == wire::ProtocolId::Ike) {
        delete_ike = true;
        continue;
      }
      for (const Bytes& spi : del->spis) {
        if (spi.size() != 4) {
          continue;
        }
        uint32_t out_spi = loadU32(spi.data());
        for (auto it = sa.children.begin(); it != sa.children.end(); ++it) {
          if (it->spi_out != out_spi) {
            continue;
          }
          // Answer with the inbound half of the pair (RFC 7296 §1.4.1).
          Bytes in(4);
          storeU32(in.data(), it->spi_in);
          deleted_in.push_back(std::move(in));
          removeReplacedChild(sa, it->spi_in, now);
          break;
        }
      }
    } else if (const auto* n = std::get_if<v2::NotifyPayload>(&p.body)) {
      if (n->type == wire::notify::kAuthenticationFailed && t != nullptr) {
        // The initiator could not verify our AUTH (RFC 7296 §2.21.2).
        delete_ike = true;
        recordFailure(*t, Phase::One, DiagnosisCode::PskMismatch,
                      "the peer could not verify our AUTH payload (AUTHENTICATION_FAILED): the "
                      "pre-shared keys differ",
                      now);
      }
    }
  }
  std::vector<v2::Payload> reply;
  if (!deleted_in.empty() && !delete_ike) {
    reply.push_back(
        {wire::payload::kDelete, false, v2::DeletePayload{wire::ProtocolId::Esp, 4, deleted_in}});
  }
  sendResponse(sa, m, d, reply);
  if (delete_ike) {
    logger_.info("ike", "tunnel " + sa.tunnel + ": the peer deleted the IKE SA");
    uint64_t key = sa.key;
    destroySa(key);
    if (t != nullptr && t->ike_sa == 0) {
      if (t->status == ConnectionStatus::Connected) {
        setStatus(*t, ConnectionStatus::Connecting);
      }
      scheduleRetry(*t, now);
    }
    return;
  }
  if (!deleted_in.empty() && sa.children.empty() && sa.queue.empty() && !sa.outstanding &&
      t != nullptr) {
    // The peer removed every CHILD SA: the tunnel carries nothing, so start over.
    logger_.info("ike", "tunnel " + t->cfg.name + ": the peer deleted all CHILD SAs");
    deleteSaNow(sa, now);
    destroySa(sa.key);
    if (t->status == ConnectionStatus::Connected) {
      setStatus(*t, ConnectionStatus::Connecting);
    }
    scheduleRetry(*t, now);
  }
}

void Engine::Impl::processInformationalResponse(IkeSa& sa, const OutstandingRequest& req,
                                                TimePoint now) {
  if (req.kind == RequestKind::Delete) {
    destroySa(sa.key);
    return;
  }
  if (req.kind == RequestKind::DeleteChild) {
    // The peer answered with its half of the pair (or nothing if it had deleted it already).
    removeReplacedChild(sa, req.delete_spi, now);
  }
  pump(sa, now);
}

}  // namespace vpngw::ike
