// The vendor ID table. Values are MD5 digests of the names given in vendor_id.h;
// test/unit/wire/ikev1_vendor_id_test.cc pins them to digests computed with Python's hashlib.
#include "wire/ikev1/vendor_id.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace vpngw::wire::v1 {
namespace {

using namespace std::string_view_literals;

enum class Match : uint8_t {
  kExact,
  kPrefix,             // data starts with the value, any length
  kOptionalCapability  // exactly the value, or the value + 4 capability bytes
};

struct Entry {
  VendorId id;
  std::string_view name;
  std::string_view value;  // raw bytes
  Match match;
};

constexpr std::array kTable = {
    Entry{VendorId::kDpd, "DPD (RFC 3706)",
          "\xaf\xca\xd7\x13\x68\xa1\xf1\xc9\x6b\x86\x96\xfc\x77\x57\x01\x00"sv, Match::kExact},
    Entry{VendorId::kNatTRfc3947, "NAT-T (RFC 3947)",
          "\x4a\x13\x1c\x81\x07\x03\x58\x45\x5c\x57\x28\xf2\x0e\x95\x45\x2f"sv, Match::kExact},
    Entry{VendorId::kNatTDraft02, "draft-ietf-ipsec-nat-t-ike-02",
          "\xcd\x60\x46\x43\x35\xdf\x21\xf8\x7c\xfd\xb2\xfc\x68\xb6\xa4\x48"sv, Match::kExact},
    Entry{VendorId::kNatTDraft02N, "draft-ietf-ipsec-nat-t-ike-02\\n",
          "\x90\xcb\x80\x91\x3e\xbb\x69\x6e\x08\x63\x81\xb5\xec\x42\x7b\x1f"sv, Match::kExact},
    Entry{VendorId::kNatTDraft03, "draft-ietf-ipsec-nat-t-ike-03",
          "\x7d\x94\x19\xa6\x53\x10\xca\x6f\x2c\x17\x9d\x92\x15\x52\x9d\x56"sv, Match::kExact},
    Entry{VendorId::kNatTDraftOld, "draft-ietf-ipsec-nat-t-ike-00",
          "\x44\x85\x15\x2d\x18\xb6\xbb\xcd\x0b\xe8\xa8\x46\x95\x79\xdd\xcc"sv, Match::kExact},
    Entry{VendorId::kNatTDraftOld, "draft-ietf-ipsec-nat-t-ike-01",
          "\x16\xf6\xca\x16\xe4\xa4\x06\x6d\x83\x82\x1a\x0f\x0a\xea\xa8\x62"sv, Match::kExact},
    Entry{VendorId::kNatTDraftOld, "draft-ietf-ipsec-nat-t-ike-04",
          "\x99\x09\xb6\x4e\xed\x93\x7c\x65\x73\xde\x52\xac\xe9\x52\xfa\x6b"sv, Match::kExact},
    Entry{VendorId::kNatTDraftOld, "draft-ietf-ipsec-nat-t-ike-05",
          "\x80\xd0\xbb\x3d\xef\x54\x56\x5e\xe8\x46\x45\xd4\xc8\x5c\xe3\xee"sv, Match::kExact},
    Entry{VendorId::kNatTDraftOld, "draft-ietf-ipsec-nat-t-ike-06",
          "\x4d\x1e\x0e\x13\x6d\xea\xfa\x34\xc4\xf3\xea\x9f\x02\xec\x72\x85"sv, Match::kExact},
    Entry{VendorId::kNatTDraftOld, "draft-ietf-ipsec-nat-t-ike-07",
          "\x43\x9b\x59\xf8\xba\x67\x6c\x4c\x77\x37\xae\x22\xea\xb8\xf5\x82"sv, Match::kExact},
    Entry{VendorId::kNatTDraftOld, "draft-ietf-ipsec-nat-t-ike-08",
          "\x8f\x8d\x83\x82\x6d\x24\x6b\x6f\xc7\xa8\xa6\xa4\x28\xc1\x1d\xe8"sv, Match::kExact},
    Entry{VendorId::kStrongSwan, "strongSwan",
          "\x88\x2f\xe5\x6d\x6f\xd2\x0d\xbc\x22\x51\x61\x3b\x2e\xbe\x5b\xeb"sv, Match::kExact},
    Entry{VendorId::kXauth, "XAUTH", "\x09\x00\x26\x89\xdf\xd6\xb7\x12"sv, Match::kExact},
    // Version bytes 14-15 vary between Cisco releases; the 14-byte digest prefix identifies it.
    Entry{VendorId::kCiscoUnity, "Cisco Unity",
          "\x12\xf5\xf2\x8c\x45\x71\x68\xa9\x70\x2d\x9f\xe2\x74\xcc"sv, Match::kPrefix},
    Entry{VendorId::kFragmentation, "FRAGMENTATION",
          "\x40\x48\xb7\xd5\x6e\xbc\xe8\x85\x25\xe7\xde\x7f\x00\xd6\xc2\xd3"sv,
          Match::kOptionalCapability},
    Entry{VendorId::kMsNt5, "MS NT5 ISAKMPOAKLEY",
          "\x1e\x2b\x51\x69\x05\x99\x1c\x7d\x7c\x96\xfc\xbf\xb5\x87\xe4\x61"sv, Match::kPrefix},
};

constexpr size_t kCapabilitySize = 4;

std::string_view asText(ByteView data) {
  return {reinterpret_cast<const char*>(data.data()), data.size()};
}

bool matches(const Entry& e, ByteView data) {
  std::string_view text = asText(data);
  switch (e.match) {
    case Match::kExact:
      return text == e.value;
    case Match::kPrefix:
      return text.starts_with(e.value);
    case Match::kOptionalCapability:
      return text.starts_with(e.value) &&
             (text.size() == e.value.size() || text.size() == e.value.size() + kCapabilitySize);
  }
  return false;
}

}  // namespace

VendorId recognizeVendorId(ByteView data) {
  auto it =
      std::find_if(kTable.begin(), kTable.end(), [&](const Entry& e) { return matches(e, data); });
  return it == kTable.end() ? VendorId::kUnknown : it->id;
}

std::string_view vendorIdName(VendorId id) {
  if (id == VendorId::kNatTDraftOld) {
    return "draft-ietf-ipsec-nat-t-ike (unsupported version)";
  }
  auto it = std::find_if(kTable.begin(), kTable.end(), [&](const Entry& e) { return e.id == id; });
  return it == kTable.end() ? "unknown" : it->name;
}

Bytes vendorIdBytes(VendorId id) {
  if (id == VendorId::kNatTDraftOld) {
    return {};  // several values; never sent
  }
  auto it = std::find_if(kTable.begin(), kTable.end(), [&](const Entry& e) { return e.id == id; });
  if (it == kTable.end()) {
    return {};
  }
  Bytes out = toBytes(view(it->value));
  if (id == VendorId::kCiscoUnity) {
    out.push_back(0x01);  // version 1.0
    out.push_back(0x00);
  } else if (id == VendorId::kFragmentation) {
    // 0x80000000: fragmentation of main and aggressive mode messages.
    out.insert(out.end(), {0x80, 0x00, 0x00, 0x00});
  } else if (id == VendorId::kMsNt5) {
    out.insert(out.end(), {0x00, 0x00, 0x00, 0x09});  // Windows Server 2008 and later
  }
  return out;
}

NatTVersion natTVersion(VendorId id) {
  switch (id) {
    case VendorId::kNatTRfc3947:
      return NatTVersion::kRfc3947;
    case VendorId::kNatTDraft02:
    case VendorId::kNatTDraft02N:
    case VendorId::kNatTDraft03:
      return NatTVersion::kDraft;
    default:
      return NatTVersion::kNone;
  }
}

}  // namespace vpngw::wire::v1
