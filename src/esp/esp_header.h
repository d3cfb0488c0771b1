#pragma once
// The cleartext ESP header (RFC 4303 §2): SPI and the low 32 bits of the sequence number.
// The I/O side reads it to find the SA and run the replay check before decapsulating.
// (On UDP port 4500 a packet starting with four zero bytes is IKE, not ESP: RFC 3948 §2.2;
// that dispatch is the I/O side's business.)
#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "esp/packet_error.h"

namespace vpngw::esp {

constexpr size_t kEspHeaderSize = 8;

struct EspHeader {
  uint32_t spi = 0;
  uint32_t seq = 0;  // low 32 bits; ReplayWindow::check() infers the rest
};

// kTooShort when fewer than 8 bytes.
PacketResult<EspHeader> peekEspHeader(ByteView packet);

}  // namespace vpngw::esp
