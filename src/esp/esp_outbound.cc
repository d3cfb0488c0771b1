#include "esp/esp_outbound.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

#include "base/byte_io.h"
#include "esp/esp_suite.h"
#include "esp/packet_crypto.h"

namespace vpngw::esp {

namespace {
constexpr size_t kMaxPayload = 65535;  // an IPv4 packet; larger could never be sent
constexpr size_t kMaxIv = 16;
}  // namespace

struct EspOutbound::Crypto {
  CipherMode mode;
  detail::CipherContext cipher;
  std::optional<detail::HmacContext> hmac;
  std::optional<detail::CbcIvSource> iv_source;
  std::array<uint8_t, 4> salt;
  std::optional<std::array<uint8_t, kMaxIv>> test_iv;
};

Result<EspOutbound> EspOutbound::create(const SaParams& sa) {
  auto suite = detail::resolveEspSuite(sa);
  if (!suite) {
    return suite.error();
  }
  auto cipher = detail::CipherContext::create(suite->encr, suite->cipher_key, true);
  if (!cipher) {
    return cipher.error();
  }
  auto crypto = std::make_unique<Crypto>(Crypto{suite->encr.mode, std::move(*cipher), std::nullopt,
                                                std::nullopt, suite->salt, std::nullopt});
  size_t icv_size = suite->encr.icv_size;
  if (suite->integ) {
    auto hmac = detail::HmacContext::create(*suite->integ, sa.integ_key);
    if (!hmac) {
      return hmac.error();
    }
    crypto->hmac.emplace(std::move(*hmac));
    icv_size = suite->integ->icv_size;
  }
  if (suite->encr.mode == CipherMode::Cbc) {
    auto iv = detail::CbcIvSource::create();
    if (!iv) {
      return iv.error();
    }
    crypto->iv_source.emplace(std::move(*iv));
  }
  return EspOutbound(sa, suite->encr.iv_size, suite->encr.block_size, icv_size, std::move(crypto));
}

EspOutbound::EspOutbound(const SaParams& sa, size_t iv_size, size_t align, size_t icv_size,
                         std::unique_ptr<Crypto> crypto)
    : spi_(sa.spi),
      esn_(sa.esn),
      iv_size_(iv_size),
      align_(align),
      icv_size_(icv_size),
      crypto_(std::move(crypto)) {}

EspOutbound::EspOutbound(EspOutbound&&) noexcept = default;
EspOutbound& EspOutbound::operator=(EspOutbound&&) noexcept = default;
EspOutbound::~EspOutbound() = default;

void EspOutbound::setIvForTesting(ByteView iv) {
  if (iv.empty()) {
    crypto_->test_iv.reset();
    return;
  }
  std::array<uint8_t, kMaxIv> copy{};
  std::memcpy(copy.data(), iv.data(), std::min(iv.size(), kMaxIv));
  crypto_->test_iv = copy;
}

PacketResult<size_t> EspOutbound::encapsulate(uint64_t seq, ByteView payload,
                                              std::span<uint8_t> out, uint8_t next_header) {
  if (seq == 0 || (!esn_ && seq > UINT32_MAX)) {
    return PacketError::kSeqExhausted;
  }
  if (payload.size() > kMaxPayload) {
    return PacketError::kPayloadTooLarge;
  }
  const size_t total = packetSize(payload.size());
  if (out.size() < total) {
    return PacketError::kBufferTooSmall;
  }
  uint8_t* packet = out.data();
  uint8_t* iv = packet + kHeader;
  uint8_t* body = iv + iv_size_;
  const size_t n = payload.size();
  if (n != 0 && payload.data() != body) {
    std::memmove(body, payload.data(), n);  // may overlap out
  }
  // Trailer (RFC 4303 §2.4): monotonic padding bytes 1, 2, 3, ... then pad length, next header.
  const size_t ct_len = paddedSize(n);
  const size_t pad = ct_len - n - 2;
  for (size_t i = 0; i < pad; ++i) {
    body[n + i] = static_cast<uint8_t>(i + 1);
  }
  body[ct_len - 2] = static_cast<uint8_t>(pad);
  body[ct_len - 1] = next_header;

  storeU32(packet, spi_);
  storeU32(packet + 4, static_cast<uint32_t>(seq));
  const auto seq_hi = static_cast<uint32_t>(seq >> 32);
  Crypto& c = *crypto_;

  if (c.mode == CipherMode::Gcm) {
    if (c.test_iv) {
      std::memcpy(iv, c.test_iv->data(), iv_size_);
    } else {
      storeU32(iv, seq_hi);
      storeU32(iv + 4, static_cast<uint32_t>(seq));
    }
    // Nonce = salt | explicit IV (RFC 4106 §4); AAD = SPI | [ESN high] | SEQ low (§5).
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
    if (!c.cipher.gcmSeal(nonce.data(), ByteView(aad.data(), aad_len), body, ct_len,
                          body + ct_len)) {
      return PacketError::kCryptoFailure;
    }
    return total;
  }

  if (c.test_iv) {
    std::memcpy(iv, c.test_iv->data(), iv_size_);
  } else if (!c.iv_source->next(seq, iv, iv_size_)) {
    return PacketError::kCryptoFailure;
  }
  if (!c.cipher.cbc(iv, body, ct_len)) {
    return PacketError::kCryptoFailure;
  }
  if (c.hmac) {
    // The ICV covers SPI through the ciphertext; with ESN the high 32 bits are appended for
    // the computation only (RFC 4303 §2.2.1, §3.3.2.1).
    std::array<uint8_t, 4> hi;
    storeU32(hi.data(), seq_hi);
    const std::array<ByteView, 2> parts = {ByteView(packet, kHeader + iv_size_ + ct_len),
                                           esn_ ? ByteView(hi) : ByteView()};
    if (!c.hmac->compute(parts, body + ct_len)) {
      return PacketError::kCryptoFailure;
    }
  }
  return total;
}

}  // namespace vpngw::esp
