#include "engine/runtime_output.h"

#include "engine/natt_demux.h"
#include "engine/status_json.h"

namespace vpngw::engine {

void RuntimeOutput::send(const ike::Datagram& datagram) {
  IkeSockets::Entry* entry = sockets_.find(datagram.local);
  if (entry == nullptr) {
    ++counters_.send_no_socket;
    sendFailed("no socket bound to " + datagram.local.toString() + " (to " +
               datagram.remote.toString() + ")");
    return;
  }
  // RFC 3948 §2.2: IKE on the NAT-T port carries the non-ESP marker.
  ByteView prefix = entry->natt ? ByteView(kNonEspMarker) : ByteView();
  if (Status s = entry->socket.sendTo(datagram.remote, prefix, view(datagram.data)); !s) {
    ++counters_.send_errors;
    sendFailed(s.error().message);
  }
}

void RuntimeOutput::sendFailed(const std::string& message) {
  TimePoint now = monotonicNow();
  if (now - last_send_warning_ >= 1000ms || last_send_warning_ == TimePoint{}) {
    last_send_warning_ = now;
    logger_.warn("net", message);
  } else {
    logger_.debug("net", message);
  }
}

void RuntimeOutput::installChildSa(const dataplane::ChildSa& sa) {
  backend_.install(sa);
  logger_.debug("dataplane", "tunnel " + sa.tunnel + ": CHILD SA installed, in " +
                                 childSpiHex(sa.in.spi) + " out " + childSpiHex(sa.out.spi));
}

void RuntimeOutput::removeChildSa(const std::string& tunnel, uint32_t spi_in) {
  backend_.remove(spi_in);
  logger_.debug("dataplane", "tunnel " + tunnel + ": CHILD SA removed, in " + childSpiHex(spi_in));
}

void RuntimeOutput::retireChildSa(const std::string& tunnel, uint32_t spi_in) {
  backend_.retire(spi_in);
  logger_.debug("dataplane", "tunnel " + tunnel + ": CHILD SA retired, in " + childSpiHex(spi_in));
}

void RuntimeOutput::childSaPeerMoved(const std::string& tunnel, uint32_t spi_in,
                                     const Endpoint& local, const Endpoint& remote) {
  (void)local;  // the SA keeps its local address; only the NAT's mapping of the peer changed
  backend_.peerMoved(spi_in, remote);
  logger_.debug("dataplane", "tunnel " + tunnel + ": CHILD SA in " + childSpiHex(spi_in) +
                                 " now sends to " + remote.toString());
}

void RuntimeOutput::statusChanged(const ike::TunnelStatus& status) {
  // The engine logs each transition ("tunnel t1: connecting -> connected") and each failure
  // with its reason at info/warn; this is the runtime's view of the same event.
  if (logger_.enabled(LogLevel::Debug)) {
    std::string line = "tunnel " + status.name + ": status " +
                       std::string(ike::toString(status.status)) + ", attempts " +
                       std::to_string(status.attempts) + ", failures " +
                       std::to_string(status.failures);
    if (status.diagnosis.code != ike::DiagnosisCode::None) {
      line += ", diagnosis " + std::string(ike::toString(status.diagnosis.code));
    }
    logger_.debug("daemon", line);
  }
  if (observer_) {
    observer_(status);
  }
}

}  // namespace vpngw::engine
