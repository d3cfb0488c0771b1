#pragma once
// Why a packet was refused. The data plane counts these per reason (index by the enum value,
// kPacketErrorCount entries), so every malformed input maps to exactly one code; nothing on
// the packet path allocates an error message.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

namespace vpngw::esp {

enum class PacketError : uint8_t {
  kNone = 0,
  // Inbound parsing and verification.
  kTooShort,        // shorter than the headers, IV, minimum ciphertext and ICV
  kBadLength,       // ciphertext not block-aligned, or an AH length field that disagrees
  kSpiMismatch,     // the packet's SPI is not this SA's (a routing bug in the caller)
  kAuthFailed,      // ICV or GCM tag mismatch
  kBadPadLength,    // pad length larger than the decrypted payload
  kBadPadding,      // padding bytes not 1, 2, 3, ... (RFC 4303 §2.4)
  kBadNextHeader,   // next header is not IPv4/IPv6 although an IP packet is required
  kDummyPacket,     // next header 59: a TFC dummy packet, discard silently (RFC 4303 §2.6)
  kBadInnerPacket,  // the inner IP header is malformed or longer than the payload
  kBadOuterHeader,  // AH: not an IPv4 header carrying protocol 51, or inconsistent lengths
  kUnsupported,     // AH: outer IPv4 options or a fragment (never produced by peers we know)
  // Anti-replay (ReplayWindow).
  kReplayed,    // sequence number already received
  kTooOld,      // left of the window
  kInvalidSeq,  // 0, a 32-bit wrap without ESN, or a 64-bit wrap with ESN
  // Outbound.
  kBufferTooSmall,   // the caller's output buffer cannot hold the result (caller bug)
  kPayloadTooLarge,  // the result would not fit in an IPv4 packet
  kSeqExhausted,     // outbound seq 0, or beyond 2^32-1 without ESN: the SA must be rekeyed
  kCryptoFailure,    // OpenSSL reported an internal error
  kCount,
};

inline constexpr size_t kPacketErrorCount = static_cast<size_t>(PacketError::kCount);

// A stable lower_snake name for counters and logs ("auth_failed").
std::string_view toString(PacketError e);

// A value or a PacketError; cheap to copy, never allocates.
template <typename T>
class [[nodiscard]] PacketResult {
 public:
  PacketResult(T value) : value_(std::move(value)) {}           // NOLINT: implicit by design
  PacketResult(PacketError error) : value_(), error_(error) {}  // NOLINT

  bool ok() const { return error_ == PacketError::kNone; }
  explicit operator bool() const { return ok(); }
  PacketError error() const { return error_; }

  T& value() { return value_; }
  const T& value() const { return value_; }
  T& operator*() { return value_; }
  const T& operator*() const { return value_; }
  T* operator->() { return &value_; }
  const T* operator->() const { return &value_; }

 private:
  T value_;
  PacketError error_ = PacketError::kNone;
};

}  // namespace vpngw::esp
