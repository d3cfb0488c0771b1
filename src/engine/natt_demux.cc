#include "engine/natt_demux.h"

#include <algorithm>

namespace vpngw::engine {

NattDatagram classifyNattDatagram(ByteView data) {
  if (data.size() == 1 && data[0] == kNattKeepalive) {
    return {NattKind::Keepalive, {}};
  }
  if (data.size() < kNonEspMarker.size()) {
    return {NattKind::Short, {}};
  }
  // An SPI of zero is reserved (RFC 4303 §2.1), which is what makes the marker unambiguous.
  if (std::equal(kNonEspMarker.begin(), kNonEspMarker.end(), data.begin())) {
    return {NattKind::Ike, data.subspan(kNonEspMarker.size())};
  }
  return {NattKind::Esp, data};
}

}  // namespace vpngw::engine
