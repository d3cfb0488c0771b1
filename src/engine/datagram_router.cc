#include "engine/datagram_router.h"

#include "engine/natt_demux.h"

namespace vpngw::engine {

void DatagramRouter::route(const Endpoint& local, const Endpoint& remote, ByteView data,
                           bool natt) {
  ++counters_.datagrams_received;
  if (!natt) {
    ike_.onIke({local, remote, toBytes(data)});
    return;
  }
  NattDatagram d = classifyNattDatagram(data);
  switch (d.kind) {
    case NattKind::Ike:
      ike_.onIke({local, remote, toBytes(d.payload)});
      return;
    case NattKind::Esp:
      ++counters_.esp_received;
      esp_.onEsp(local, remote, d.payload);
      return;
    case NattKind::Keepalive:
      ++counters_.nat_keepalives;
      return;
    case NattKind::Short:
      ++counters_.dropped_short;
      return;
  }
}

}  // namespace vpngw::engine
