#pragma once
// The engine's Output as the daemon implements it: IKE messages leave through the socket
// bound to the datagram's local endpoint (with the non-ESP marker on the NAT-T port), CHILD SAs
// go to the data-plane backend.
#include <functional>
#include <optional>
#include <string>

#include "base/log.h"
#include "base/time.h"
#include "dataplane/backend.h"
#include "engine/ike_sockets.h"
#include "engine/runtime_counters.h"
#include "ike/engine.h"

namespace vpngw::engine {

class RuntimeOutput final : public ike::Output {
 public:
  RuntimeOutput(IkeSockets& sockets, dataplane::Backend& backend, Logger& logger,
                RuntimeCounters& counters)
      : sockets_(sockets), backend_(backend), logger_(logger), counters_(counters) {}

  // Told about every tunnel status change after it is logged (the daemon's snapshot, events,
  // route hook).
  void setStatusObserver(std::function<void(const ike::TunnelStatus&)> observer) {
    observer_ = std::move(observer);
  }

  void send(const ike::Datagram& datagram) override;
  void installChildSa(const dataplane::ChildSa& sa) override;
  void removeChildSa(const std::string& tunnel, uint32_t spi_in) override;
  void retireChildSa(const std::string& tunnel, uint32_t spi_in) override;
  void statusChanged(const ike::TunnelStatus& status) override;
  void childSaPeerMoved(const std::string& tunnel, uint32_t spi_in, const Endpoint& local,
                        const Endpoint& remote) override;
  std::optional<uint64_t> childSaBytes(uint32_t spi_in) const override {
    dataplane::SaCounters c = backend_.counters(spi_in);
    return c.bytes_in + c.bytes_out;
  }
  // ESP/AH the data plane received counts as a sign of life for dead peer detection.
  std::optional<TimePoint> lastInbound(uint32_t spi_in) const override {
    return backend_.lastInbound(spi_in);
  }

 private:
  // Send failures are counted always, logged as warnings at most once a second.
  void sendFailed(const std::string& message);

  IkeSockets& sockets_;
  dataplane::Backend& backend_;
  Logger& logger_;
  RuntimeCounters& counters_;
  TimePoint last_send_warning_{};
  std::function<void(const ike::TunnelStatus&)> observer_;
};

}  // namespace vpngw::engine
