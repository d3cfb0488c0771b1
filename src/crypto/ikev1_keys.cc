// IKEv1 key derivation (RFC 2409 §5, §5.5, §5.7, Appendix B) on OpenSSL EVP.
#include "crypto/ikev1_keys.h"

#include <openssl/evp.h>

#include <stdexcept>
#include <string>

#include "crypto/openssl_util.h"
#include "crypto/transform_ids.h"

namespace vpngw::crypto::ikev1 {
namespace {

using MdPtr = std::unique_ptr<EVP_MD, ossl::Deleter<EVP_MD_free>>;

constexpr size_t kMaxExpansionBlocks = 255;

void appendU64(SecureBytes& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<uint8_t>(v >> shift));
  }
}

void appendU32(SecureBytes& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<uint8_t>(v >> shift));
  }
}

void append(SecureBytes& out, ByteView v) { out.insert(out.end(), v.begin(), v.end()); }

Bytes toPlain(const SecureBytes& s) { return Bytes(s.begin(), s.end()); }

// Phase-1 key derivation step: prf(SKEYID, [previous |] g^xy | CKY-I | CKY-R | counter).
SecureBytes deriveStep(const Prf& prf, ByteView skeyid, ByteView previous, ByteView gxy,
                       uint64_t cky_i, uint64_t cky_r, uint8_t counter) {
  SecureBytes data;
  data.reserve(previous.size() + gxy.size() + 17);
  append(data, previous);
  append(data, gxy);
  appendU64(data, cky_i);
  appendU64(data, cky_r);
  data.push_back(counter);
  return prf.compute(skeyid, view(data));
}

// K1 = prf(key, seed | first), Kn = prf(key, Kn-1 | seed), truncated to length. Shared by the
// SKEYID_e expansion (seed empty, first = 0x00) and KEYMAT (no first byte).
Result<SecureBytes> expand(const Prf& prf, ByteView key, ByteView seed, ByteView first,
                           size_t length, const char* what) {
  const size_t block = prf.outputSize();
  if (length == 0 || length > kMaxExpansionBlocks * block) {
    return makeError(std::string(what) + " of " + std::to_string(length) + " bytes refused");
  }
  SecureBytes out;
  out.reserve(length + block);
  SecureBytes input;
  while (out.size() < length) {
    input.resize(0);
    if (!out.empty()) {
      input.insert(input.end(), out.end() - static_cast<std::ptrdiff_t>(block), out.end());
    }
    append(input, seed);
    if (out.empty()) {
      append(input, first);
    }
    SecureBytes k = prf.compute(key, view(input));
    out.insert(out.end(), k.begin(), k.end());
  }
  out.resize(length);
  return out;
}

Bytes truncated(Bytes digest, size_t block_size) {
  if (block_size > digest.size()) {
    throw std::invalid_argument("IKEv1 IV: block size exceeds the hash size");
  }
  digest.resize(block_size);
  return digest;
}

Bytes macOver(const Prf& prf, ByteView key, const SecureBytes& data) {
  return toPlain(prf.compute(key, view(data)));
}

}  // namespace

Result<HashFunction> HashFunction::create(uint16_t hash_attribute) {
  const char* digest = nullptr;
  uint16_t prf_id = 0;
  switch (hash_attribute) {
    case hash_id::kMd5:
      digest = "MD5";
      prf_id = ids::prf::kHmacMd5;
      break;
    case hash_id::kSha1:
      digest = "SHA1";
      prf_id = ids::prf::kHmacSha1;
      break;
    case hash_id::kSha256:
      digest = "SHA256";
      prf_id = ids::prf::kHmacSha256;
      break;
    case hash_id::kSha384:
      digest = "SHA384";
      prf_id = ids::prf::kHmacSha384;
      break;
    case hash_id::kSha512:
      digest = "SHA512";
      prf_id = ids::prf::kHmacSha512;
      break;
    default:
      return makeError("unsupported IKEv1 hash algorithm " + std::to_string(hash_attribute));
  }
  auto prf = createPrf(prf_id);
  if (!prf) {
    return prf.error();
  }
  size_t size = (*prf)->outputSize();
  return HashFunction(digest, std::move(*prf), size);
}

Bytes HashFunction::digest(ByteView data) const {
  MdPtr md(EVP_MD_fetch(nullptr, digest_name_, nullptr));
  if (!md) {
    ossl::fail(std::string("EVP_MD_fetch ") + digest_name_);
  }
  Bytes out(size_);
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, md.get(), nullptr) != 1 ||
      len != size_) {
    ossl::fail("EVP_Digest");
  }
  return out;
}

SecureBytes skeyidPsk(const Prf& prf, ByteView psk, ByteView ni_b, ByteView nr_b) {
  SecureBytes nonces = concat<SecureBytes>(ni_b, nr_b);
  return prf.compute(psk, view(nonces));
}

SecureBytes skeyidSignature(const Prf& prf, ByteView ni_b, ByteView nr_b, ByteView gxy) {
  SecureBytes key = concat<SecureBytes>(ni_b, nr_b);
  return prf.compute(view(key), gxy);
}

Phase1Keys derivePhase1Keys(const Prf& prf, SecureBytes skeyid, ByteView gxy, uint64_t cky_i,
                            uint64_t cky_r) {
  Phase1Keys keys;
  keys.skeyid = std::move(skeyid);
  ByteView k = view(keys.skeyid);
  keys.skeyid_d = deriveStep(prf, k, {}, gxy, cky_i, cky_r, 0);
  keys.skeyid_a = deriveStep(prf, k, view(keys.skeyid_d), gxy, cky_i, cky_r, 1);
  keys.skeyid_e = deriveStep(prf, k, view(keys.skeyid_a), gxy, cky_i, cky_r, 2);
  return keys;
}

Result<SecureBytes> encryptionKey(const Prf& prf, ByteView skeyid_e, size_t key_size) {
  if (key_size == 0) {
    return makeError("IKEv1 encryption key size 0");
  }
  if (skeyid_e.size() >= key_size) {
    return toSecure(skeyid_e.first(key_size));
  }
  static constexpr uint8_t kZero = 0;
  return expand(prf, skeyid_e, {}, ByteView(&kZero, 1), key_size, "IKEv1 key expansion");
}

Bytes phase1Iv(const HashFunction& hash, ByteView gxi, ByteView gxr, size_t block_size) {
  return truncated(hash.digest(concat(gxi, gxr)), block_size);
}

Bytes phase2Iv(const HashFunction& hash, ByteView last_phase1_block, uint32_t message_id,
               size_t block_size) {
  Bytes data = toBytes(last_phase1_block);
  for (int shift = 24; shift >= 0; shift -= 8) {
    data.push_back(static_cast<uint8_t>(message_id >> shift));
  }
  return truncated(hash.digest(data), block_size);
}

Bytes hashI(const Prf& prf, ByteView skeyid, ByteView gxi, ByteView gxr, uint64_t cky_i,
            uint64_t cky_r, ByteView sai_b, ByteView idii_b) {
  SecureBytes data;
  append(data, gxi);
  append(data, gxr);
  appendU64(data, cky_i);
  appendU64(data, cky_r);
  append(data, sai_b);
  append(data, idii_b);
  return macOver(prf, skeyid, data);
}

Bytes hashR(const Prf& prf, ByteView skeyid, ByteView gxi, ByteView gxr, uint64_t cky_i,
            uint64_t cky_r, ByteView sai_b, ByteView idir_b) {
  SecureBytes data;
  append(data, gxr);
  append(data, gxi);
  appendU64(data, cky_r);
  appendU64(data, cky_i);
  append(data, sai_b);
  append(data, idir_b);
  return macOver(prf, skeyid, data);
}

Bytes quickHash1(const Prf& prf, ByteView skeyid_a, uint32_t message_id, ByteView after_hash) {
  SecureBytes data;
  appendU32(data, message_id);
  append(data, after_hash);
  return macOver(prf, skeyid_a, data);
}

Bytes quickHash2(const Prf& prf, ByteView skeyid_a, uint32_t message_id, ByteView ni_b,
                 ByteView after_hash) {
  SecureBytes data;
  appendU32(data, message_id);
  append(data, ni_b);
  append(data, after_hash);
  return macOver(prf, skeyid_a, data);
}

Bytes quickHash3(const Prf& prf, ByteView skeyid_a, uint32_t message_id, ByteView ni_b,
                 ByteView nr_b) {
  SecureBytes data;
  data.push_back(0);
  appendU32(data, message_id);
  append(data, ni_b);
  append(data, nr_b);
  return macOver(prf, skeyid_a, data);
}

Bytes informationalHash(const Prf& prf, ByteView skeyid_a, uint32_t message_id,
                        ByteView after_hash) {
  return quickHash1(prf, skeyid_a, message_id, after_hash);
}

Result<SecureBytes> keymat(const Prf& prf, ByteView skeyid_d, ByteView gqm_xy, uint8_t protocol,
                           ByteView spi, ByteView ni_b, ByteView nr_b, size_t length) {
  SecureBytes seed;
  append(seed, gqm_xy);
  seed.push_back(protocol);
  append(seed, spi);
  append(seed, ni_b);
  append(seed, nr_b);
  return expand(prf, skeyid_d, view(seed), {}, length, "IKEv1 KEYMAT");
}

Bytes natDetectionHash(const HashFunction& hash, uint64_t cky_i, uint64_t cky_r, ByteView ip,
                       uint16_t port) {
  Bytes data;
  for (uint64_t v : {cky_i, cky_r}) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      data.push_back(static_cast<uint8_t>(v >> shift));
    }
  }
  data.insert(data.end(), ip.begin(), ip.end());
  data.push_back(static_cast<uint8_t>(port >> 8));
  data.push_back(static_cast<uint8_t>(port));
  return hash.digest(data);
}

}  // namespace vpngw::crypto::ikev1
