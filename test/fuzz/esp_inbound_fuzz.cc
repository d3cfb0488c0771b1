// libFuzzer target for the inbound packet layer (src/esp): arbitrary bytes as ESP packets for
// fixed SAs (AES-CBC + HMAC-SHA1-96 and AES-GCM-16, with and without ESN), as AH/IPv4
// packets, and as sequence-number streams for the replay window. Besides "no crash, no UB" it
// checks properties:
//  - an ESP packet with attacker-chosen plaintext (sealed here with plain EVP under an
//    encryption-only SA) exercises the trailer and inner-packet checks: whatever is accepted
//    lies inside the buffer and is what the trailer says;
//  - encapsulate -> decapsulate returns the input unchanged;
//  - the replay window accepts each sequence number at most once, and update() after a
//    successful check() succeeds.
#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "base/byte_io.h"
#include "esp/ah.h"
#include "esp/esp_header.h"
#include "esp/esp_inbound.h"
#include "esp/esp_outbound.h"
#include "esp/replay_window.h"

namespace {

using namespace vpngw;
using namespace vpngw::esp;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "esp_inbound_fuzz: %s\n", what);
  std::abort();
}

const uint8_t kKey[36] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17, 18,
                          19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36};
constexpr uint32_t kSpi = 0x11223344;

SaParams cbcSha1(bool esn) {
  return {kSpi,
          encr::kAesCbc,
          128,
          integ::kHmacSha1_96,
          esn,
          ByteView(kKey, 16),
          ByteView(kKey + 16, 20)};
}
SaParams gcm(bool esn) {
  return {kSpi, encr::kAesGcm16, 128, integ::kNone, esn, ByteView(kKey, 20), {}};
}
SaParams cbcOnly() {
  return {kSpi, encr::kAesCbc, 128, integ::kNone, false, ByteView(kKey, 16), {}};
}
SaParams ahSha1() {
  return {kSpi, encr::kNone, 0, integ::kHmacSha1_96, false, {}, ByteView(kKey, 20)};
}

template <typename T>
T must(Result<T> r) {
  if (!r.ok()) {
    fail("cannot create a transform");
  }
  return std::move(r).value();
}

struct Sas {
  std::vector<EspInbound> in;    // cbc, cbc+esn, gcm, gcm+esn
  std::vector<EspOutbound> out;  // same order
  EspInbound plain_tunnel = must(EspInbound::create(cbcOnly()));
  EspInbound plain_any =
      must(EspInbound::create(cbcOnly(), InboundOptions{.require_ip_payload = false}));
  AhInbound ah = must(AhInbound::create(ahSha1()));
  Sas() {
    for (const SaParams& p : {cbcSha1(false), cbcSha1(true), gcm(false), gcm(true)}) {
      in.push_back(must(EspInbound::create(p, InboundOptions{.require_ip_payload = false})));
      out.push_back(must(EspOutbound::create(p)));
    }
  }
};

Sas& sas() {
  static Sas s;
  return s;
}

void checkInside(std::span<uint8_t> part, const Bytes& buf) {
  if (part.data() < buf.data() || part.data() + part.size() > buf.data() + buf.size()) {
    fail("payload view outside the packet buffer");
  }
}

// Arbitrary bytes as an ESP packet, through the I/O side's sequence of calls.
void rawEsp(size_t which, ByteView input) {
  auto header = peekEspHeader(input);
  if (!header) {
    return;
  }
  ReplayWindow window(which % 2 == 1);
  auto seq = window.check(header->seq);
  uint64_t full = seq.ok() ? *seq : header->seq;
  Bytes buf(input.begin(), input.end());
  auto r = sas().in[which].decapsulate(full, buf);
  if (r.ok()) {
    checkInside(r->data, buf);
  }
}

// The input becomes the plaintext of an encryption-only CBC packet: the trailer is ours to
// choose, so every trailer and inner-packet path is reachable.
void chosenPlaintext(ByteView input) {
  Bytes plain(input.begin(), input.end());
  if (plain.empty()) {
    return;
  }
  plain.resize((plain.size() + 15) / 16 * 16, 0);
  Bytes packet(8 + 16 + plain.size());
  storeU32(packet.data(), kSpi);
  storeU32(packet.data() + 4, 1);
  std::memset(packet.data() + 8, 0x5c, 16);  // IV
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      EVP_CIPHER_CTX_free);
  int len = 0;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_cbc(), nullptr, kKey, packet.data() + 8) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
      EVP_EncryptUpdate(ctx.get(), packet.data() + 24, &len, plain.data(),
                        static_cast<int>(plain.size())) != 1) {
    fail("reference CBC");
  }
  Bytes copy = packet;
  auto any = sas().plain_any.decapsulate(1, copy);
  if (any.ok()) {
    checkInside(any->data, copy);
    const size_t pad = plain[plain.size() - 2];
    if (any->next_header != plain.back() || any->data.size() != plain.size() - 2 - pad ||
        std::memcmp(any->data.data(), plain.data(), any->data.size()) != 0) {
      fail("accepted payload differs from the plaintext");
    }
  }
  auto tunnel = sas().plain_tunnel.decapsulate(1, packet);
  if (tunnel.ok()) {
    checkInside(tunnel->data, packet);
    if (!any.ok() || tunnel->data.size() > any->data.size()) {
      fail("tunnel mode accepted more than the untrimmed payload");
    }
  }
}

void roundTrip(size_t which, ByteView input, uint8_t next_header) {
  EspOutbound& out = sas().out[which];
  Bytes buf(input.size() + out.maxOverhead());
  const uint64_t seq = which % 2 == 1 ? 0x100000000ull + input.size() : 1 + input.size();
  auto n = out.encapsulate(seq, input, buf, next_header);
  if (!n.ok()) {
    fail("encapsulate failed");
  }
  buf.resize(*n);
  auto r = sas().in[which].decapsulate(seq, buf);
  if (!r.ok() || r->next_header != next_header || r->data.size() != input.size() ||
      (!input.empty() && std::memcmp(r->data.data(), input.data(), input.size()) != 0)) {
    fail("round trip changed the payload");
  }
}

void rawAh(ByteView input) {
  auto header = peekAhPacket(input);
  Bytes buf(input.begin(), input.end());
  auto r = sas().ah.decapsulate(header.ok() ? header->seq : 1, buf);
  if (r.ok()) {
    checkInside(r->data, buf);
  }
}

void replay(bool esn, ByteView input) {
  ReplayWindow window(esn, 64 * (1 + (input.empty() ? 0 : input[0] % 64)));
  std::set<uint64_t> accepted;
  uint64_t highest = 0;
  ByteReader reader(input);
  while (reader.remaining() >= 4) {
    const uint32_t low = reader.u32();
    auto seq = window.check(low);
    if (!seq.ok()) {
      continue;
    }
    if (static_cast<uint32_t>(*seq) != low) {
      fail("inferred sequence number has other low bits");
    }
    if (window.update(*seq) != PacketError::kNone) {
      fail("update refused what check accepted");
    }
    if (!accepted.insert(*seq).second) {
      fail("sequence number accepted twice");
    }
    if (window.highest() < highest) {
      fail("window moved backwards");
    }
    highest = window.highest();
    if (window.check(low).error() != PacketError::kReplayed) {
      fail("replay not detected");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  const uint8_t selector = data[0];
  ByteView input(data + 1, size - 1);
  switch (selector % 8) {
    case 0:
    case 1:
    case 2:
    case 3:
      rawEsp(selector % 4, input);
      break;
    case 4:
      chosenPlaintext(input);
      break;
    case 5:
      roundTrip((selector >> 3) % 4, input, static_cast<uint8_t>(selector >> 5));
      break;
    case 6:
      rawAh(input);
      break;
    default:
      replay((selector >> 3) & 1, input);
      break;
  }
  return 0;
}
