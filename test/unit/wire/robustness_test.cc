// Exhaustive small perturbations of valid messages: every truncation is refused, and no
// single-byte mutation crashes (run under ASan/UBSan in CI) or breaks the round-trip property.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/byte_io.h"
#include "unit/wire/samples.h"
#include "wire/ikev2_message.h"

namespace vpngw::wire::v2 {
namespace {

struct Named {
  std::string name;
  Bytes wire;
  uint8_t first = payload::kNone;  // chains only: the first payload type
};

std::vector<Named> validMessages() {
  return {
      {"IkeSaInitRequest", encode(samples::ikeSaInitRequest())},
      {"IkeSaInitResponse", encode(samples::ikeSaInitResponse())},
      {"IkeAuthSkf", encode(samples::ikeAuthFragment(1, 3))},
      {"Informational", encode(samples::informationalRequest())},
      {"OtherPayloads", encode(Message{.header = {.spi_i = 7, .exchange = 35},
                                       .payloads = samples::otherPayloads()})},
  };
}

std::vector<Named> validChains() {
  return {
      {"IkeAuthInner", encodePayloadChain(samples::ikeAuthInner()), payload::kIdi},
      {"CreateChildSaInner", encodePayloadChain(samples::createChildSaInner()), payload::kNotify},
      {"DeleteInner", encodePayloadChain(samples::deleteInner()), payload::kDelete},
  };
}

// If `wire` decodes, re-encoding gives a datagram of the same size (nothing but reserved bits
// is dropped) that decodes to the same message and re-encodes to itself. Sets `accepted`.
void expectRoundTrip(ByteView wire, bool& accepted) {
  auto m = decode(wire);
  accepted = m.ok();
  if (!m.ok()) {
    return;
  }
  Bytes again = encode(*m);
  ASSERT_EQ(again.size(), wire.size());
  auto m2 = decode(again);
  ASSERT_TRUE(m2.ok()) << m2.error().message;
  ASSERT_EQ(*m2, *m);
  ASSERT_EQ(encode(*m2), again);
}

class ValidMessage : public ::testing::TestWithParam<Named> {};

TEST_P(ValidMessage, IsAccepted) {
  auto m = decode(GetParam().wire);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(encode(*m), GetParam().wire);
}

TEST_P(ValidMessage, EveryTruncationIsRefused) {
  const Bytes& wire = GetParam().wire;
  for (size_t n = 0; n < wire.size(); ++n) {
    Bytes prefix(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_FALSE(decode(prefix).ok()) << "prefix " << n;
    if (n >= kHeaderSize) {
      // With the header length patched to match, the payload chain itself must notice.
      storeU32(&prefix[24], static_cast<uint32_t>(n));
      auto m = decode(prefix);
      EXPECT_FALSE(m.ok()) << "length-patched prefix " << n;
    }
  }
}

TEST_P(ValidMessage, EverySingleByteMutationIsSafe) {
  Bytes wire = GetParam().wire;
  size_t accepted = 0;
  size_t refused = 0;
  for (size_t i = 0; i < wire.size(); ++i) {
    uint8_t original = wire[i];
    for (int v = 0; v < 256; ++v) {
      wire[i] = static_cast<uint8_t>(v);
      bool ok = false;
      expectRoundTrip(wire, ok);
      if (HasFatalFailure()) {
        FAIL() << "byte " << i << " = " << v;
      }
      (ok ? accepted : refused)++;
    }
    wire[i] = original;
  }
  // Payload data bytes may take any value; length and structure bytes may not.
  EXPECT_GT(accepted, wire.size());
  EXPECT_GT(refused, wire.size());
}

INSTANTIATE_TEST_SUITE_P(Samples, ValidMessage, ::testing::ValuesIn(validMessages()),
                         [](const auto& p) { return p.param.name; });

class ValidChain : public ::testing::TestWithParam<Named> {};

TEST_P(ValidChain, EveryTruncationIsRefused) {
  const Bytes& wire = GetParam().wire;
  uint8_t first = GetParam().first;
  ASSERT_TRUE(decodePayloadChain(first, wire).ok());
  for (size_t n = 0; n < wire.size(); ++n) {
    EXPECT_FALSE(decodePayloadChain(first, ByteView(wire.data(), n)).ok()) << "prefix " << n;
  }
}

TEST_P(ValidChain, EverySingleByteMutationIsSafe) {
  Bytes wire = GetParam().wire;
  uint8_t first = GetParam().first;
  for (size_t i = 0; i < wire.size(); ++i) {
    uint8_t original = wire[i];
    for (int v = 0; v < 256; ++v) {
      wire[i] = static_cast<uint8_t>(v);
      auto chain = decodePayloadChain(first, wire);
      if (chain.ok()) {
        Bytes again = encodePayloadChain(*chain);
        ASSERT_EQ(again.size(), wire.size()) << "byte " << i << " = " << v;
        auto chain2 = decodePayloadChain(first, again);
        ASSERT_TRUE(chain2.ok()) << chain2.error().message;
        ASSERT_EQ(*chain2, *chain) << "byte " << i << " = " << v;
      }
    }
    wire[i] = original;
  }
}

INSTANTIATE_TEST_SUITE_P(Samples, ValidChain, ::testing::ValuesIn(validChains()),
                         [](const auto& p) { return p.param.name; });

TEST(Robustness, PseudoRandomPayloadsBehindAValidHeader) {
  // A cheap deterministic stand-in for the fuzzer in the unit suite: random chains of random
  // lengths behind a correct header, with the first payload type random too.
  uint32_t state = 0x12345678;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
  };
  Bytes header = encode(samples::cookieResponse());
  header.resize(kHeaderSize);
  size_t accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    Bytes wire = header;
    size_t n = next() % 96;
    for (size_t i = 0; i < n; ++i) {
      wire.push_back(static_cast<uint8_t>(next()));
    }
    wire[16] = static_cast<uint8_t>(next() % 4 == 0 ? 0 : 33 + next() % 22);
    storeU32(&wire[24], static_cast<uint32_t>(wire.size()));
    bool ok = false;
    expectRoundTrip(wire, ok);
    ASSERT_FALSE(HasFatalFailure()) << "round " << round;
    accepted += ok ? 1 : 0;
  }
  EXPECT_GT(accepted, 0u);  // the empty message and raw payloads get through
}

}  // namespace
}  // namespace vpngw::wire::v2
