#pragma once
// Outbound ESP in tunnel mode (RFC 4303): inner packet -> ESP packet
//   SPI | SEQ(low 32) | IV | E(payload | padding 1,2,3.. | pad length | next header) | ICV
// ready to be sent as IP protocol 50 or inside UDP 4500 (RFC 3948; the I/O side adds the
// outer headers).
//
// Algorithms: 3DES-CBC, AES-CBC-128/192/256 with HMAC-MD5-96, HMAC-SHA1-96,
// HMAC-SHA2-256/384/512 (or no integrity), and AES-GCM-16-128/192/256 (RFC 4106).
// IVs: AES-GCM uses the 64-bit sequence number as its explicit IV (unique per SA, RFC 4106
// §3.1); CBC uses IV = AES_k'(seq) with a random per-object key k' (unpredictable, RFC 3602
// §2.1; see detail::CbcIvSource).
//
// Threads: one object is used by one thread at a time; the I/O side keeps one per worker per
// SA. Sequence numbers are allocated by the caller (one atomic counter per SA shared by all
// workers): AES-GCM's nonce uniqueness rests on every seq being used once per SA.
// Nothing is allocated per packet; the caller passes the output buffer.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "base/bytes.h"
#include "base/result.h"
#include "esp/packet_error.h"
#include "esp/sa_params.h"

namespace vpngw::esp {

class EspOutbound {
 public:
  // Validates the algorithms and key lengths and keys the OpenSSL contexts.
  static Result<EspOutbound> create(const SaParams& sa);

  EspOutbound(EspOutbound&&) noexcept;
  EspOutbound& operator=(EspOutbound&&) noexcept;
  ~EspOutbound();

  uint32_t spi() const { return spi_; }
  bool esn() const { return esn_; }
  // Where the payload starts in the output (ESP header + IV). A caller that places the inner
  // packet at out.data() + payloadOffset() saves a copy.
  size_t payloadOffset() const { return kHeader + iv_size_; }
  // The most bytes encapsulate() adds to a payload, for the tunnel interface's MTU (the outer
  // IPv4 header, 20, and with UDP encapsulation the UDP header, 8, come on top).
  size_t maxOverhead() const { return kHeader + iv_size_ + (align_ - 1) + 2 + icv_size_; }
  // The exact output size for a payload of this size.
  size_t packetSize(size_t payload_size) const {
    return kHeader + iv_size_ + paddedSize(payload_size) + icv_size_;
  }

  // Writes the ESP packet for payload to out and returns its size (packetSize()).
  // seq: the full sequence number, >= 1; without ESN it must fit in 32 bits (else
  // kSeqExhausted: the SA must be rekeyed, RFC 4303 §3.3.3). payload may lie anywhere,
  // including inside out (zero-copy at payloadOffset()). Errors: kSeqExhausted,
  // kPayloadTooLarge (> 65535 bytes), kBufferTooSmall, kCryptoFailure.
  PacketResult<size_t> encapsulate(uint64_t seq, ByteView payload, std::span<uint8_t> out,
                                   uint8_t next_header = kNextHeaderIpv4);

  // Tests only: use this IV (iv size bytes) instead of generating one, so known-answer
  // vectors can be reproduced. An empty view restores normal IV generation.
  void setIvForTesting(ByteView iv);

 private:
  struct Crypto;
  static constexpr size_t kHeader = 8;

  EspOutbound(const SaParams& sa, size_t iv_size, size_t align, size_t icv_size,
              std::unique_ptr<Crypto> crypto);
  size_t paddedSize(size_t payload_size) const {
    size_t n = payload_size + 2;  // pad length and next header
    return n + (align_ - n % align_) % align_;
  }

  uint32_t spi_;
  bool esn_;
  size_t iv_size_;
  size_t align_;
  size_t icv_size_;
  std::unique_ptr<Crypto> crypto_;
};

}  // namespace vpngw::esp
