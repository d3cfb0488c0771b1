#pragma once
// Inbound ESP in tunnel mode (RFC 4303): verifies and decrypts in place in the caller's
// buffer and returns the inner packet.
//
// Order, per packet (the I/O side): peekEspHeader() -> find the SA by SPI ->
// ReplayWindow::check(seq low) -> decapsulate(seq64, packet) -> ReplayWindow::update(seq64).
// With HMAC the ICV is verified (constant time) before anything is decrypted; with AES-GCM
// the tag is verified by the same OpenSSL call that decrypts, and nothing decrypted is
// returned unless it verified. Then the padding (1, 2, 3, ...) and pad length are checked.
//
// Threads: one object is used by one thread at a time (one per worker per SA).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "base/bytes.h"
#include "base/result.h"
#include "esp/packet_error.h"
#include "esp/sa_params.h"

namespace vpngw::esp {

struct EspPayload {
  std::span<uint8_t> data;  // inside the caller's packet buffer
  uint8_t next_header = 0;
};

class EspInbound {
 public:
  static Result<EspInbound> create(const SaParams& sa, InboundOptions options = {});

  EspInbound(EspInbound&&) noexcept;
  EspInbound& operator=(EspInbound&&) noexcept;
  ~EspInbound();

  uint32_t spi() const { return spi_; }
  bool esn() const { return esn_; }
  // The smallest well-formed packet.
  size_t minPacketSize() const { return kHeader + iv_size_ + min_ciphertext_ + icv_size_; }

  // packet: the ESP packet (SPI onwards), modified in place. seq: the full sequence number
  // from ReplayWindow::check(); its low 32 bits must match the packet's (else kInvalidSeq).
  // Errors: kTooShort, kBadLength, kSpiMismatch, kInvalidSeq, kAuthFailed, kBadPadLength,
  // kBadPadding, and with require_ip_payload kBadNextHeader, kDummyPacket, kBadInnerPacket.
  PacketResult<EspPayload> decapsulate(uint64_t seq, std::span<uint8_t> packet);

 private:
  struct Crypto;
  static constexpr size_t kHeader = 8;

  EspInbound(const SaParams& sa, InboundOptions options, size_t iv_size, size_t align,
             size_t icv_size, std::unique_ptr<Crypto> crypto);

  uint32_t spi_;
  bool esn_;
  InboundOptions options_;
  size_t iv_size_;
  size_t align_;
  size_t min_ciphertext_;
  size_t icv_size_;
  std::unique_ptr<Crypto> crypto_;
};

}  // namespace vpngw::esp
