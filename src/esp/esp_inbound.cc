#include "esp/esp_inbound.h"

#include <array>
#include <cstring>
#include <optional>

#include "base/byte_io.h"
#include "esp/esp_suite.h"
#include "esp/ip_util.h"
#include "esp/packet_crypto.h"

namespace vpngw::esp {

struct EspInbound::Crypto {
  CipherMode mode;
  detail::CipherContext cipher;
  std::optional<detail::HmacContext> hmac;
  std::array<uint8_t, 4> salt;
};

Result<EspInbound> EspInbound::create(const SaParams& sa, InboundOptions options) {
  auto suite = detail::resolveEspSuite(sa);
  if (!suite) {
    return suite.error();
  }
  auto cipher = detail::CipherContext::create(suite->encr, suite->cipher_key, false);
  if (!cipher) {
    return cipher.error();
  }
  auto crypto = std::make_unique<Crypto>(
      Crypto{suite->encr.mode, std::move(*cipher), std::nullopt, suite->salt});
  size_t icv_size = suite->encr.icv_size;
  if (suite->integ) {
    auto hmac = detail::HmacContext::create(*suite->integ, sa.integ_key);
    if (!hmac) {
      return hmac.error();
    }
    crypto->hmac.emplace(std::move(*hmac));
    icv_size = suite->integ->icv_size;
  }
  return EspInbound(sa, options, suite->encr.iv_size, suite->encr.block_size, icv_size,
                    std::move(crypto));
}

EspInbound::EspInbound(const SaParams& sa, InboundOptions options, size_t iv_size, size_t align,
                       size_t icv_size, std::unique_ptr<Crypto> crypto)
    : spi_(sa.spi),
      esn_(sa.esn),
      options_(options),
      iv_size_(iv_size),
      align_(align),
      // The 2-byte trailer, padded to the alignment: one block for CBC, 4 bytes for GCM.
      min_ciphertext_(align < 4 ? 4 : align),
      icv_size_(icv_size),
      crypto_(std::move(crypto)) {}

EspInbound::EspInbound(EspInbound&&) noexcept = default;
EspInbound& EspInbound::operator=(EspInbound&&) noexcept = default;
EspInbound::~EspInbound() = default;

PacketResult<EspPayload> EspInbound::decapsulate(uint64_t seq, std::span<uint8_t> packet) {
  if (packet.size() < minPacketSize()) {
    return PacketError::kTooShort;
  }
  const size_t ct_len = packet.size() - kHeader - iv_size_ - icv_size_;
  // RFC 4303 §2.4: the ciphertext is block-aligned (CBC) and always 4-byte aligned.
  if (ct_len % align_ != 0 || ct_len % 4 != 0) {
    return PacketError::kBadLength;
  }
  uint8_t* p = packet.data();
  if (loadU32(p) != spi_) {
    return PacketError::kSpiMismatch;
  }
  if (loadU32(p + 4) != static_cast<uint32_t>(seq) || (!esn_ && seq > UINT32_MAX)) {
    return PacketError::kInvalidSeq;
  }
  const auto seq_hi = static_cast<uint32_t>(seq >> 32);
  uint8_t* iv = p + kHeader;
  uint8_t* body = iv + iv_size_;
  uint8_t* icv = body + ct_len;
  Crypto& c = *crypto_;

  if (c.mode == CipherMode::Gcm) {
    std::array<uint8_t, 12> nonce;
    std::memcpy(nonce.data(), c.salt.data(), 4);
    std::memcpy(nonce.data() + 4, iv, 8);
    std::array<uint8_t, 12> aad;
    size_t aad_len = 8;
    storeU32(aad.data(), spi_);
    if (esn_) {
      storeU32(aad.data() + 4, seq_hi);
      storeU32(aad.data() + 8, static_cast<uint32_t>(seq));
      aad_len = 12;
    } else {
      storeU32(aad.data() + 4, static_cast<uint32_t>(seq));
    }
    if (!c.cipher.gcmOpen(nonce.data(), ByteView(aad.data(), aad_len), body, ct_len, icv)) {
      return PacketError::kAuthFailed;
    }
  } else {
    if (c.hmac) {
      std::array<uint8_t, 4> hi;
      storeU32(hi.data(), seq_hi);
      const std::array<ByteView, 2> parts = {ByteView(p, kHeader + iv_size_ + ct_len),
                                             esn_ ? ByteView(hi) : ByteView()};
      if (!c.hmac->verify(parts, icv)) {
        return PacketError::kAuthFailed;
      }
    }
    if (!c.cipher.cbc(iv, body, ct_len)) {
      return PacketError::kCryptoFailure;
    }
  }

  const size_t pad = body[ct_len - 2];
  const uint8_t next_header = body[ct_len - 1];
  if (pad + 2 > ct_len) {
    return PacketError::kBadPadLength;
  }
  const size_t payload_len = ct_len - 2 - pad;
  for (size_t i = 0; i < pad; ++i) {
    if (body[payload_len + i] != static_cast<uint8_t>(i + 1)) {
      return PacketError::kBadPadding;
    }
  }
  std::span<uint8_t> payload(body, payload_len);
  if (options_.require_ip_payload) {
    auto inner = detail::innerPacketLength(next_header, payload);
    if (!inner) {
      return inner.error();
    }
    payload = payload.first(*inner);
  }
  return EspPayload{payload, next_header};
}

}  // namespace vpngw::esp
