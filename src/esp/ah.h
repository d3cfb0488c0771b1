#pragma once
// AH (RFC 4302) in tunnel mode, producing and consuming complete outer IPv4 packets
// (protocol 51), since the ICV covers the outer header: the I/O side sends them on a raw
// socket with IP_HDRINCL and hands received raw-socket packets (IP header included) back.
//
//   outer IPv4 (20) | Next Header 4 | Payload Len | Reserved | SPI | SEQ | ICV | inner packet
//
// The ICV covers the outer header with its mutable fields zeroed (TOS, flags + fragment
// offset, TTL, checksum; RFC 4302 §3.3.3.1.1.1), the AH header with a zero ICV, the inner
// packet and, with ESN, the high 32 bits of the sequence number appended for the computation
// only (§3.3.3.1). Outer IPv4 options and fragments are refused (kUnsupported): we never send
// them and raw sockets deliver reassembled packets.
//
// Threads: as for ESP, one object per thread at a time; the caller allocates sequence numbers.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "base/bytes.h"
#include "base/ip.h"
#include "base/result.h"
#include "esp/packet_error.h"
#include "esp/sa_params.h"

namespace vpngw::esp {

// The mutable outer-header fields are the caller's choice (RFC 4301 §5.1.2.1: e.g. copy the
// inner DSCP and DF); src, dst and id are covered by the ICV.
struct OuterIpv4 {
  Ipv4 src;
  Ipv4 dst;
  uint8_t tos = 0;
  uint8_t ttl = 64;
  uint16_t id = 0;
  bool dont_fragment = false;
};

class AhOutbound {
 public:
  // sa.encr_id must be encr::kNone and sa.integ_id an HMAC.
  static Result<AhOutbound> create(const SaParams& sa);

  AhOutbound(AhOutbound&&) noexcept;
  AhOutbound& operator=(AhOutbound&&) noexcept;
  ~AhOutbound();

  uint32_t spi() const { return spi_; }
  // Outer IPv4 header + AH header with ICV: where the inner packet starts in the output, and
  // everything AH adds (for the MTU).
  size_t headerSize() const { return kOuter + ah_size_; }
  size_t maxOverhead() const { return headerSize(); }
  size_t packetSize(size_t inner_size) const { return headerSize() + inner_size; }

  // Writes the complete outer IPv4 packet to out and returns its size. inner may lie anywhere,
  // including inside out at headerSize(). Errors: kSeqExhausted, kPayloadTooLarge (total >
  // 65535), kBufferTooSmall, kCryptoFailure.
  PacketResult<size_t> encapsulate(uint64_t seq, const OuterIpv4& outer, ByteView inner,
                                   std::span<uint8_t> out, uint8_t next_header = kNextHeaderIpv4);

 private:
  struct Crypto;
  static constexpr size_t kOuter = 20;
  AhOutbound(const SaParams& sa, size_t icv_size, std::unique_ptr<Crypto> crypto);

  uint32_t spi_;
  bool esn_;
  size_t ah_size_;  // 12 + ICV padded to 32 bits
  std::unique_ptr<Crypto> crypto_;
};

// What the I/O side needs before verifying: the SA lookup key and the replay-check input.
struct AhHeader {
  Ipv4 src;
  Ipv4 dst;
  uint32_t spi = 0;
  uint32_t seq = 0;  // low 32 bits
};

// Parses the outer IPv4 and AH headers without verifying anything cryptographic.
// Errors: kTooShort, kBadOuterHeader, kUnsupported.
PacketResult<AhHeader> peekAhPacket(ByteView ipv4_packet);

struct AhPayload {
  std::span<uint8_t> data;  // the inner packet, inside the caller's buffer
  uint8_t next_header = 0;
  Ipv4 src;  // outer addresses, authenticated
  Ipv4 dst;
};

class AhInbound {
 public:
  static Result<AhInbound> create(const SaParams& sa, InboundOptions options = {});

  AhInbound(AhInbound&&) noexcept;
  AhInbound& operator=(AhInbound&&) noexcept;
  ~AhInbound();

  uint32_t spi() const { return spi_; }

  // packet: the whole IPv4 packet as received (bytes past its total length are ignored).
  // seq: from ReplayWindow::check(). Errors: those of peekAhPacket(), kBadLength (AH length
  // is not this SA's), kSpiMismatch, kInvalidSeq, kAuthFailed, and with require_ip_payload
  // kBadNextHeader, kDummyPacket, kBadInnerPacket.
  PacketResult<AhPayload> decapsulate(uint64_t seq, std::span<uint8_t> packet);

 private:
  struct Crypto;
  AhInbound(const SaParams& sa, InboundOptions options, size_t icv_size,
            std::unique_ptr<Crypto> crypto);

  uint32_t spi_;
  bool esn_;
  InboundOptions options_;
  size_t ah_size_;
  std::unique_ptr<Crypto> crypto_;
};

}  // namespace vpngw::esp
