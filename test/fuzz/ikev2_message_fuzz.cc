// libFuzzer target for the IKEv2 message codec (src/wire). Besides "no crash, no UB" it checks
// the round-trip property: whatever decodes re-encodes to a datagram of the same size that
// decodes to the same message, and encoding is stable from then on.
#include <cstdio>
#include <cstdlib>

#include "wire/ikev2_message.h"

namespace {

using namespace vpngw;
using namespace vpngw::wire::v2;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "ikev2_message_fuzz: %s\n", what);
  std::abort();
}

void checkMessage(ByteView input) {
  (void)decodeHeader(input);
  auto m = decode(input);
  if (!m) {
    return;
  }
  Bytes wire = encode(*m);
  // Only reserved bits are normalised, never bytes added or dropped.
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
  auto chain = decodePayloadChain(first, input);
  if (!chain) {
    return;
  }
  Bytes wire = encodePayloadChain(*chain);
  if (wire.size() != input.size()) {
    fail("re-encoded chain has a different size");
  }
  auto again = decodePayloadChain(first, wire);
  if (!again) {
    fail("re-encoded chain does not decode");
  }
  if (!(*again == *chain)) {
    fail("decodePayloadChain(encodePayloadChain(c)) != c");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView input(data, size);
  checkMessage(input);
  // The same bytes as a decrypted SK body: first payload type from data[0].
  if (size > 0) {
    checkChain(data[0], input.subspan(1));
  }
  return 0;
}
