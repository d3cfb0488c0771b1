#pragma once
// A Notify payload (RFC 7296 §3.10) about the IKE SA itself (no protocol, no SPI), as the
// exchanges put into their messages.
#include <cstdint>
#include <utility>

#include "base/bytes.h"
#include "wire/ikev2_message.h"

namespace vpngw::ike {

inline wire::v2::Payload notify(uint16_t type, Bytes data = {}) {
  return {wire::payload::kNotify, false,
          wire::v2::NotifyPayload{wire::ProtocolId::None, {}, type, std::move(data)}};
}

}  // namespace vpngw::ike
