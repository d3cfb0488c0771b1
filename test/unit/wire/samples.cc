#include "unit/wire/samples.h"

#include <stdexcept>

#include "base/byte_io.h"

namespace vpngw::wire::v2::samples {
namespace {

constexpr uint64_t kSpiI = 0x0123456789abcdefull;
constexpr uint64_t kSpiR = 0xfedcba9876543210ull;

Payload notifyPayload(uint16_t type, Bytes data = {}) {
  return Payload{.type = payload::kNotify, .body = NotifyPayload{.type = type, .data = data}};
}

Transform encrAesCbc(uint16_t bits) {
  return {.type = transform::kEncr, .id = encr::kAesCbc, .key_length = bits};
}

TrafficSelector ipv4Range(Bytes start, Bytes end) {
  return {.start_address = std::move(start), .end_address = std::move(end)};
}

Payload espSa(Bytes spi) {
  return Payload{
      .type = payload::kSa,
      .body = SaPayload{{
          Proposal{
              .number = 1,
              .protocol = ProtocolId::Esp,
              .spi = spi,
              .transforms = {{.type = transform::kEncr, .id = encr::kAesGcm16, .key_length = 256},
                             {.type = transform::kEsn, .id = esn::kNo}}},
          Proposal{.number = 2,
                   .protocol = ProtocolId::Esp,
                   .spi = spi,
                   .transforms = {encrAesCbc(128),
                                  {.type = transform::kInteg, .id = integ::kHmacSha256_128},
                                  {.type = transform::kEsn, .id = esn::kNo}}},
      }}};
}

Payload tsPayload(uint8_t type, uint8_t third_octet) {
  return Payload{
      .type = type,
      .body = TsPayload{{ipv4Range({10, third_octet, 0, 0}, {10, third_octet, 0, 255})}}};
}

Header header(ExchangeType exchange, uint8_t flags, uint32_t message_id, uint64_t spi_r) {
  return Header{.spi_i = kSpiI,
                .spi_r = spi_r,
                .exchange = static_cast<uint8_t>(exchange),
                .flags = flags,
                .message_id = message_id};
}

Payload sk(uint8_t inner_first, size_t size) {
  // IV | ciphertext | ICV as one opaque blob; the codec never looks inside.
  return Payload{.type = payload::kSk,
                 .body = EncryptedPayload{.inner_first = inner_first, .data = pattern(size, 0x40)}};
}

// A chain seed: the first payload type, then the encoded chain.
Bytes chainSeed(const std::vector<Payload>& chain) {
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
    throw std::invalid_argument("bad hex literal in test");
  }
  return *bytes;
}

Message ikeSaInitRequest() {
  SaPayload sa{{
      Proposal{.number = 1,
               .protocol = ProtocolId::Ike,
               .transforms = {{.type = transform::kEncr, .id = encr::kAesGcm16, .key_length = 256},
                              {.type = transform::kPrf, .id = prf::kHmacSha256},
                              {.type = transform::kDh, .id = dh::kCurve25519},
                              {.type = transform::kDh, .id = dh::kEcp256}}},
      Proposal{.number = 2,
               .protocol = ProtocolId::Ike,
               .transforms = {encrAesCbc(256),
                              encrAesCbc(128),
                              {.type = transform::kPrf, .id = prf::kHmacSha256},
                              {.type = transform::kInteg, .id = integ::kHmacSha256_128},
                              {.type = transform::kDh, .id = dh::kModp2048}}},
  }};
  return Message{.header = header(ExchangeType::IkeSaInit, flags::kInitiator, 0, 0),
                 .payloads = {
                     {.type = payload::kSa, .body = sa},
                     {.type = payload::kKe,
                      .body = KePayload{.group = dh::kCurve25519, .data = pattern(32, 0xa0)}},
                     {.type = payload::kNonce, .body = NoncePayload{pattern(32, 0x10)}},
                     notifyPayload(notify::kNatDetectionSourceIp, pattern(20, 0x60)),
                     notifyPayload(notify::kNatDetectionDestinationIp, pattern(20, 0x80)),
                     notifyPayload(notify::kIkev2FragmentationSupported),
                 }};
}

Message ikeSaInitResponse() {
  SaPayload sa{
      {Proposal{.number = 1,
                .protocol = ProtocolId::Ike,
                .transforms = {{.type = transform::kEncr, .id = encr::kAesGcm16, .key_length = 256},
                               {.type = transform::kPrf, .id = prf::kHmacSha256},
                               {.type = transform::kDh, .id = dh::kCurve25519}}}}};
  return Message{.header = header(ExchangeType::IkeSaInit, flags::kResponse, 0, kSpiR),
                 .payloads = {
                     {.type = payload::kSa, .body = sa},
                     {.type = payload::kKe,
                      .body = KePayload{.group = dh::kCurve25519, .data = pattern(32, 0xb0)}},
                     {.type = payload::kNonce, .body = NoncePayload{pattern(32, 0x20)}},
                     notifyPayload(notify::kNatDetectionSourceIp, pattern(20, 0x61)),
                     notifyPayload(notify::kNatDetectionDestinationIp, pattern(20, 0x81)),
                     {.type = payload::kVendorId, .body = VendorIdPayload{pattern(16, 0xc0)}},
                 }};
}

Message cookieResponse() {
  return Message{.header = header(ExchangeType::IkeSaInit, flags::kResponse, 0, 0),
                 .payloads = {notifyPayload(notify::kCookie, pattern(24, 0x33))}};
}

Message invalidKeResponse() {
  return Message{.header = header(ExchangeType::IkeSaInit, flags::kResponse, 0, 0),
                 .payloads = {notifyPayload(notify::kInvalidKePayload, {0x00, dh::kEcp256})}};
}

Message ikeAuthRequest() {
  return Message{.header = header(ExchangeType::IkeAuth, flags::kInitiator, 1, kSpiR),
                 .payloads = {sk(payload::kIdi, 96)}};
}

Message ikeAuthFragment(uint16_t number, uint16_t total) {
  return Message{.header = header(ExchangeType::IkeAuth, flags::kInitiator, 1, kSpiR),
                 .payloads = {{.type = payload::kSkf,
                               .body = EncryptedFragmentPayload{
                                   .inner_first = number == 1 ? payload::kIdi : payload::kNone,
                                   .number = number,
                                   .total = total,
                                   .data = pattern(48, static_cast<uint8_t>(number))}}}};
}

Message createChildSaRequest() {
  return Message{.header = header(ExchangeType::CreateChildSa, flags::kInitiator, 2, kSpiR),
                 .payloads = {sk(payload::kNotify, 128)}};
}

Message informationalRequest() {
  return Message{.header = header(ExchangeType::Informational, 0, 3, kSpiR),
                 .payloads = {sk(payload::kDelete, 64)}};
}

std::vector<Payload> ikeAuthInner() {
  return {
      {.type = payload::kIdi, .body = IdPayload{.id_type = id::kIpv4, .data = {192, 0, 2, 1}}},
      {.type = payload::kAuth,
       .body = AuthPayload{.method = auth::kSharedKey, .data = pattern(32, 0x70)}},
      espSa({0xc1, 0xc2, 0xc3, 0xc4}),
      tsPayload(payload::kTsi, 1),
      tsPayload(payload::kTsr, 2),
      notifyPayload(notify::kInitialContact),
  };
}

std::vector<Payload> createChildSaInner() {
  return {
      {.type = payload::kNotify,
       .body = NotifyPayload{.protocol = ProtocolId::Esp,
                             .spi = {0xc1, 0xc2, 0xc3, 0xc4},
                             .type = notify::kRekeySa}},
      espSa({0xd1, 0xd2, 0xd3, 0xd4}),
      {.type = payload::kNonce, .body = NoncePayload{pattern(32, 0x30)}},
      {.type = payload::kKe, .body = KePayload{.group = dh::kCurve25519, .data = pattern(32, 5)}},
      tsPayload(payload::kTsi, 1),
      tsPayload(payload::kTsr, 2),
  };
}

std::vector<Payload> deleteInner() {
  return {
      {.type = payload::kDelete,
       .body = DeletePayload{.protocol = ProtocolId::Esp,
                             .spi_size = 4,
                             .spis = {{0xc1, 0xc2, 0xc3, 0xc4}, {0xd1, 0xd2, 0xd3, 0xd4}}}},
      {.type = payload::kDelete, .body = DeletePayload{.protocol = ProtocolId::Ike}},
  };
}

std::vector<Payload> otherPayloads() {
  Bytes v6_start(16, 0);
  Bytes v6_end(16, 0xff);
  v6_start[0] = 0x20;
  v6_start[1] = 0x01;
  return {
      {.type = payload::kIdr,
       .body = IdPayload{.id_type = id::kFqdn, .data = toBytes(view("gw.example"))}},
      {.type = payload::kTsr,
       .body = TsPayload{{{.ts_type = ts::kIpv6AddrRange,
                           .ip_protocol = 17,
                           .start_port = 500,
                           .end_port = 500,
                           .start_address = v6_start,
                           .end_address = v6_end}}}},
      {.type = payload::kCertReq, .body = RawPayload{pattern(21, 4)}},
      {.type = payload::kCp, .body = RawPayload{{1, 0, 0, 0, 0, 1, 0, 0}}},
      {.type = 200, .critical = true, .body = RawPayload{{1, 2, 3}}},
      deleteInner()[0],
  };
}

std::vector<Payload> everyPayloadType() {
  std::vector<Payload> out = ikeSaInitRequest().payloads;
  for (auto& list : {ikeAuthInner(), deleteInner(), otherPayloads()}) {
    out.insert(out.end(), list.begin(), list.end());
  }
  return out;
}

std::vector<Seed> seedCorpus() {
  return {
      {"ike_sa_init_request", encode(ikeSaInitRequest())},
      {"ike_sa_init_response", encode(ikeSaInitResponse())},
      {"ike_sa_init_cookie", encode(cookieResponse())},
      {"ike_sa_init_invalid_ke", encode(invalidKeResponse())},
      {"ike_auth_sk", encode(ikeAuthRequest())},
      {"ike_auth_skf_1of2", encode(ikeAuthFragment(1, 2))},
      {"ike_auth_skf_2of2", encode(ikeAuthFragment(2, 2))},
      {"create_child_sa_sk", encode(createChildSaRequest())},
      {"informational_sk", encode(informationalRequest())},
      {"chain_ike_auth_inner", chainSeed(ikeAuthInner())},
      {"chain_create_child_sa_inner", chainSeed(createChildSaInner())},
      {"chain_delete_inner", chainSeed(deleteInner())},
      {"chain_every_payload_type", chainSeed(everyPayloadType())},
  };
}

}  // namespace vpngw::wire::v2::samples
