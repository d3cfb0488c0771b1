#pragma once
// Classification of datagrams arriving on UDP port 4500 (RFC 3948 §2): IKE behind the 4-byte
// non-ESP marker, ESP (starts with a non-zero SPI), or a one-byte NAT-keepalive.
#include <array>
#include <cstdint>

#include "base/bytes.h"

namespace vpngw::engine {

// RFC 3948 §2.2: IKE on port 4500 is preceded by four zero octets where ESP has its SPI.
inline constexpr std::array<uint8_t, 4> kNonEspMarker{0, 0, 0, 0};
// RFC 3948 §2.3: a NAT-keepalive is a single octet 0xFF.
inline constexpr uint8_t kNattKeepalive = 0xff;

enum class NattKind {
  Ike,        // payload: the IKE message after the marker
  Esp,        // payload: the whole datagram, starting with the SPI
  Keepalive,  // ignore (it only refreshes NAT bindings)
  Short,      // fewer than 4 bytes and not a keepalive: drop
};

struct NattDatagram {
  NattKind kind = NattKind::Short;
  ByteView payload;
};

// Classifies a port-4500 datagram; the payload views into data.
NattDatagram classifyNattDatagram(ByteView data);

}  // namespace vpngw::engine
