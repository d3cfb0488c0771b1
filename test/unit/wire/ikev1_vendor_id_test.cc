// Vendor ID recognition. The expected values are MD5 digests computed with Python's hashlib
// (hashlib.md5(name).hexdigest()) for the names in wire/ikev1/vendor_id.h, and RFC 3706 §5.1
// for DPD.
#include <gtest/gtest.h>

#include "unit/wire/ikev1_samples.h"
#include "wire/ikev1/vendor_id.h"

namespace vpngw::wire::v1 {
namespace {

using samples::hex;

TEST(Ikev1VendorId, RecognisesByValue) {
  struct VendorCase {
    const char* hex;
    VendorId id;
  };
  for (VendorCase c : {
           VendorCase{"afcad71368a1f1c96b8696fc77570100", VendorId::kDpd},
           VendorCase{"4a131c81070358455c5728f20e95452f", VendorId::kNatTRfc3947},   // "RFC 3947"
           VendorCase{"cd60464335df21f87cfdb2fc68b6a448", VendorId::kNatTDraft02},   // "...-02"
           VendorCase{"90cb80913ebb696e086381b5ec427b1f", VendorId::kNatTDraft02N},  // "...-02\n"
           VendorCase{"7d9419a65310ca6f2c179d9215529d56", VendorId::kNatTDraft03},   // "...-03"
           VendorCase{"4485152d18b6bbcd0be8a8469579ddcc", VendorId::kNatTDraftOld},  // "...-00"
           VendorCase{"8f8d83826d246b6fc7a8a6a428c11de8", VendorId::kNatTDraftOld},  // "...-08"
           VendorCase{"882fe56d6fd20dbc2251613b2ebe5beb", VendorId::kStrongSwan},    // "strongSwan"
           VendorCase{"09002689dfd6b712", VendorId::kXauth},
           VendorCase{"12f5f28c457168a9702d9fe274cc0100", VendorId::kCiscoUnity},
           VendorCase{"12f5f28c457168a9702d9fe274cc0102", VendorId::kCiscoUnity},  // other version
           VendorCase{"4048b7d56ebce88525e7de7f00d6c2d3", VendorId::kFragmentation},
           VendorCase{"4048b7d56ebce88525e7de7f00d6c2d3c0000000", VendorId::kFragmentation},
           VendorCase{"1e2b516905991c7d7c96fcbfb587e46100000009", VendorId::kMsNt5},
       }) {
    EXPECT_EQ(recognizeVendorId(hex(c.hex)), c.id) << c.hex;
  }
}

TEST(Ikev1VendorId, UnknownAndNearMisses) {
  EXPECT_EQ(recognizeVendorId({}), VendorId::kUnknown);
  EXPECT_EQ(recognizeVendorId(hex("afcad71368a1f1c96b8696fc775701")), VendorId::kUnknown);
  EXPECT_EQ(recognizeVendorId(hex("afcad71368a1f1c96b8696fc7757010000")), VendorId::kUnknown);
  EXPECT_EQ(recognizeVendorId(hex("4048b7d56ebce88525e7de7f00d6c2d3c000")), VendorId::kUnknown);
  EXPECT_EQ(recognizeVendorId(hex("09002689dfd6b71280a224dec33b81e5")), VendorId::kUnknown);
  EXPECT_EQ(recognizeVendorId(hex("4f45706e")), VendorId::kUnknown);
}

TEST(Ikev1VendorId, WhatWeSendIsRecognised) {
  for (VendorId id :
       {VendorId::kDpd, VendorId::kNatTRfc3947, VendorId::kNatTDraft02, VendorId::kNatTDraft02N,
        VendorId::kNatTDraft03, VendorId::kStrongSwan, VendorId::kXauth, VendorId::kCiscoUnity,
        VendorId::kFragmentation, VendorId::kMsNt5}) {
    Bytes data = vendorIdBytes(id);
    ASSERT_FALSE(data.empty()) << vendorIdName(id);
    EXPECT_EQ(recognizeVendorId(data), id) << vendorIdName(id);
  }
  EXPECT_EQ(vendorIdBytes(VendorId::kFragmentation),
            hex("4048b7d56ebce88525e7de7f00d6c2d380000000"));
  EXPECT_EQ(vendorIdBytes(VendorId::kCiscoUnity), hex("12f5f28c457168a9702d9fe274cc0100"));
  EXPECT_TRUE(vendorIdBytes(VendorId::kUnknown).empty());
  EXPECT_TRUE(vendorIdBytes(VendorId::kNatTDraftOld).empty());
}

TEST(Ikev1VendorId, NatTVersionsAndNames) {
  EXPECT_EQ(natTVersion(VendorId::kNatTRfc3947), NatTVersion::kRfc3947);
  EXPECT_EQ(natTVersion(VendorId::kNatTDraft02), NatTVersion::kDraft);
  EXPECT_EQ(natTVersion(VendorId::kNatTDraft02N), NatTVersion::kDraft);
  EXPECT_EQ(natTVersion(VendorId::kNatTDraft03), NatTVersion::kDraft);
  EXPECT_EQ(natTVersion(VendorId::kNatTDraftOld), NatTVersion::kNone);
  EXPECT_EQ(natTVersion(VendorId::kDpd), NatTVersion::kNone);
  EXPECT_EQ(vendorIdName(VendorId::kDpd), "DPD (RFC 3706)");
  EXPECT_EQ(vendorIdName(VendorId::kUnknown), "unknown");
  EXPECT_NE(vendorIdName(VendorId::kNatTDraftOld).find("unsupported"), std::string_view::npos);
}

}  // namespace
}  // namespace vpngw::wire::v1
