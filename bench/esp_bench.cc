// ESP per-packet cost against the raw OpenSSL cost of the same cryptography.
//
//   ours/<dir>/<suite>/<size>  EspOutbound::encapsulate / EspInbound::decapsulate of an inner
//                              packet of <size> bytes (encrypt: zero-copy, the inner packet at
//                              payloadOffset(); decrypt: the packet is first copied into the
//                              work buffer, since decapsulation is in place)
//   raw/<dir>/<suite>/<size>   the same cipher work with plain EVP and reused contexts: GCM
//                              seal/open of <size> bytes plus 8 bytes of AAD; AES-128-CBC of
//                              <size> rounded up to the block plus HMAC-SHA1 over it (decrypt
//                              copies the input first, as ours does)
//   ours/encrypt_mt/...        two threads, one EspOutbound each, one shared atomic sequence
//
// bench/run-esp-bench.sh prints the ratio table.
#include <benchmark/benchmark.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/byte_io.h"
#include "esp/esp_inbound.h"
#include "esp/esp_outbound.h"

namespace {

using namespace vpngw;
using namespace vpngw::esp;

struct SuiteDef {
  const char* name;
  uint16_t encr_id;
  uint16_t key_bits;
  uint16_t integ_id;
};

const SuiteDef kSuites[] = {
    {"aes128-sha1", encr::kAesCbc, 128, integ::kHmacSha1_96},
    {"aes128gcm16", encr::kAesGcm16, 128, integ::kNone},
    {"aes256gcm16", encr::kAesGcm16, 256, integ::kNone},
};
const size_t kSizes[] = {64, 512, 1400};

Bytes filler(size_t n, uint8_t seed) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) {
    b[i] = static_cast<uint8_t>(i * 13 + seed);
  }
  return b;
}

struct Keys {
  explicit Keys(const SuiteDef& s) {
    auto e = encrSpec(s.encr_id, s.key_bits);
    encr = filler(e->key_size + e->salt_size, 1);
    if (s.integ_id != integ::kNone) {
      integ = filler(integSpec(s.integ_id)->key_size, 2);
    }
  }
  SaParams params(const SuiteDef& s) const {
    return SaParams{0x1000, s.encr_id, s.key_bits, s.integ_id, false, view(encr), view(integ)};
  }
  Bytes encr;
  Bytes integ;
};

Bytes innerPacket(size_t n) {
  Bytes p = filler(n, 3);
  p[0] = 0x45;
  storeU16(p.data() + 2, static_cast<uint16_t>(n));
  return p;
}

void check(bool ok, const char* what) {
  if (!ok) {
    throw std::runtime_error(what);
  }
}

// --- ours -----------------------------------------------------------------------------------

void oursEncrypt(benchmark::State& state, SuiteDef s, size_t size) {
  Keys keys(s);
  auto out = EspOutbound::create(keys.params(s));
  check(out.ok(), "create");
  Bytes inner = innerPacket(size);
  Bytes buf(out->payloadOffset() + size + out->maxOverhead());
  std::memcpy(buf.data() + out->payloadOffset(), inner.data(), size);
  ByteView payload(buf.data() + out->payloadOffset(), size);
  uint64_t seq = 1;
  for (auto _ : state) {
    auto n = out->encapsulate(seq++, payload, buf);
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

void oursEncryptShared(benchmark::State& state, SuiteDef s, size_t size) {
  static std::atomic<uint64_t> seq{1};  // one SA, several workers: the caller's atomic
  Keys keys(s);
  auto out = EspOutbound::create(keys.params(s));
  check(out.ok(), "create");
  Bytes buf(out->payloadOffset() + size + out->maxOverhead());
  Bytes inner = innerPacket(size);
  std::memcpy(buf.data() + out->payloadOffset(), inner.data(), size);
  ByteView payload(buf.data() + out->payloadOffset(), size);
  for (auto _ : state) {
    auto n = out->encapsulate(seq.fetch_add(1, std::memory_order_relaxed), payload, buf);
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

void oursDecrypt(benchmark::State& state, SuiteDef s, size_t size) {
  Keys keys(s);
  auto out = EspOutbound::create(keys.params(s));
  auto in = EspInbound::create(keys.params(s));
  check(out.ok() && in.ok(), "create");
  Bytes inner = innerPacket(size);
  Bytes packet(size + out->maxOverhead());
  auto len = out->encapsulate(1, view(inner), packet);
  check(len.ok(), "encapsulate");
  packet.resize(*len);
  Bytes work(packet.size());
  for (auto _ : state) {
    std::memcpy(work.data(), packet.data(), packet.size());
    auto r = in->decapsulate(1, work);
    if (!r.ok()) {
      state.SkipWithError("decapsulate failed");
      break;
    }
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

// --- raw OpenSSL ----------------------------------------------------------------------------

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
  void operator()(EVP_MAC* c) const { EVP_MAC_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;
using MacCtx = std::unique_ptr<EVP_MAC_CTX, CtxFree>;

CipherCtx cipherCtx(const EVP_CIPHER* cipher, const uint8_t* key, int enc) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  check(EVP_CipherInit_ex(ctx.get(), cipher, nullptr, key, nullptr, enc) == 1, "cipher init");
  return ctx;
}

MacCtx hmacSha1(const Bytes& key) {
  std::unique_ptr<EVP_MAC, CtxFree> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  MacCtx ctx(EVP_MAC_CTX_new(mac.get()));
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA1"), 0),
      OSSL_PARAM_construct_end()};
  check(EVP_MAC_init(ctx.get(), key.data(), key.size(), params) == 1, "mac init");
  return ctx;
}

void hmac(EVP_MAC_CTX* ctx, const uint8_t* data, size_t len, uint8_t* out) {
  size_t outl = 0;
  EVP_MAC_init(ctx, nullptr, 0, nullptr);
  EVP_MAC_update(ctx, data, len);
  EVP_MAC_final(ctx, out, &outl, EVP_MAX_MD_SIZE);
}

const EVP_CIPHER* gcmCipher(uint16_t bits) {
  return bits == 128 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
}

void rawGcmSeal(benchmark::State& state, SuiteDef s, size_t size) {
  Bytes key = filler(32, 1);
  CipherCtx ctx = cipherCtx(gcmCipher(s.key_bits), key.data(), 1);
  Bytes data = filler(size, 4);
  uint8_t iv[12] = {};
  uint8_t aad[8] = {};
  uint8_t tag[16];
  uint64_t seq = 1;
  for (auto _ : state) {
    int outl = 0;
    storeU32(iv + 8, static_cast<uint32_t>(seq++));
    EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, nullptr, iv);
    EVP_EncryptUpdate(ctx.get(), nullptr, &outl, aad, sizeof aad);
    EVP_EncryptUpdate(ctx.get(), data.data(), &outl, data.data(), static_cast<int>(size));
    EVP_EncryptFinal_ex(ctx.get(), tag, &outl);
    EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, tag);
    benchmark::DoNotOptimize(tag);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

void rawGcmOpen(benchmark::State& state, SuiteDef s, size_t size) {
  Bytes key = filler(32, 1);
  CipherCtx enc = cipherCtx(gcmCipher(s.key_bits), key.data(), 1);
  CipherCtx dec = cipherCtx(gcmCipher(s.key_bits), key.data(), 0);
  Bytes sealed = filler(size, 4);
  uint8_t iv[12] = {};
  uint8_t aad[8] = {};
  uint8_t tag[16];
  int outl = 0;
  EVP_EncryptInit_ex(enc.get(), nullptr, nullptr, nullptr, iv);
  EVP_EncryptUpdate(enc.get(), nullptr, &outl, aad, sizeof aad);
  EVP_EncryptUpdate(enc.get(), sealed.data(), &outl, sealed.data(), static_cast<int>(size));
  EVP_EncryptFinal_ex(enc.get(), tag, &outl);
  EVP_CIPHER_CTX_ctrl(enc.get(), EVP_CTRL_GCM_GET_TAG, 16, tag);
  Bytes work(size);
  for (auto _ : state) {
    std::memcpy(work.data(), sealed.data(), size);
    EVP_DecryptInit_ex(dec.get(), nullptr, nullptr, nullptr, iv);
    EVP_DecryptUpdate(dec.get(), nullptr, &outl, aad, sizeof aad);
    EVP_DecryptUpdate(dec.get(), work.data(), &outl, work.data(), static_cast<int>(size));
    EVP_CIPHER_CTX_ctrl(dec.get(), EVP_CTRL_GCM_SET_TAG, 16, tag);
    if (EVP_DecryptFinal_ex(dec.get(), work.data() + size, &outl) != 1) {
      state.SkipWithError("raw GCM open failed");
      break;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

void rawCbcHmacEncrypt(benchmark::State& state, SuiteDef, size_t size) {
  Bytes key = filler(20, 1);
  CipherCtx ctx = cipherCtx(EVP_aes_128_cbc(), key.data(), 1);
  EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
  MacCtx mac = hmacSha1(key);
  const size_t len = (size + 15) / 16 * 16;
  Bytes data = filler(len, 4);
  uint8_t iv[16] = {};
  uint8_t icv[EVP_MAX_MD_SIZE];
  for (auto _ : state) {
    int outl = 0;
    ++iv[0];
    EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, nullptr, iv);
    EVP_EncryptUpdate(ctx.get(), data.data(), &outl, data.data(), static_cast<int>(len));
    hmac(mac.get(), data.data(), len, icv);
    benchmark::DoNotOptimize(icv);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

void rawCbcHmacDecrypt(benchmark::State& state, SuiteDef, size_t size) {
  Bytes key = filler(20, 1);
  CipherCtx ctx = cipherCtx(EVP_aes_128_cbc(), key.data(), 0);
  EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
  MacCtx mac = hmacSha1(key);
  const size_t len = (size + 15) / 16 * 16;
  Bytes sealed = filler(len, 4);
  Bytes work(len);
  uint8_t iv[16] = {};
  uint8_t icv[EVP_MAX_MD_SIZE];
  for (auto _ : state) {
    int outl = 0;
    std::memcpy(work.data(), sealed.data(), len);
    hmac(mac.get(), work.data(), len, icv);
    benchmark::DoNotOptimize(icv);
    EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, nullptr, iv);
    EVP_DecryptUpdate(ctx.get(), work.data(), &outl, work.data(), static_cast<int>(len));
    benchmark::DoNotOptimize(work.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

void registerAll() {
  for (const SuiteDef& s : kSuites) {
    const bool gcm = s.encr_id == encr::kAesGcm16;
    for (size_t size : kSizes) {
      const std::string tail = std::string(s.name) + "/" + std::to_string(size);
      benchmark::RegisterBenchmark(("ours/encrypt/" + tail).c_str(), oursEncrypt, s, size);
      benchmark::RegisterBenchmark(("raw/encrypt/" + tail).c_str(),
                                   gcm ? rawGcmSeal : rawCbcHmacEncrypt, s, size);
      benchmark::RegisterBenchmark(("ours/decrypt/" + tail).c_str(), oursDecrypt, s, size);
      benchmark::RegisterBenchmark(("raw/decrypt/" + tail).c_str(),
                                   gcm ? rawGcmOpen : rawCbcHmacDecrypt, s, size);
    }
    benchmark::RegisterBenchmark(("ours/encrypt_mt/" + std::string(s.name) + "/1400").c_str(),
                                 oursEncryptShared, s, size_t{1400})
        ->Threads(2)
        ->UseRealTime();
  }
}

}  // namespace

int main(int argc, char** argv) {
  registerAll();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
