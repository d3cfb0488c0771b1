#include "esp/ah.h"

#include <array>
#include <cstring>
#include <string>

#include "base/byte_io.h"
#include "esp/ip_util.h"
#include "esp/packet_crypto.h"

namespace vpngw::esp {

namespace {

constexpr size_t kOuterSize = detail::kIpv4HeaderSize;
constexpr size_t kAhFixed = 12;  // next header, payload len, reserved, SPI, SEQ
constexpr size_t kMaxAhSize = kAhFixed + 64;
constexpr uint16_t kDontFragment = 0x4000;

size_t ahSizeFor(size_t icv_size) { return kAhFixed + (icv_size + 3) / 4 * 4; }

Result<detail::HmacContext> makeHmac(const SaParams& sa) {
  if (sa.encr_id != encr::kNone) {
    return makeError("AH has no encryption transform");
  }
  auto spec = integSpec(sa.integ_id);
  if (!spec) {
    return makeError("unsupported AH integrity transform " + std::to_string(sa.integ_id));
  }
  return detail::HmacContext::create(*spec, sa.integ_key);
}

struct ParsedAh {
  AhHeader header;
  size_t total = 0;    // outer total length
  size_t ah_size = 0;  // from the Payload Len field
};

PacketResult<ParsedAh> parseAh(ByteView p) {
  if (p.size() < kOuterSize) {
    return PacketError::kTooShort;
  }
  if (p[0] >> 4 != 4) {
    return PacketError::kBadOuterHeader;
  }
  const size_t ihl = size_t{p[0] & 0x0fu} * 4;
  if (ihl < kOuterSize) {
    return PacketError::kBadOuterHeader;
  }
  if (ihl > kOuterSize) {
    return PacketError::kUnsupported;  // options: mutable/immutable per option, not handled
  }
  const size_t total = loadU16(p.data() + 2);
  if (total < kOuterSize) {
    return PacketError::kBadOuterHeader;
  }
  if (total > p.size()) {
    return PacketError::kTooShort;
  }
  if ((loadU16(p.data() + 6) & 0x3fff) != 0) {
    return PacketError::kUnsupported;  // a fragment: AH applies to the reassembled packet
  }
  if (p[9] != detail::kProtocolAh) {
    return PacketError::kBadOuterHeader;
  }
  if (total < kOuterSize + kAhFixed) {
    return PacketError::kTooShort;
  }
  const uint8_t* ah = p.data() + kOuterSize;
  ParsedAh parsed;
  parsed.ah_size = (size_t{ah[1]} + 2) * 4;  // RFC 4302 §2.2: in 32-bit words, minus 2
  if (parsed.ah_size < kAhFixed) {
    return PacketError::kBadLength;
  }
  if (total < kOuterSize + parsed.ah_size) {
    return PacketError::kTooShort;
  }
  parsed.total = total;
  parsed.header = AhHeader{Ipv4{loadU32(p.data() + 12)}, Ipv4{loadU32(p.data() + 16)},
                           loadU32(ah + 4), loadU32(ah + 8)};
  return parsed;
}

}  // namespace

PacketResult<AhHeader> peekAhPacket(ByteView ipv4_packet) {
  auto parsed = parseAh(ipv4_packet);
  if (!parsed) {
    return parsed.error();
  }
  return parsed->header;
}

// --- outbound -------------------------------------------------------------------------------

struct AhOutbound::Crypto {
  detail::HmacContext hmac;
};

Result<AhOutbound> AhOutbound::create(const SaParams& sa) {
  auto hmac = makeHmac(sa);
  if (!hmac) {
    return hmac.error();
  }
  size_t icv_size = hmac->icvSize();
  return AhOutbound(sa, icv_size, std::make_unique<Crypto>(Crypto{std::move(*hmac)}));
}

AhOutbound::AhOutbound(const SaParams& sa, size_t icv_size, std::unique_ptr<Crypto> crypto)
    : spi_(sa.spi), esn_(sa.esn), ah_size_(ahSizeFor(icv_size)), crypto_(std::move(crypto)) {}

AhOutbound::AhOutbound(AhOutbound&&) noexcept = default;
AhOutbound& AhOutbound::operator=(AhOutbound&&) noexcept = default;
AhOutbound::~AhOutbound() = default;

PacketResult<size_t> AhOutbound::encapsulate(uint64_t seq, const OuterIpv4& outer, ByteView inner,
                                             std::span<uint8_t> out, uint8_t next_header) {
  if (seq == 0 || (!esn_ && seq > UINT32_MAX)) {
    return PacketError::kSeqExhausted;
  }
  const size_t total = packetSize(inner.size());
  if (total > 65535) {
    return PacketError::kPayloadTooLarge;
  }
  if (out.size() < total) {
    return PacketError::kBufferTooSmall;
  }
  uint8_t* ip = out.data();
  uint8_t* ah = ip + kOuter;
  uint8_t* body = ah + ah_size_;
  if (!inner.empty() && inner.data() != body) {
    std::memmove(body, inner.data(), inner.size());
  }
  // Outer header with the mutable fields zero, as the ICV sees it.
  std::memset(ip, 0, kOuter);
  ip[0] = 0x45;
  storeU16(ip + 2, static_cast<uint16_t>(total));
  storeU16(ip + 4, outer.id);
  ip[9] = detail::kProtocolAh;
  storeU32(ip + 12, outer.src.value);
  storeU32(ip + 16, outer.dst.value);
  // AH header with a zero ICV (and zero ICV padding, RFC 4302 §2.6).
  std::memset(ah, 0, ah_size_);
  ah[0] = next_header;
  ah[1] = static_cast<uint8_t>(ah_size_ / 4 - 2);
  storeU32(ah + 4, spi_);
  storeU32(ah + 8, static_cast<uint32_t>(seq));

  std::array<uint8_t, 4> hi;
  storeU32(hi.data(), static_cast<uint32_t>(seq >> 32));
  const std::array<ByteView, 2> parts = {ByteView(ip, total), esn_ ? ByteView(hi) : ByteView()};
  if (!crypto_->hmac.compute(parts, ah + kAhFixed)) {
    return PacketError::kCryptoFailure;
  }
  ip[1] = outer.tos;
  storeU16(ip + 6, outer.dont_fragment ? kDontFragment : 0);
  ip[8] = outer.ttl;
  storeU16(ip + 10, detail::ipv4HeaderChecksum(ip, kOuter));
  return total;
}

// --- inbound --------------------------------------------------------------------------------

struct AhInbound::Crypto {
  detail::HmacContext hmac;
};

Result<AhInbound> AhInbound::create(const SaParams& sa, InboundOptions options) {
  auto hmac = makeHmac(sa);
  if (!hmac) {
    return hmac.error();
  }
  size_t icv_size = hmac->icvSize();
  return AhInbound(sa, options, icv_size, std::make_unique<Crypto>(Crypto{std::move(*hmac)}));
}

AhInbound::AhInbound(const SaParams& sa, InboundOptions options, size_t icv_size,
                     std::unique_ptr<Crypto> crypto)
    : spi_(sa.spi),
      esn_(sa.esn),
      options_(options),
      ah_size_(ahSizeFor(icv_size)),
      crypto_(std::move(crypto)) {}

AhInbound::AhInbound(AhInbound&&) noexcept = default;
AhInbound& AhInbound::operator=(AhInbound&&) noexcept = default;
AhInbound::~AhInbound() = default;

PacketResult<AhPayload> AhInbound::decapsulate(uint64_t seq, std::span<uint8_t> packet) {
  auto parsed = parseAh(packet);
  if (!parsed) {
    return parsed.error();
  }
  if (parsed->ah_size != ah_size_) {
    return PacketError::kBadLength;
  }
  if (parsed->header.spi != spi_) {
    return PacketError::kSpiMismatch;
  }
  if (parsed->header.seq != static_cast<uint32_t>(seq) || (!esn_ && seq > UINT32_MAX)) {
    return PacketError::kInvalidSeq;
  }
  const uint8_t* ip = packet.data();
  const uint8_t* ah = ip + kOuterSize;
  // Copies of both headers as the sender's ICV saw them; the packet itself stays untouched.
  std::array<uint8_t, kOuterSize> ip_zeroed;
  std::memcpy(ip_zeroed.data(), ip, kOuterSize);
  ip_zeroed[1] = 0;                    // TOS
  storeU16(ip_zeroed.data() + 6, 0);   // flags, fragment offset
  ip_zeroed[8] = 0;                    // TTL
  storeU16(ip_zeroed.data() + 10, 0);  // checksum
  std::array<uint8_t, kMaxAhSize> ah_zeroed{};
  std::memcpy(ah_zeroed.data(), ah, kAhFixed);
  std::array<uint8_t, 4> hi;
  storeU32(hi.data(), static_cast<uint32_t>(seq >> 32));
  const size_t inner_offset = kOuterSize + ah_size_;
  const std::array<ByteView, 4> parts = {ByteView(ip_zeroed), ByteView(ah_zeroed.data(), ah_size_),
                                         ByteView(ip + inner_offset, parsed->total - inner_offset),
                                         esn_ ? ByteView(hi) : ByteView()};
  if (!crypto_->hmac.verify(parts, ah + kAhFixed)) {
    return PacketError::kAuthFailed;
  }
  const uint8_t next_header = ah[0];
  std::span<uint8_t> inner = packet.subspan(inner_offset, parsed->total - inner_offset);
  if (options_.require_ip_payload) {
    auto len = detail::innerPacketLength(next_header, inner);
    if (!len) {
      return len.error();
    }
    inner = inner.first(*len);
  }
  return AhPayload{inner, next_header, parsed->header.src, parsed->header.dst};
}

}  // namespace vpngw::esp
