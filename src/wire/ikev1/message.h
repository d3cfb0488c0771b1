#pragma once
// ISAKMP / IKEv1 message codec (RFC 2408 §3, RFC 2407 §4, RFC 3947). Pure: no crypto, no I/O.
//
// decode() checks every length against its enclosing structure (header length == datagram,
// payload lengths within the message, proposals within the SA, transforms within the
// proposal, attributes within the transform) and refuses trailing bytes. With the E flag set,
// everything after the header is ciphertext: it is returned as Message::encrypted, and the
// engine decrypts it and parses the plaintext with decodeDecryptedChain(header.next_payload, ...),
// which allows the zero padding of RFC 2409 Appendix B after the last payload.
//
// Each decoded payload keeps its body exactly as received (Payload::body_bytes): SAi_b and
// IDii_b of HASH_I/HASH_R (RFC 2409 §5) are those bytes, not a re-encoding.
#include <cstdint>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "wire/ikev1/registry.h"

namespace vpngw::wire::v1 {

//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                      Initiator Cookie (8)                     |
// |                      Responder Cookie (8)                     |
// |  Next Payload | MjVer | MnVer | Exchange Type |     Flags     |
// |                          Message ID                           |
// |                            Length                             |
struct Header {
  uint64_t cookie_i = 0;
  uint64_t cookie_r = 0;
  // encode() computes it from the payloads of a plaintext message; with the E flag it is taken
  // as given (the type of the first encrypted payload).
  uint8_t next_payload = payload::kNone;
  uint8_t version = kVersion;
  uint8_t exchange = 0;  // exchange::kMain ... (raw: unknown types still decode)
  uint8_t flags = 0;
  uint32_t message_id = 0;
  uint32_t length = 0;  // filled in by encode()

  bool isEncrypted() const { return (flags & flags::kEncryption) != 0; }
  bool isCommit() const { return (flags & flags::kCommit) != 0; }
  bool isAuthOnly() const { return (flags & flags::kAuthOnly) != 0; }
  bool operator==(const Header&) const = default;
};

// A data attribute (RFC 2408 §3.3). Basic (TV, AF=1) attributes carry a 16-bit value; variable
// (TLV, AF=0) ones carry bytes. The codec keeps the form it saw; attributes.h gives the typed
// phase-1 and phase-2 views.
struct Attribute {
  uint16_t type = 0;  // without the AF bit
  bool basic = true;
  uint16_t value = 0;  // basic form
  Bytes data{};        // variable form

  static Attribute tv(uint16_t type, uint16_t value) { return {type, true, value, {}}; }
  static Attribute tlv(uint16_t type, Bytes data) { return {type, false, 0, std::move(data)}; }
  bool operator==(const Attribute&) const = default;
};

// Transform payload (RFC 2408 §3.6): inside a proposal only.
struct Transform {
  uint8_t number = 1;
  uint8_t id = transform_id::kKeyIke;  // KEY_IKE in phase 1, ESP/AH transform ID in phase 2
  std::vector<Attribute> attributes{};
  bool operator==(const Transform&) const = default;
};

// Proposal payload (RFC 2408 §3.5): inside an SA only. Proposals sharing a number form one
// "AND" bundle (e.g. AH and ESP); the transforms of one proposal are alternatives.
struct Proposal {
  uint8_t number = 1;
  uint8_t protocol = protocol::kIsakmp;
  Bytes spi{};  // empty in phase 1, 4 bytes for ESP/AH
  std::vector<Transform> transforms{};
  bool operator==(const Proposal&) const = default;
};

struct SaPayload {
  uint32_t doi = kDoiIpsec;
  uint32_t situation = kSitIdentityOnly;
  std::vector<Proposal> proposals{};
  bool operator==(const SaPayload&) const = default;
};

// IKEv1 KE carries the public value only (the group is an SA attribute).
struct KePayload {
  Bytes data{};
  bool operator==(const KePayload&) const = default;
};

// Identification (RFC 2407 §4.6.2): phase 1 uses protocol/port 0/0 or 17/500; quick-mode IDs
// (IDci/IDcr) name the traffic. identity.h builds and reads the IPv4 forms.
struct IdPayload {
  uint8_t id_type = id::kIpv4Addr;
  uint8_t protocol = 0;
  uint16_t port = 0;
  Bytes data{};
  bool operator==(const IdPayload&) const = default;
};

struct HashPayload {
  Bytes data{};
  bool operator==(const HashPayload&) const = default;
};

// 8..256 bytes (RFC 2409 §5); decode refuses other sizes.
struct NoncePayload {
  Bytes data{};
  bool operator==(const NoncePayload&) const = default;
};

// Notification (RFC 2408 §3.14). DPD (RFC 3706) uses protocol ISAKMP with the two cookies as a
// 16-byte SPI and a 4-byte sequence number as data.
struct NotifyPayload {
  uint32_t doi = kDoiIpsec;
  uint8_t protocol = protocol::kIsakmp;
  Bytes spi{};
  uint16_t type = 0;
  Bytes data{};
  bool operator==(const NotifyPayload&) const = default;
};

// Delete (RFC 2408 §3.15): ISAKMP SAs are named by their cookie pair (16-byte SPI), ESP/AH SAs
// by 4-byte SPIs.
struct DeletePayload {
  uint32_t doi = kDoiIpsec;
  uint8_t protocol = protocol::kEsp;
  uint8_t spi_size = 4;
  std::vector<Bytes> spis{};  // each spi_size bytes, at least one
  bool operator==(const DeletePayload&) const = default;
};

struct VendorIdPayload {
  Bytes data{};  // vendor_id.h recognises the ones that matter
  bool operator==(const VendorIdPayload&) const = default;
};

// NAT-D (RFC 3947 §3.2; payload type 20, or 130 for the drafts): HASH(CKY-I | CKY-R | IP | Port).
struct NatDPayload {
  Bytes hash{};
  bool operator==(const NatDPayload&) const = default;
};

// NAT-OA (RFC 3947 §5.2; type 21, or 131 for the drafts): the original address of a peer.
struct NatOaPayload {
  uint8_t id_type = id::kIpv4Addr;  // IPV4_ADDR (4-byte address) or IPV6_ADDR (16)
  Bytes address{};
  bool operator==(const NatOaPayload&) const = default;
};

// CERT, CR, SIG, ATTR, FRAGMENT and unknown types: kept as bytes; the engine decides
// (e.g. INVALID-PAYLOAD-TYPE for types it cannot process).
struct RawPayload {
  Bytes data{};
  bool operator==(const RawPayload&) const = default;
};

using PayloadBody =
    std::variant<SaPayload, KePayload, IdPayload, HashPayload, NoncePayload, NotifyPayload,
                 DeletePayload, VendorIdPayload, NatDPayload, NatOaPayload, RawPayload>;

struct Payload {
  uint8_t type = payload::kNone;  // payload::kSa ...
  PayloadBody body{};
  // The body (after the 4-byte generic header) exactly as received; filled by decode only,
  // ignored by encode and by ==.
  Bytes body_bytes{};

  bool operator==(const Payload& o) const { return type == o.type && body == o.body; }
};

struct Message {
  Header header{};
  std::vector<Payload> payloads{};  // plaintext messages
  Bytes encrypted{};                // E flag set: the ciphertext after the header
  bool operator==(const Message&) const = default;
};

// Decodes the fixed 28-byte header only (the length field is not checked against data).
Result<Header> decodeHeader(ByteView data);

// Decodes a whole datagram: header (major version 1, length == data.size()), then either the
// payload chain (no trailing bytes) or, with the E flag, the opaque non-empty ciphertext.
Result<Message> decode(ByteView data);

// Decodes a chain of payloads starting with type `first` that fills `data` exactly.
Result<std::vector<Payload>> decodePayloadChain(uint8_t first, ByteView data);

// Like decodePayloadChain, for a decrypted message body: after the last payload, up to
// kMaxPadding bytes of padding are allowed (RFC 2409 Appendix B pads with zeros to the cipher
// block; some stacks add random-length padding, so the content is not checked).
constexpr size_t kMaxPadding = 255;
Result<std::vector<Payload>> decodeDecryptedChain(uint8_t first, ByteView plaintext);

// The bytes of an encoded chain after its first payload, up to the end of the last payload
// (padding excluded): the "message after the HASH payload" hashed by quick mode HASH(1),
// HASH(2) and informational HASH(1) (RFC 2409 §5.5, §5.7), where HASH comes first.
Result<ByteView> bytesAfterFirstPayload(ByteView chain);

// Encodes payloads with correct Next Payload and length fields.
Bytes encodePayloadChain(const std::vector<Payload>& payloads);
// Encodes one payload body (without the generic header), e.g. the initiator's own SAi_b.
Bytes encodeBody(const PayloadBody& body);

// Encodes header + payloads, or header + encrypted with the E flag (payloads must then be
// empty and header.next_payload names the first encrypted payload). Length is computed.
Bytes encode(const Message& message);

// The 16-byte ISAKMP SPI, CKY-I | CKY-R, of DPD notifications and ISAKMP deletes (RFC 2408
// §3.15, RFC 3706 §7).
Bytes cookiePair(uint64_t cookie_i, uint64_t cookie_r);

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
// The first payload of `type`, with its body_bytes (nullptr when absent).
const Payload* findPayload(const std::vector<Payload>& payloads, uint8_t type);
const NotifyPayload* findNotify(const std::vector<Payload>& payloads, uint16_t notify_type);
// The first notify whose type is an error (< 16384), if any.
const NotifyPayload* findErrorNotify(const std::vector<Payload>& payloads);
// All payloads of one type in order (e.g. the two NAT-D payloads, several VIDs).
std::vector<const Payload*> findAll(const std::vector<Payload>& payloads, uint8_t type);

}  // namespace vpngw::wire::v1
