// IKEv2 header and payload chain codec (RFC 7296 §3.1, §3.2).
#include "wire/ikev2_message.h"

#include <stdexcept>
#include <string>

#include "base/byte_io.h"
#include "wire/payload_codec.h"

namespace vpngw::wire::v2 {
namespace {

// A real exchange carries well under 20 payloads; the cap bounds the work a hostile datagram
// full of 4-byte empty payloads can cause.
constexpr size_t kMaxPayloads = 64;
constexpr uint8_t kCriticalBit = 0x80;
constexpr size_t kLengthFieldOffset = 24;  // in the IKE header

bool isEncrypted(const PayloadBody& body) {
  return std::holds_alternative<EncryptedPayload>(body) ||
         std::holds_alternative<EncryptedFragmentPayload>(body);
}

uint8_t innerFirst(const PayloadBody& body) {
  if (const auto* sk = std::get_if<EncryptedPayload>(&body)) {
    return sk->inner_first;
  }
  return std::get<EncryptedFragmentPayload>(body).inner_first;
}

void appendChain(const std::vector<Payload>& payloads, ByteWriter& out) {
  for (size_t i = 0; i < payloads.size(); ++i) {
    const Payload& p = payloads[i];
    bool last = i + 1 == payloads.size();
    uint8_t next = last ? payload::kNone : payloads[i + 1].type;
    if (isEncrypted(p.body)) {
      // §3.14: SK's Next Payload names the first *inner* payload, so nothing can follow it.
      if (!last) {
        throw std::logic_error("IKEv2 encode: SK/SKF payload must be the last payload");
      }
      next = innerFirst(p.body);
    }
    size_t start = out.size();
    out.u8(next);
    out.u8(p.critical ? kCriticalBit : 0);
    out.u16(0);  // length, patched below
    detail::encodeBody(p.body, out);
    out.patchU16(start + 2, detail::checkedU16(out.size() - start, "payload length"));
  }
}

}  // namespace

Result<Header> decodeHeader(ByteView data) {
  ByteReader r(data);
  Header h;
  h.spi_i = r.u64();
  h.spi_r = r.u64();
  h.next_payload = r.u8();
  h.version = r.u8();
  h.exchange = r.u8();
  h.flags = r.u8();
  h.message_id = r.u32();
  h.length = r.u32();
  if (!r.ok()) {
    return makeError("IKE header truncated");
  }
  return h;
}

Result<Message> decode(ByteView data) {
  auto header = decodeHeader(data);
  if (!header) {
    return header.error();
  }
  // §3.1: only the major version matters; a different minor version is accepted.
  if ((header->version >> 4) != (kIkev2Version >> 4)) {
    return makeError("unsupported major version");
  }
  if (header->length != data.size()) {
    return makeError("IKE header length " + std::to_string(header->length) +
                     " does not match datagram size " + std::to_string(data.size()));
  }
  if (data.size() > kMaxMessageSize) {
    return makeError("IKE message larger than " + std::to_string(kMaxMessageSize) + " bytes");
  }
  auto payloads = decodePayloadChain(header->next_payload, data.subspan(kHeaderSize));
  if (!payloads) {
    return payloads.error();
  }
  return Message{*header, std::move(*payloads)};
}

Result<std::vector<Payload>> decodePayloadChain(uint8_t first, ByteView data) {
  std::vector<Payload> out;
  ByteReader r(data);
  uint8_t type = first;
  while (type != payload::kNone) {
    if (out.size() == kMaxPayloads) {
      return makeError("more than " + std::to_string(kMaxPayloads) + " payloads");
    }
    uint8_t next = r.u8();
    uint8_t critical = r.u8();  // the 7 RESERVED bits are ignored on receipt (§3.2)
    size_t length = r.u16();
    std::string name(payloadName(type));
    if (!r.ok()) {
      return makeError(name + " payload header truncated");
    }
    if (length < kGenericPayloadHeaderSize) {
      return makeError(name + " payload length " + std::to_string(length) + " below 4");
    }
    if (length - kGenericPayloadHeaderSize > r.remaining()) {
      return makeError(name + " payload length " + std::to_string(length) + " exceeds data");
    }
    auto body = detail::decodeBody(type, next, r.take(length - kGenericPayloadHeaderSize));
    if (!body) {
      return body.error();
    }
    out.push_back(Payload{type, (critical & kCriticalBit) != 0, std::move(*body)});
    if (type == payload::kSk || type == payload::kSkf) {
      // §3.14 / RFC 7383 §2.5: SK and SKF are last; their Next Payload is the inner chain's.
      if (!r.empty()) {
        return makeError("data after the " + name + " payload");
      }
      return out;
    }
    type = next;
  }
  if (!r.empty()) {
    return makeError("data after the last payload");
  }
  return out;
}

Bytes encodePayloadChain(const std::vector<Payload>& payloads) {
  ByteWriter out;
  appendChain(payloads, out);
  return out.take();
}

Bytes encode(const Message& message) {
  const Header& h = message.header;
  ByteWriter out;
  out.u64(h.spi_i);
  out.u64(h.spi_r);
  out.u8(message.payloads.empty() ? payload::kNone : message.payloads.front().type);
  out.u8(h.version);
  out.u8(h.exchange);
  out.u8(h.flags);
  out.u32(h.message_id);
  out.u32(0);  // length, patched below
  appendChain(message.payloads, out);
  out.patchU32(kLengthFieldOffset, static_cast<uint32_t>(out.size()));
  return out.take();
}

const NotifyPayload* findNotify(const std::vector<Payload>& payloads, uint16_t notify_type) {
  for (const auto& p : payloads) {
    const auto* n = std::get_if<NotifyPayload>(&p.body);
    if (p.type == payload::kNotify && n != nullptr && n->type == notify_type) {
      return n;
    }
  }
  return nullptr;
}

const NotifyPayload* findErrorNotify(const std::vector<Payload>& payloads) {
  for (const auto& p : payloads) {
    const auto* n = std::get_if<NotifyPayload>(&p.body);
    if (p.type == payload::kNotify && n != nullptr && n->type <= notify::kLastError) {
      return n;
    }
  }
  return nullptr;
}

}  // namespace vpngw::wire::v2
