// Perturbations of valid ISAKMP messages and decrypted chains: every truncation is refused, and
// no single-byte mutation or bounded random mutation crashes (ASan/UBSan builds) or breaks the
// round-trip property (what decodes re-encodes to the same size, decodes to the same value and
// then encodes stably).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "unit/wire/ikev1_samples.h"
#include "wire/ikev1/message.h"

namespace vpngw::wire::v1 {
namespace {

struct Named {
  std::string name;
  Bytes wire;
  uint8_t first = payload::kNone;  // chains only
  bool chain = false;
};

std::vector<Named> inputs() {
  std::vector<Named> out = {
      {"MainMode1", encode(samples::mainMode1())},
      {"MainMode2", encode(samples::mainMode2())},
      {"MainMode3", encode(samples::mainMode3())},
      {"MainMode5", encode(samples::mainMode5())},
      {"Aggressive1", encode(samples::aggressive1())},
      {"Aggressive2", encode(samples::aggressive2())},
      {"NotifyError", encode(samples::notifyError())},
  };
  auto chain = [&](const char* name, const std::vector<Payload>& payloads) {
    out.push_back({name, encodePayloadChain(payloads), payloads.front().type, true});
  };
  chain("MainMode5Inner", samples::mainMode5Inner());
  chain("Quick1Inner", samples::quick1Inner());
  chain("Quick2Inner", samples::quick2Inner());
  chain("DeleteEsp", samples::deleteEspInner());
  chain("DeleteIsakmp", samples::deleteIsakmpInner());
  chain("Dpd", samples::dpdInner());
  chain("EveryPayloadType", samples::everyPayloadType());
  return out;
}

// Checks the round-trip property; returns whether the input was accepted.
bool roundTrips(const Named& n, ByteView wire) {
  if (n.chain) {
    auto c = decodePayloadChain(n.first, wire);
    if (!c.ok()) {
      return false;
    }
    Bytes again = encodePayloadChain(*c);
    EXPECT_EQ(again.size(), wire.size());
    auto c2 = decodePayloadChain(n.first, again);
    EXPECT_TRUE(c2.ok());
    if (c2.ok()) {
      EXPECT_EQ(*c2, *c);
      EXPECT_EQ(encodePayloadChain(*c2), again);
    }
    // The decrypted-chain decoder accepts everything the strict one does.
    EXPECT_TRUE(decodeDecryptedChain(n.first, wire).ok());
    return true;
  }
  auto m = decode(wire);
  if (!m.ok()) {
    return false;
  }
  Bytes again = encode(*m);
  EXPECT_EQ(again.size(), wire.size());
  auto m2 = decode(again);
  EXPECT_TRUE(m2.ok());
  if (m2.ok()) {
    EXPECT_EQ(*m2, *m);
    EXPECT_EQ(encode(*m2), again);
  }
  return true;
}

class Ikev1Robustness : public ::testing::TestWithParam<Named> {};

TEST_P(Ikev1Robustness, ValidInputIsAccepted) {
  EXPECT_TRUE(roundTrips(GetParam(), GetParam().wire));
}

TEST_P(Ikev1Robustness, EveryTruncationIsRefused) {
  const Bytes& wire = GetParam().wire;
  for (size_t n = 0; n < wire.size(); ++n) {
    Named copy = GetParam();
    EXPECT_FALSE(roundTrips(copy, ByteView(wire).first(n))) << "prefix of " << n << " bytes";
    if (::testing::Test::HasFailure()) {
      return;
    }
  }
}

TEST_P(Ikev1Robustness, EverySingleByteMutationIsSafe) {
  const Bytes& wire = GetParam().wire;
  size_t accepted = 0;
  size_t refused = 0;
  for (size_t i = 0; i < wire.size(); ++i) {
    for (uint8_t value :
         {uint8_t{0x00}, uint8_t{0x01}, uint8_t{0x7f}, uint8_t{0x80}, uint8_t{0xff},
          static_cast<uint8_t>(wire[i] ^ 0x04), static_cast<uint8_t>(wire[i] + 1)}) {
      Bytes mutated = wire;
      mutated[i] = value;
      (roundTrips(GetParam(), mutated) ? accepted : refused)++;
      if (::testing::Test::HasFailure()) {
        FAIL() << "offset " << i << " value " << int{value};
      }
    }
  }
  // Both outcomes occur: the mutations reach length fields and opaque data alike.
  EXPECT_GT(accepted, 0u);
  EXPECT_GT(refused, 0u);
}

TEST_P(Ikev1Robustness, RandomMutationsAreSafe) {
  std::mt19937 rng(0x1ce1 + static_cast<unsigned>(GetParam().wire.size()));
  const Bytes& wire = GetParam().wire;
  for (int iteration = 0; iteration < 3000; ++iteration) {
    Bytes mutated = wire;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !mutated.empty(); ++e) {
      size_t pos = rng() % mutated.size();
      switch (rng() % 4) {
        case 0:
          mutated[pos] = static_cast<uint8_t>(rng());
          break;
        case 1:
          mutated.erase(mutated.begin() + static_cast<std::ptrdiff_t>(pos));
          break;
        case 2:
          mutated.insert(mutated.begin() + static_cast<std::ptrdiff_t>(pos),
                         static_cast<uint8_t>(rng()));
          break;
        default:
          mutated[pos] ^= static_cast<uint8_t>(1u << (rng() % 8));
          break;
      }
    }
    roundTrips(GetParam(), mutated);
    if (::testing::Test::HasFailure()) {
      FAIL() << "iteration " << iteration;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Samples, Ikev1Robustness, ::testing::ValuesIn(inputs()),
                         [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace vpngw::wire::v1
