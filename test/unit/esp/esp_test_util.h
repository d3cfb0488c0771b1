#pragma once
// Helpers shared by the ESP/AH unit tests: hex vectors, inner packets, and a reference ESP
// sealer built from one-shot OpenSSL calls (fresh contexts, no code shared with src/esp), used
// to cross-check the transforms and to craft packets with malformed trailers but valid ICVs.
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "base/byte_io.h"
#include "base/bytes.h"
#include "esp/algorithms.h"
#include "esp/sa_params.h"

namespace vpngw::esp::test {

inline Bytes hex(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c != ' ' && c != '\n') {
      digits.push_back(c);
    }
  }
  auto bytes = fromHex(digits);
  if (!bytes) {
    throw std::invalid_argument("bad hex in test vector: " + digits);
  }
  return *bytes;
}

// Deterministic filler bytes.
inline Bytes pattern(size_t n, uint8_t seed = 0) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) {
    b[i] = static_cast<uint8_t>(i * 7 + seed);
  }
  return b;
}

// A syntactically valid IPv4 packet (UDP, no options) of exactly total bytes (>= 20).
inline Bytes ipv4Packet(size_t total, uint8_t seed = 0) {
  Bytes p = pattern(total, seed);
  p[0] = 0x45;
  p[1] = 0;
  storeU16(p.data() + 2, static_cast<uint16_t>(total));
  p[9] = 17;
  return p;
}

// One algorithm combination with fixed keys.
struct Suite {
  std::string name;
  uint16_t encr_id = 0;
  uint16_t key_bits = 0;
  uint16_t integ_id = 0;
  Bytes encr_key;
  Bytes integ_key;

  SaParams params(uint32_t spi, bool esn) const {
    return SaParams{spi, encr_id, key_bits, integ_id, esn, view(encr_key), view(integ_key)};
  }
};

inline Suite makeSuite(std::string name, uint16_t encr_id, uint16_t key_bits, uint16_t integ_id) {
  Suite s{std::move(name), encr_id, key_bits, integ_id, {}, {}};
  if (encr_id != encr::kNone) {
    auto e = encrSpec(encr_id, key_bits);
    s.encr_key = pattern(e->key_size + e->salt_size, 0x11);
  }
  if (integ_id != integ::kNone) {
    s.integ_key = pattern(integSpec(integ_id)->key_size, 0x5a);
  }
  return s;
}

// Every ESP combination the transforms support.
inline std::vector<Suite> allEspSuites() {
  std::vector<Suite> out;
  const std::pair<uint16_t, uint16_t> cbc[] = {
      {encr::k3Des, 0}, {encr::kAesCbc, 128}, {encr::kAesCbc, 192}, {encr::kAesCbc, 256}};
  const uint16_t integs[] = {integ::kNone,           integ::kHmacMd5_96,
                             integ::kHmacSha1_96,    integ::kHmacSha256_128,
                             integ::kHmacSha384_192, integ::kHmacSha512_256};
  for (auto [id, bits] : cbc) {
    for (uint16_t i : integs) {
      out.push_back(makeSuite(
          "cbc" + std::to_string(id) + "_" + std::to_string(bits) + "_i" + std::to_string(i), id,
          bits, i));
    }
  }
  for (uint16_t bits : {128, 192, 256}) {
    out.push_back(makeSuite("gcm" + std::to_string(bits), encr::kAesGcm16, bits, integ::kNone));
  }
  return out;
}

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

inline Bytes referenceHmac(const IntegSpec& spec, ByteView key, ByteView data) {
  Bytes out(EVP_MAX_MD_SIZE);
  size_t len = 0;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(spec.digest), 0),
      OSSL_PARAM_construct_end()};
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, nullptr, params, key.data(), key.size(), data.data(),
                data.size(), out.data(), out.size(), &len) == nullptr) {
    throw std::runtime_error("EVP_Q_mac");
  }
  out.resize(spec.icv_size);
  return out;
}

// ESP packet for an already padded plaintext (payload | padding | pad length | next header).
inline Bytes referenceSeal(const Suite& s, uint32_t spi, uint64_t seq, bool esn, ByteView iv,
                           ByteView plaintext) {
  auto e = *encrSpec(s.encr_id, s.key_bits);
  Bytes packet(8);
  storeU32(packet.data(), spi);
  storeU32(packet.data() + 4, static_cast<uint32_t>(seq));
  packet.insert(packet.end(), iv.begin(), iv.end());
  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
  Bytes ct(plaintext.size());
  int len = 0;
  int tail = 0;
  if (e.mode == CipherMode::Gcm) {
    const EVP_CIPHER* cipher = e.key_size == 16   ? EVP_aes_128_gcm()
                               : e.key_size == 24 ? EVP_aes_192_gcm()
                                                  : EVP_aes_256_gcm();
    Bytes nonce(s.encr_key.end() - 4, s.encr_key.end());
    nonce.insert(nonce.end(), iv.begin(), iv.end());
    Bytes aad(packet.begin(), packet.begin() + 4);
    if (esn) {
      aad.resize(8);
      storeU32(aad.data() + 4, static_cast<uint32_t>(seq >> 32));
    }
    aad.insert(aad.end(), packet.begin() + 4, packet.begin() + 8);
    Bytes tag(16);
    if (EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, s.encr_key.data(), nonce.data()) != 1 ||
        EVP_EncryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) !=
            1 ||
        EVP_EncryptUpdate(ctx.get(), ct.data(), &len, plaintext.data(),
                          static_cast<int>(plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), ct.data() + len, &tail) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, tag.data()) != 1) {
      throw std::runtime_error("reference GCM");
    }
    packet.insert(packet.end(), ct.begin(), ct.end());
    packet.insert(packet.end(), tag.begin(), tag.end());
    return packet;
  }
  const EVP_CIPHER* cipher = s.encr_id == encr::k3Des ? EVP_des_ede3_cbc()
                             : e.key_size == 16       ? EVP_aes_128_cbc()
                             : e.key_size == 24       ? EVP_aes_192_cbc()
                                                      : EVP_aes_256_cbc();
  if (EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, s.encr_key.data(), iv.data()) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
      EVP_EncryptUpdate(ctx.get(), ct.data(), &len, plaintext.data(),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), ct.data() + len, &tail) != 1) {
    throw std::runtime_error("reference CBC");
  }
  packet.insert(packet.end(), ct.begin(), ct.end());
  if (s.integ_id != integ::kNone) {
    Bytes covered = packet;
    if (esn) {
      covered.resize(covered.size() + 4);
      storeU32(covered.data() + covered.size() - 4, static_cast<uint32_t>(seq >> 32));
    }
    Bytes icv = referenceHmac(*integSpec(s.integ_id), view(s.integ_key), view(covered));
    packet.insert(packet.end(), icv.begin(), icv.end());
  }
  return packet;
}

// payload | 1, 2, 3, ... | pad length | next header, aligned as RFC 4303 §2.4 asks.
inline Bytes padded(ByteView payload, size_t align, uint8_t next_header) {
  Bytes p(payload.begin(), payload.end());
  size_t pad = (align - (payload.size() + 2) % align) % align;
  for (size_t i = 1; i <= pad; ++i) {
    p.push_back(static_cast<uint8_t>(i));
  }
  p.push_back(static_cast<uint8_t>(pad));
  p.push_back(next_header);
  return p;
}

}  // namespace vpngw::esp::test
