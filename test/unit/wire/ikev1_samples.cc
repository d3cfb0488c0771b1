#include "unit/wire/ikev1_samples.h"

#include <stdexcept>

#include "wire/ikev1/attributes.h"
#include "wire/ikev1/identity.h"
#include "wire/ikev1/vendor_id.h"

namespace vpngw::wire::v1::samples {
namespace {

constexpr uint64_t kCookieI = 0x0102030405060708;
constexpr uint64_t kCookieR = 0xa1a2a3a4a5a6a7a8;

Payload vid(VendorId id) { return {payload::kVendorId, VendorIdPayload{vendorIdBytes(id)}, {}}; }

Payload hashPayload(uint8_t start) { return {payload::kHash, HashPayload{pattern(20, start)}, {}}; }

Subnet subnet(const char* text) {
  auto s = Subnet::parse(text);
  if (!s) {
    throw std::invalid_argument(text);
  }
  return *s;
}

Ipv4 address(const char* text) {
  auto a = Ipv4::parse(text);
  if (!a) {
    throw std::invalid_argument(text);
  }
  return *a;
}

SaPayload phase1Sa(bool both) {
  Phase1Attributes aes{.encryption = p1encr::kAesCbc,
                       .key_length = 128,
                       .hash = p1hash::kSha1,
                       .auth_method = p1auth::kPsk,
                       .group = 14,
                       .life = {.seconds = 28800}};
  Phase1Attributes des{.encryption = p1encr::k3DesCbc,
                       .hash = p1hash::kMd5,
                       .auth_method = p1auth::kPsk,
                       .group = 2,
                       .life = {.seconds = 86400, .kilobytes = 4608000}};
  Proposal p{1, protocol::kIsakmp, {}, {makePhase1Transform(1, aes)}};
  if (both) {
    p.transforms.push_back(makePhase1Transform(2, des));
  }
  return SaPayload{kDoiIpsec, kSitIdentityOnly, {p}};
}

SaPayload phase2Sa(bool both, Bytes spi) {
  Phase2Attributes aes{.life = {.seconds = 3600, .kilobytes = 0},
                       .group = 2,
                       .encapsulation = encap::kTunnel,
                       .auth_algorithm = p2auth::kHmacSha1,
                       .key_length = 128};
  Phase2Attributes des{.life = {.seconds = 3600, .kilobytes = 250000},
                       .group = 2,
                       .encapsulation = encap::kUdpTunnelDraft,
                       .auth_algorithm = p2auth::kHmacMd5};
  Proposal p{
      1, protocol::kEsp, std::move(spi), {makePhase2Transform(1, transform_id::kEspAesCbc, aes)}};
  if (both) {
    p.transforms.push_back(makePhase2Transform(2, transform_id::kEsp3Des, des));
  }
  return SaPayload{kDoiIpsec, kSitIdentityOnly, {p}};
}

Header header(uint8_t exchange, uint64_t cookie_r, uint8_t flags, uint32_t message_id) {
  Header h;
  h.cookie_i = kCookieI;
  h.cookie_r = cookie_r;
  h.exchange = exchange;
  h.flags = flags;
  h.message_id = message_id;
  return h;
}

Bytes withFirst(const std::vector<Payload>& chain) {
  Bytes out{chain.empty() ? payload::kNone : chain.front().type};
  Bytes body = encodePayloadChain(chain);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

}  // namespace

Bytes pattern(size_t n, uint8_t start) {
  Bytes out(n);
  for (size_t i = 0; i < n; ++i) {
    out[i] = static_cast<uint8_t>(start + i);
  }
  return out;
}

Bytes hex(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c != ' ' && c != '\n') {
      digits.push_back(c);
    }
  }
  auto bytes = fromHex(digits);
  if (!bytes) {
    throw std::invalid_argument("bad hex in test data");
  }
  return *bytes;
}

Message mainMode1() {
  return {header(exchange::kMain, 0, 0, 0),
          {{payload::kSa, phase1Sa(true), {}},
           vid(VendorId::kDpd),
           vid(VendorId::kNatTRfc3947),
           vid(VendorId::kNatTDraft02N),
           vid(VendorId::kFragmentation)},
          {}};
}

Message mainMode2() {
  return {header(exchange::kMain, kCookieR, 0, 0),
          {{payload::kSa, phase1Sa(false), {}}, vid(VendorId::kDpd), vid(VendorId::kNatTRfc3947)},
          {}};
}

Message mainMode3() {
  return {header(exchange::kMain, kCookieR, 0, 0),
          {{payload::kKe, KePayload{pattern(128, 0x30)}, {}},
           {payload::kNonce, NoncePayload{pattern(32, 0x10)}, {}},
           {payload::kNatD, NatDPayload{pattern(20, 0x60)}, {}},
           {payload::kNatD, NatDPayload{pattern(20, 0x80)}, {}}},
          {}};
}

std::vector<Payload> mainMode5Inner() {
  return {
      {payload::kId, ipv4Id(address("192.0.2.1")), {}},
      hashPayload(0x40),
      {payload::kNotify,
       NotifyPayload{kDoiIpsec, protocol::kIsakmp, pattern(16, 0x01), notify::kInitialContact, {}},
       {}}};
}

Message mainMode5() {
  Header h = header(exchange::kMain, kCookieR, flags::kEncryption, 0);
  h.next_payload = payload::kId;
  return {h, {}, pattern(64, 0xc0)};
}

Message aggressive1() {
  return {header(exchange::kAggressive, 0, 0, 0),
          {{payload::kSa, phase1Sa(false), {}},
           {payload::kKe, KePayload{pattern(128, 0x30)}, {}},
           {payload::kNonce, NoncePayload{pattern(16, 0x10)}, {}},
           {payload::kId, fqdnId("gw1.example.com"), {}},
           vid(VendorId::kDpd),
           vid(VendorId::kNatTDraft02)},
          {}};
}

Message aggressive2() {
  return {header(exchange::kAggressive, kCookieR, 0, 0),
          {{payload::kSa, phase1Sa(false), {}},
           {payload::kKe, KePayload{pattern(128, 0x50)}, {}},
           {payload::kNonce, NoncePayload{pattern(32, 0x90)}, {}},
           {payload::kId, userFqdnId("vpn@example.net"), {}},
           {payload::kNatDDraft, NatDPayload{pattern(20, 0x60)}, {}},
           {payload::kNatDDraft, NatDPayload{pattern(20, 0x80)}, {}},
           hashPayload(0x20),
           vid(VendorId::kStrongSwan)},
          {}};
}

std::vector<Payload> quick1Inner() {
  return {hashPayload(0x11),
          {payload::kSa, phase2Sa(true, hex("c1c2c3c4")), {}},
          {payload::kNonce, NoncePayload{pattern(16, 0x21)}, {}},
          {payload::kKe, KePayload{pattern(128, 0x31)}, {}},
          {payload::kId, subnetId(subnet("10.1.0.0/16")), {}},
          {payload::kId, subnetId(subnet("10.2.3.0/24")), {}}};
}

std::vector<Payload> quick2Inner() {
  // RESPONDER-LIFETIME (RFC 2407 §4.6.3.1) carries SA attributes as its data.
  Bytes lifetime = hex("80010001 00020004 00000e10");
  return {hashPayload(0x12),
          {payload::kSa, phase2Sa(false, hex("d1d2d3d4")), {}},
          {payload::kNonce, NoncePayload{pattern(32, 0x22)}, {}},
          {payload::kKe, KePayload{pattern(128, 0x32)}, {}},
          {payload::kId, rangeId({address("10.1.0.1"), address("10.1.0.99")}), {}},
          {payload::kId, subnetId(subnet("10.2.3.0/24")), {}},
          {payload::kNotify,
           NotifyPayload{kDoiIpsec, protocol::kEsp, hex("d1d2d3d4"), notify::kResponderLifetime,
                         lifetime},
           {}}};
}

std::vector<Payload> quick3Inner() { return {hashPayload(0x13)}; }

Message quick1() {
  Header h = header(exchange::kQuick, kCookieR, flags::kEncryption, 0x7a7b7c7d);
  h.next_payload = payload::kHash;
  return {h, {}, pattern(256, 0x07)};
}

std::vector<Payload> deleteEspInner() {
  return {hashPayload(0x14),
          {payload::kDelete,
           DeletePayload{kDoiIpsec, protocol::kEsp, 4, {hex("c1c2c3c4"), hex("d1d2d3d4")}},
           {}}};
}

std::vector<Payload> deleteIsakmpInner() {
  return {
      hashPayload(0x15),
      {payload::kDelete,
       DeletePayload{kDoiIpsec, protocol::kIsakmp, 16, {hex("0102030405060708a1a2a3a4a5a6a7a8")}},
       {}}};
}

std::vector<Payload> dpdInner() {
  return {hashPayload(0x16),
          {payload::kNotify,
           NotifyPayload{kDoiIpsec, protocol::kIsakmp, hex("0102030405060708a1a2a3a4a5a6a7a8"),
                         notify::kRUThere, hex("0000002a")},
           {}}};
}

Message notifyError() {
  return {header(exchange::kInformational, 0, 0, 0),
          {{payload::kNotify,
            NotifyPayload{kDoiIpsec, protocol::kIsakmp, {}, notify::kNoProposalChosen, {}},
            {}}},
          {}};
}

std::vector<Payload> everyPayloadType() {
  return {{payload::kSa, phase1Sa(false), {}},
          {payload::kKe, KePayload{pattern(32, 0x01)}, {}},
          {payload::kId, ipv4Id(address("198.51.100.7"), 17, 500), {}},
          {payload::kCert, RawPayload{concat(hex("04"), pattern(8, 0x02))}, {}},
          {payload::kCertReq, RawPayload{hex("04")}, {}},
          hashPayload(0x03),
          {payload::kSig, RawPayload{pattern(16, 0x04)}, {}},
          {payload::kNonce, NoncePayload{pattern(8, 0x05)}, {}},
          {payload::kNotify, NotifyPayload{0, protocol::kIsakmp, {}, notify::kConnected, {}}, {}},
          {payload::kDelete, DeletePayload{kDoiIpsec, protocol::kAh, 4, {hex("0000abcd")}}, {}},
          {payload::kVendorId, VendorIdPayload{pattern(12, 0x06)}, {}},
          {payload::kAttr, RawPayload{hex("01000000")}, {}},
          {payload::kNatD, NatDPayload{pattern(16, 0x07)}, {}},
          {payload::kNatOa, NatOaPayload{id::kIpv4Addr, hex("0a000001")}, {}},
          {payload::kNatDDraft, NatDPayload{pattern(16, 0x08)}, {}},
          {payload::kNatOaDraft, NatOaPayload{id::kIpv6Addr, pattern(16, 0x09)}, {}},
          {payload::kFragment, RawPayload{concat(hex("0001 01 01"), pattern(8, 0x0a))}, {}},
          {200, RawPayload{pattern(3, 0x0b)}, {}}};
}

std::vector<Seed> seedCorpus() {
  return {
      {"main_mode_1", encode(mainMode1())},
      {"main_mode_2", encode(mainMode2())},
      {"main_mode_3", encode(mainMode3())},
      {"main_mode_5_encrypted", encode(mainMode5())},
      {"aggressive_1", encode(aggressive1())},
      {"aggressive_2", encode(aggressive2())},
      {"quick_1_encrypted", encode(quick1())},
      {"notify_no_proposal_chosen", encode(notifyError())},
      {"chain_main_mode_5", withFirst(mainMode5Inner())},
      {"chain_quick_1", withFirst(quick1Inner())},
      {"chain_quick_2", withFirst(quick2Inner())},
      {"chain_quick_3", withFirst(quick3Inner())},
      {"chain_delete_esp", withFirst(deleteEspInner())},
      {"chain_delete_isakmp", withFirst(deleteIsakmpInner())},
      {"chain_dpd", withFirst(dpdInner())},
      {"chain_every_payload_type", withFirst(everyPayloadType())},
  };
}

}  // namespace vpngw::wire::v1::samples
