// find<T>, findNotify, findErrorNotify and the registry names.
#include <gtest/gtest.h>

#include "unit/wire/samples.h"
#include "wire/ikev2_message.h"
#include "wire/registry.h"

namespace vpngw::wire::v2 {
namespace {

Payload notifyOf(uint16_t type, uint8_t marker) {
  return {.type = payload::kNotify, .body = NotifyPayload{.type = type, .data = {marker}}};
}

TEST(Find, ByPayloadTypeAndBodyType) {
  auto chain = samples::ikeAuthInner();
  const auto* tsi = find<TsPayload>(chain, payload::kTsi);
  const auto* tsr = find<TsPayload>(chain, payload::kTsr);
  ASSERT_NE(tsi, nullptr);
  ASSERT_NE(tsr, nullptr);
  EXPECT_NE(tsi, tsr);
  EXPECT_EQ(tsr->selectors[0].start_address, (Bytes{10, 2, 0, 0}));
  EXPECT_EQ(find<IdPayload>(chain, payload::kIdr), nullptr);  // only IDi present
  EXPECT_EQ(find<KePayload>(chain, payload::kIdi), nullptr);  // wrong body type
}

TEST(FindNotify, ReturnsTheFirstOfThatType) {
  std::vector<Payload> chain{
      {.type = payload::kNonce, .body = NoncePayload{samples::pattern(16, 0)}},
      notifyOf(notify::kCookie, 1),
      notifyOf(notify::kNatDetectionSourceIp, 2),
      notifyOf(notify::kNatDetectionSourceIp, 3),
  };
  const auto* n = findNotify(chain, notify::kNatDetectionSourceIp);
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->data, Bytes{2});
  EXPECT_EQ(findNotify(chain, notify::kRekeySa), nullptr);
  EXPECT_EQ(findNotify({}, notify::kCookie), nullptr);
}

TEST(FindErrorNotify, OnlyTypesBelow16384) {
  std::vector<Payload> chain{
      notifyOf(notify::kInitialContact, 1),
      notifyOf(notify::kLastError + 1, 2),
      notifyOf(notify::kTsUnacceptable, 3),
      notifyOf(notify::kNoProposalChosen, 4),
  };
  const auto* e = findErrorNotify(chain);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->type, notify::kTsUnacceptable);
  chain.erase(chain.begin() + 2, chain.end());
  EXPECT_EQ(findErrorNotify(chain), nullptr);
  EXPECT_NE(findErrorNotify({notifyOf(notify::kLastError, 5)}), nullptr);  // private-use error
}

TEST(FindErrorNotify, IgnoresRawPayloadsOfOtherTypes) {
  std::vector<Payload> chain{{.type = payload::kCp, .body = RawPayload{{0, 0, 0, 1}}}};
  EXPECT_EQ(findErrorNotify(chain), nullptr);
}

TEST(Registry, NotifyNames) {
  EXPECT_EQ(notifyName(notify::kNoProposalChosen), "NO_PROPOSAL_CHOSEN");
  EXPECT_EQ(notifyName(notify::kInvalidKePayload), "INVALID_KE_PAYLOAD");
  EXPECT_EQ(notifyName(notify::kAuthenticationFailed), "AUTHENTICATION_FAILED");
  EXPECT_EQ(notifyName(notify::kTsUnacceptable), "TS_UNACCEPTABLE");
  EXPECT_EQ(notifyName(notify::kNatDetectionDestinationIp), "NAT_DETECTION_DESTINATION_IP");
  EXPECT_EQ(notifyName(notify::kIkev2FragmentationSupported), "IKEV2_FRAGMENTATION_SUPPORTED");
  EXPECT_EQ(notifyName(notify::kSignatureHashAlgorithms), "SIGNATURE_HASH_ALGORITHMS");
  EXPECT_EQ(notifyName(12345), "UNKNOWN_ERROR");
  EXPECT_EQ(notifyName(0), "UNKNOWN_ERROR");
  EXPECT_EQ(notifyName(50000), "UNKNOWN_STATUS");
}

TEST(Registry, EveryDeclaredNotifyHasAName) {
  for (uint16_t type : {notify::kUnsupportedCriticalPayload,
                        notify::kInvalidIkeSpi,
                        notify::kInvalidMajorVersion,
                        notify::kInvalidSyntax,
                        notify::kInvalidMessageId,
                        notify::kInvalidSpi,
                        notify::kNoProposalChosen,
                        notify::kInvalidKePayload,
                        notify::kAuthenticationFailed,
                        notify::kSinglePairRequired,
                        notify::kNoAdditionalSas,
                        notify::kInternalAddressFailure,
                        notify::kFailedCpRequired,
                        notify::kTsUnacceptable,
                        notify::kInvalidSelectors,
                        notify::kTemporaryFailure,
                        notify::kChildSaNotFound,
                        notify::kInitialContact,
                        notify::kSetWindowSize,
                        notify::kAdditionalTsPossible,
                        notify::kIpcompSupported,
                        notify::kNatDetectionSourceIp,
                        notify::kNatDetectionDestinationIp,
                        notify::kCookie,
                        notify::kUseTransportMode,
                        notify::kRekeySa,
                        notify::kEspTfcPaddingNotSupported,
                        notify::kNonFirstFragmentsAlso,
                        notify::kMobikeSupported,
                        notify::kIkev2FragmentationSupported,
                        notify::kSignatureHashAlgorithms}) {
    EXPECT_EQ(notifyName(type).find("UNKNOWN"), std::string_view::npos) << type;
  }
}

TEST(Registry, ExchangeNames) {
  EXPECT_EQ(exchangeName(ExchangeType::IkeSaInit), "IKE_SA_INIT");
  EXPECT_EQ(exchangeName(ExchangeType::IkeAuth), "IKE_AUTH");
  EXPECT_EQ(exchangeName(ExchangeType::CreateChildSa), "CREATE_CHILD_SA");
  EXPECT_EQ(exchangeName(ExchangeType::Informational), "INFORMATIONAL");
  EXPECT_EQ(exchangeName(static_cast<ExchangeType>(2)), "UNKNOWN");  // IKEv1 Main Mode
}

TEST(Registry, PayloadNames) {
  EXPECT_EQ(payloadName(payload::kSa), "SA");
  EXPECT_EQ(payloadName(payload::kIdi), "IDi");
  EXPECT_EQ(payloadName(payload::kIdr), "IDr");
  EXPECT_EQ(payloadName(payload::kNotify), "N");
  EXPECT_EQ(payloadName(payload::kTsr), "TSr");
  EXPECT_EQ(payloadName(payload::kSk), "SK");
  EXPECT_EQ(payloadName(payload::kSkf), "SKF");
  EXPECT_EQ(payloadName(1), "UNKNOWN");  // IKEv1 SA
  for (int t = payload::kSa; t <= payload::kEap; ++t) {
    EXPECT_NE(payloadName(static_cast<uint8_t>(t)), "UNKNOWN") << t;
  }
}

}  // namespace
}  // namespace vpngw::wire::v2
