#include "esp/packet_error.h"

namespace vpngw::esp {

std::string_view toString(PacketError e) {
  switch (e) {
    case PacketError::kNone:
      return "none";
    case PacketError::kTooShort:
      return "too_short";
    case PacketError::kBadLength:
      return "bad_length";
    case PacketError::kSpiMismatch:
      return "spi_mismatch";
    case PacketError::kAuthFailed:
      return "auth_failed";
    case PacketError::kBadPadLength:
      return "bad_pad_length";
    case PacketError::kBadPadding:
      return "bad_padding";
    case PacketError::kBadNextHeader:
      return "bad_next_header";
    case PacketError::kDummyPacket:
      return "dummy_packet";
    case PacketError::kBadInnerPacket:
      return "bad_inner_packet";
    case PacketError::kBadOuterHeader:
      return "bad_outer_header";
    case PacketError::kUnsupported:
      return "unsupported";
    case PacketError::kReplayed:
      return "replayed";
    case PacketError::kTooOld:
      return "too_old";
    case PacketError::kInvalidSeq:
      return "invalid_seq";
    case PacketError::kBufferTooSmall:
      return "buffer_too_small";
    case PacketError::kPayloadTooLarge:
      return "payload_too_large";
    case PacketError::kSeqExhausted:
      return "seq_exhausted";
    case PacketError::kCryptoFailure:
      return "crypto_failure";
    case PacketError::kCount:
      break;
  }
  return "unknown";
}

}  // namespace vpngw::esp
