#pragma once
// IKEv2 message codec (RFC 7296 §3). Pure: no crypto, no I/O, no SA state.
//
// decode() checks every length against its enclosing structure and refuses anything
// inconsistent (truncated, oversized, lengths that disagree, payloads after SK, a generic
// header shorter than its minimum). The SK/SKF payloads are returned still encrypted;
// ike/protect decrypts them and decodes the inner chain with decodePayloadChain().
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "wire/registry.h"

namespace vpngw::wire::v2 {

//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                       IKE SA Initiator's SPI                  |
// |                       IKE SA Responder's SPI                  |
// |  Next Payload | MjVer | MnVer | Exchange Type |     Flags     |
// |                          Message ID                           |
// |                            Length                             |
struct Header {
  uint64_t spi_i = 0;
  uint64_t spi_r = 0;
  uint8_t next_payload = 0;  // filled in by encode()
  uint8_t version = kIkev2Version;
  uint8_t exchange = 0;  // ExchangeType value (raw: unknown types must still decode)
  uint8_t flags = 0;
  uint32_t message_id = 0;
  uint32_t length = 0;  // filled in by encode()

  bool isResponse() const { return flags & flags::kResponse; }
  bool isInitiator() const { return flags & flags::kInitiator; }
  bool operator==(const Header&) const = default;
};

struct Transform {
  uint8_t type = 0;  // transform::kEncr ...
  uint16_t id = 0;
  std::optional<uint16_t> key_length{};  // the Key Length attribute, in bits
  auto operator<=>(const Transform&) const = default;
};

struct Proposal {
  uint8_t number = 1;
  ProtocolId protocol = ProtocolId::Ike;
  Bytes spi{};  // empty for IKE in IKE_SA_INIT, 8 bytes for IKE rekey, 4 for ESP/AH
  std::vector<Transform> transforms{};
  bool operator==(const Proposal&) const = default;
};

struct SaPayload {
  std::vector<Proposal> proposals{};
  bool operator==(const SaPayload&) const = default;
};

struct KePayload {
  uint16_t group = 0;
  Bytes data{};
  bool operator==(const KePayload&) const = default;
};

// IDi and IDr (the payload type tells which).
struct IdPayload {
  uint8_t id_type = 0;
  Bytes data{};
  bool operator==(const IdPayload&) const = default;
};

struct AuthPayload {
  uint8_t method = 0;
  Bytes data{};
  bool operator==(const AuthPayload&) const = default;
};

struct NoncePayload {
  Bytes data{};  // 16..256 bytes (RFC 7296 §3.9); decode refuses other sizes
  bool operator==(const NoncePayload&) const = default;
};

struct NotifyPayload {
  ProtocolId protocol = ProtocolId::None;
  Bytes spi{};
  uint16_t type = 0;
  Bytes data{};
  bool operator==(const NotifyPayload&) const = default;
};

struct DeletePayload {
  ProtocolId protocol = ProtocolId::None;
  uint8_t spi_size = 0;       // 0 for IKE, 4 for ESP/AH
  std::vector<Bytes> spis{};  // each spi_size bytes
  bool operator==(const DeletePayload&) const = default;
};

struct VendorIdPayload {
  Bytes data{};
  bool operator==(const VendorIdPayload&) const = default;
};

struct TrafficSelector {
  uint8_t ts_type = ts::kIpv4AddrRange;
  uint8_t ip_protocol = 0;  // 0 = any
  uint16_t start_port = 0;
  uint16_t end_port = 65535;
  Bytes start_address{};  // 4 bytes for IPv4, 16 for IPv6
  Bytes end_address{};
  bool operator==(const TrafficSelector&) const = default;
};

// TSi and TSr (the payload type tells which).
struct TsPayload {
  std::vector<TrafficSelector> selectors{};
  bool operator==(const TsPayload&) const = default;
};

// SK: Initialization Vector | Encrypted Payloads (+ padding) | Integrity Checksum Data, as one
// opaque blob. inner_first is the Next Payload field of the SK header (first inner payload).
struct EncryptedPayload {
  uint8_t inner_first = 0;
  Bytes data{};
  bool operator==(const EncryptedPayload&) const = default;
};

// SKF (RFC 7383 §2.5): like SK plus Fragment Number and Total Fragments. inner_first is
// non-zero only in fragment 1.
struct EncryptedFragmentPayload {
  uint8_t inner_first = 0;
  uint16_t number = 0;
  uint16_t total = 0;
  Bytes data{};
  bool operator==(const EncryptedFragmentPayload&) const = default;
};

// Any payload vpngw does not interpret (CERT, CERTREQ, CP, EAP, unknown types): kept as bytes.
struct RawPayload {
  Bytes data{};
  bool operator==(const RawPayload&) const = default;
};

using PayloadBody = std::variant<SaPayload, KePayload, IdPayload, AuthPayload, NoncePayload,
                                 NotifyPayload, DeletePayload, VendorIdPayload, TsPayload,
                                 EncryptedPayload, EncryptedFragmentPayload, RawPayload>;

struct Payload {
  uint8_t type = 0;       // payload::kSa ...
  bool critical = false;  // the Critical bit
  PayloadBody body{};
  bool operator==(const Payload&) const = default;
};

struct Message {
  Header header{};
  std::vector<Payload> payloads{};
  bool operator==(const Message&) const = default;
};

// Decodes just the fixed 28-byte header (no check of the length field against data).
Result<Header> decodeHeader(ByteView data);

// Decodes a whole datagram: header (version major 2, length == data.size()), then the
// payload chain. SK or SKF, if present, must be the last payload.
Result<Message> decode(ByteView data);

// Decodes a chain of payloads starting with type `first` that fills `data` exactly (used for
// the decrypted content of SK).
Result<std::vector<Payload>> decodePayloadChain(uint8_t first, ByteView data);

// Encodes payloads with correct Next Payload and length fields. The first payload's type is
// payloads.front().type (kNone when empty).
Bytes encodePayloadChain(const std::vector<Payload>& payloads);

// Encodes header + payloads; header.next_payload and header.length are computed.
Bytes encode(const Message& message);

// Convenience lookups over a decoded chain.
template <typename T>
const T* find(const std::vector<Payload>& payloads, uint8_t type) {
  for (const auto& p : payloads) {
    if (p.type == type) {
      if (const T* body = std::get_if<T>(&p.body)) {
        return body;
      }
    }
  }
  return nullptr;
}
const NotifyPayload* findNotify(const std::vector<Payload>& payloads, uint16_t notify_type);
// The first notify whose type is an error (< 16384), if any.
const NotifyPayload* findErrorNotify(const std::vector<Payload>& payloads);

}  // namespace vpngw::wire::v2
