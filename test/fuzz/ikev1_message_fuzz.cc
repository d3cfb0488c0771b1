// libFuzzer target for the ISAKMP/IKEv1 codec (src/wire/ikev1). Besides "no crash, no UB" it
// checks the round-trip property: whatever decodes re-encodes to the same number of bytes (only
// reserved fields are normalised), decodes to the same value and encodes stably; and the typed
// views (attributes, identities, vendor IDs) accept or refuse every decoded value cleanly.
#include <cstdio>
#include <cstdlib>

#include "wire/ikev1/attributes.h"
#include "wire/ikev1/identity.h"
#include "wire/ikev1/message.h"
#include "wire/ikev1/vendor_id.h"

namespace {

using namespace vpngw;
using namespace vpngw::wire::v1;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "ikev1_message_fuzz: %s\n", what);
  std::abort();
}

// Exercises the typed views an engine applies to decoded payloads.
void inspect(const std::vector<Payload>& payloads) {
  for (const auto& p : payloads) {
    if (p.body_bytes != encodeBody(p.body) && p.type != payload::kSa && p.type != payload::kNatOa &&
        p.type != payload::kNatOaDraft) {
      fail("body_bytes differ from the re-encoded body of a payload without reserved fields");
    }
    if (const auto* sa = std::get_if<SaPayload>(&p.body)) {
      for (const auto& proposal : sa->proposals) {
        for (const auto& t : proposal.transforms) {
          auto p1 = parsePhase1(t);
          if (p1 && parsePhase1(makePhase1Transform(t.number, *p1)).value() != *p1) {
            fail("phase-1 attributes do not round-trip");
          }
          auto p2 = parsePhase2(t);
          if (p2 && parsePhase2(makePhase2Transform(t.number, t.id, *p2)).value() != *p2) {
            fail("phase-2 attributes do not round-trip");
          }
        }
      }
    } else if (const auto* id = std::get_if<IdPayload>(&p.body)) {
      auto range = ipv4RangeOf(*id);
      if (range && range->last < range->first) {
        fail("ipv4RangeOf returned a reversed range");
      }
      (void)identityText(*id);
    } else if (const auto* n = std::get_if<NotifyPayload>(&p.body)) {
      bool phase1 = n->protocol == protocol::kIsakmp;
      auto life = parseResponderLifetime(n->data, phase1);
      if (life &&
          parseResponderLifetime(makeResponderLifetime(*life, phase1), phase1).value() != *life) {
        fail("RESPONDER-LIFETIME does not round-trip");
      }
      auto list = decodeAttributeList(n->data);
      if (list && encodeAttributeList(*list) != n->data) {
        fail("attribute list does not re-encode exactly");
      }
    } else if (const auto* vid = std::get_if<VendorIdPayload>(&p.body)) {
      (void)vendorIdName(recognizeVendorId(vid->data));
    }
  }
  if (!payloads.empty()) {
    Bytes chain = encodePayloadChain(payloads);
    auto after = bytesAfterFirstPayload(chain);
    if (!after || after->size() + 4 + payloads.front().body_bytes.size() != chain.size()) {
      fail("bytesAfterFirstPayload disagrees with the chain");
    }
  }
}

void checkMessage(ByteView input) {
  (void)decodeHeader(input);
  auto m = decode(input);
  if (!m) {
    return;
  }
  inspect(m->payloads);
  Bytes wire = encode(*m);
  if (wire.size() != input.size()) {
    fail("re-encoded message has a different size");
  }
  auto again = decode(wire);
  if (!again) {
    fail("re-encoded message does not decode");
  }
  if (!(*again == *m)) {
    fail("decode(encode(m)) != m");
  }
  if (encode(*again) != wire) {
    fail("encoding is not stable");
  }
}

void checkChain(uint8_t first, ByteView input) {
  auto padded = decodeDecryptedChain(first, input);
  auto chain = decodePayloadChain(first, input);
  if (chain && !padded) {
    fail("decodeDecryptedChain refuses what decodePayloadChain accepts");
  }
  if (!padded) {
    return;
  }
  inspect(*padded);
  Bytes wire = encodePayloadChain(*padded);
  if (wire.size() > input.size() || input.size() - wire.size() > kMaxPadding) {
    fail("re-encoded chain size is inconsistent with the padding allowance");
  }
  auto again = decodePayloadChain(first, wire);
  if (!again) {
    fail("re-encoded chain does not decode");
  }
  if (!(*again == *padded)) {
    fail("decodePayloadChain(encodePayloadChain(c)) != c");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView input(data, size);
  checkMessage(input);
  // The same bytes as a decrypted body: first payload type from data[0].
  if (size > 0) {
    checkChain(data[0], input.subspan(1));
  }
  return 0;
}
