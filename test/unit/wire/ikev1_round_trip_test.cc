// Every sample message and chain survives encode -> decode unchanged, each decoded payload keeps
// its body bytes as received, and encrypted messages keep their ciphertext opaque.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/wire/ikev1_samples.h"
#include "wire/ikev1/message.h"

namespace vpngw::wire::v1 {
namespace {

struct NamedMessage {
  std::string name;
  Message message;
};

std::vector<NamedMessage> messages() {
  return {{"MainMode1", samples::mainMode1()},     {"MainMode2", samples::mainMode2()},
          {"MainMode3", samples::mainMode3()},     {"MainMode5", samples::mainMode5()},
          {"Aggressive1", samples::aggressive1()}, {"Aggressive2", samples::aggressive2()},
          {"Quick1", samples::quick1()},           {"NotifyError", samples::notifyError()}};
}

struct NamedChain {
  std::string name;
  std::vector<Payload> chain;
};

std::vector<NamedChain> chains() {
  return {{"MainMode5Inner", samples::mainMode5Inner()},
          {"Quick1Inner", samples::quick1Inner()},
          {"Quick2Inner", samples::quick2Inner()},
          {"Quick3Inner", samples::quick3Inner()},
          {"DeleteEsp", samples::deleteEspInner()},
          {"DeleteIsakmp", samples::deleteIsakmpInner()},
          {"Dpd", samples::dpdInner()},
          {"EveryPayloadType", samples::everyPayloadType()}};
}

void expectBodyBytes(const std::vector<Payload>& decoded) {
  for (const auto& p : decoded) {
    EXPECT_EQ(p.body_bytes, encodeBody(p.body)) << payloadName(p.type);
  }
}

class Ikev1MessageRoundTrip : public ::testing::TestWithParam<NamedMessage> {};

TEST_P(Ikev1MessageRoundTrip, DecodesToTheSameMessage) {
  const Message& m = GetParam().message;
  Bytes wire = encode(m);
  auto decoded = decode(wire);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->header.length, wire.size());
  EXPECT_EQ(decoded->header.cookie_i, m.header.cookie_i);
  EXPECT_EQ(decoded->header.exchange, m.header.exchange);
  EXPECT_EQ(decoded->header.message_id, m.header.message_id);
  EXPECT_EQ(decoded->payloads, m.payloads);
  EXPECT_EQ(decoded->encrypted, m.encrypted);
  if (m.header.isEncrypted()) {
    EXPECT_EQ(decoded->header.next_payload, m.header.next_payload);
  } else {
    EXPECT_EQ(decoded->header.next_payload,
              m.payloads.empty() ? payload::kNone : m.payloads.front().type);
  }
  expectBodyBytes(decoded->payloads);
  EXPECT_EQ(encode(*decoded), wire);
}

INSTANTIATE_TEST_SUITE_P(Samples, Ikev1MessageRoundTrip, ::testing::ValuesIn(messages()),
                         [](const auto& param_info) { return param_info.param.name; });

class Ikev1ChainRoundTrip : public ::testing::TestWithParam<NamedChain> {};

TEST_P(Ikev1ChainRoundTrip, DecodesToTheSameChain) {
  const auto& chain = GetParam().chain;
  Bytes wire = encodePayloadChain(chain);
  auto decoded = decodePayloadChain(chain.front().type, wire);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(*decoded, chain);
  expectBodyBytes(*decoded);
  EXPECT_EQ(encodePayloadChain(*decoded), wire);
}

TEST_P(Ikev1ChainRoundTrip, DecryptedChainAllowsPadding) {
  const auto& chain = GetParam().chain;
  Bytes wire = encodePayloadChain(chain);
  for (size_t pad : {size_t{0}, size_t{1}, size_t{7}, size_t{15}, kMaxPadding}) {
    Bytes padded = wire;
    padded.resize(wire.size() + pad, static_cast<uint8_t>(pad));  // content is not checked
    auto decoded = decodeDecryptedChain(chain.front().type, padded);
    ASSERT_TRUE(decoded.ok()) << pad << ": " << decoded.error().message;
    EXPECT_EQ(*decoded, chain);
    if (pad > 0) {
      EXPECT_FALSE(decodePayloadChain(chain.front().type, padded).ok());
    }
  }
}

TEST_P(Ikev1ChainRoundTrip, BytesAfterFirstPayloadSkipsTheFirstAndThePadding) {
  const auto& chain = GetParam().chain;
  Bytes wire = encodePayloadChain(chain);
  std::vector<Payload> rest(chain.begin() + 1, chain.end());
  Bytes padded = wire;
  padded.resize(wire.size() + 9, 0);
  auto after = bytesAfterFirstPayload(padded);
  ASSERT_TRUE(after.ok()) << after.error().message;
  // The tail of a chain re-encodes to the same bytes: its Next Payload fields are unchanged.
  EXPECT_EQ(toBytes(*after), encodePayloadChain(rest));
}

INSTANTIATE_TEST_SUITE_P(Samples, Ikev1ChainRoundTrip, ::testing::ValuesIn(chains()),
                         [](const auto& param_info) { return param_info.param.name; });

TEST(Ikev1Message, EmptyMessageAndLookups) {
  Message m{.header = {.cookie_i = 5, .exchange = exchange::kInformational}};
  Bytes wire = encode(m);
  ASSERT_EQ(wire.size(), kHeaderSize);
  auto decoded = decode(wire);
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(decoded->payloads.empty());

  auto chain = samples::quick2Inner();
  EXPECT_NE(find<SaPayload>(chain, payload::kSa), nullptr);
  EXPECT_EQ(find<SaPayload>(chain, payload::kDelete), nullptr);
  EXPECT_EQ(findAll(chain, payload::kId).size(), 2u);
  EXPECT_EQ(findPayload(chain, payload::kNonce), &chain[2]);
  EXPECT_NE(findNotify(chain, notify::kResponderLifetime), nullptr);
  EXPECT_EQ(findNotify(chain, notify::kInitialContact), nullptr);
  EXPECT_EQ(findErrorNotify(chain), nullptr);
  auto error = samples::notifyError();
  ASSERT_NE(findErrorNotify(error.payloads), nullptr);
  EXPECT_EQ(findErrorNotify(error.payloads)->type, notify::kNoProposalChosen);
}

TEST(Ikev1Message, EncodeRefusesInconsistentEncryption) {
  Message m = samples::mainMode5();
  m.payloads = samples::mainMode5Inner();
  EXPECT_THROW(encode(m), std::logic_error);
  Message plain = samples::mainMode2();
  plain.encrypted = Bytes{1, 2, 3};
  EXPECT_THROW(encode(plain), std::logic_error);
}

TEST(Ikev1Message, EncodeRefusesImpossibleFields) {
  std::vector<Payload> chain = {
      {payload::kDelete, DeletePayload{kDoiIpsec, protocol::kEsp, 4, {Bytes(3, 0)}}, {}}};
  EXPECT_THROW(encodePayloadChain(chain), std::length_error);
  chain = {{payload::kVendorId, VendorIdPayload{Bytes(70000, 0)}, {}}};
  EXPECT_THROW(encodePayloadChain(chain), std::length_error);
  Transform t{1, 1, {Attribute::tv(0x8001, 1)}};
  chain = {{payload::kSa, SaPayload{kDoiIpsec, kSitIdentityOnly, {{1, 1, {}, {t}}}}, {}}};
  EXPECT_THROW(encodePayloadChain(chain), std::length_error);
}

TEST(Ikev1Message, Names) {
  EXPECT_EQ(exchangeName(exchange::kMain), "Main Mode");
  EXPECT_EQ(exchangeName(exchange::kQuick), "Quick Mode");
  EXPECT_EQ(exchangeName(99), "UNKNOWN");
  EXPECT_EQ(payloadName(payload::kNatDDraft), "NAT-D (draft)");
  EXPECT_EQ(notifyName(notify::kInvalidIdInformation), "INVALID-ID-INFORMATION");
  EXPECT_EQ(notifyName(notify::kRUThereAck), "R-U-THERE-ACK");
  EXPECT_EQ(notifyName(notify::kInitialContact), "INITIAL-CONTACT");
  EXPECT_EQ(notifyName(9999), "UNKNOWN-ERROR");
  EXPECT_EQ(notifyName(40000), "UNKNOWN-STATUS");
}

}  // namespace
}  // namespace vpngw::wire::v1
