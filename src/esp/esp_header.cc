#include "esp/esp_header.h"

#include "base/byte_io.h"

namespace vpngw::esp {

PacketResult<EspHeader> peekEspHeader(ByteView packet) {
  if (packet.size() < kEspHeaderSize) {
    return PacketError::kTooShort;
  }
  return EspHeader{loadU32(packet.data()), loadU32(packet.data() + 4)};
}

}  // namespace vpngw::esp
