// ISAKMP header and payload chain codec (RFC 2408 §3.1, §3.2).
#include "wire/ikev1/message.h"

#include <stdexcept>
#include <string>

#include "base/byte_io.h"
#include "wire/ikev1/payload_codec.h"

namespace vpngw::wire::v1 {
namespace {

// Main mode message 1 with many vendor IDs has about 15 payloads; the cap bounds the work a
// hostile datagram full of 4-byte empty payloads can cause.
constexpr size_t kMaxPayloads = 64;
constexpr size_t kLengthFieldOffset = 24;  // in the ISAKMP header

void appendChain(const std::vector<Payload>& payloads, ByteWriter& out) {
  for (size_t i = 0; i < payloads.size(); ++i) {
    const Payload& p = payloads[i];
    size_t start = out.size();
    out.u8(i + 1 == payloads.size() ? payload::kNone : payloads[i + 1].type);
    out.u8(0);   // RESERVED
    out.u16(0);  // length, patched below
    detail::encodeBody(p.body, out);
    out.patchU16(start + 2, detail::checkedU16(out.size() - start, "payload length"));
  }
}

// Decodes the chain; the bytes after the last payload are returned in `rest`.
Result<std::vector<Payload>> decodeChain(uint8_t first, ByteView data, ByteView& rest) {
  std::vector<Payload> out;
  ByteReader r(data);
  uint8_t type = first;
  while (type != payload::kNone) {
    if (out.size() == kMaxPayloads) {
      return makeError("more than " + std::to_string(kMaxPayloads) + " payloads");
    }
    uint8_t next = r.u8();
    r.u8();  // RESERVED: must be zero when sent, ignored on receipt
    size_t length = r.u16();
    std::string name(payloadName(type));
    if (!r.ok()) {
      return makeError(name + " payload header truncated");
    }
    if (length < kGenericPayloadHeaderSize) {
      return makeError(name + " payload length " + std::to_string(length) + " below 4");
    }
    if (length - kGenericPayloadHeaderSize > r.remaining()) {
      return makeError(name + " payload length " + std::to_string(length) +
                       " exceeds message data");
    }
    ByteView body_bytes = r.take(length - kGenericPayloadHeaderSize);
    auto body = detail::decodeBody(type, body_bytes);
    if (!body) {
      return body.error();
    }
    out.push_back(Payload{type, std::move(*body), toBytes(body_bytes)});
    type = next;
  }
  rest = r.rest();
  return out;
}

}  // namespace

Result<Header> decodeHeader(ByteView data) {
  ByteReader r(data);
  Header h;
  h.cookie_i = r.u64();
  h.cookie_r = r.u64();
  h.next_payload = r.u8();
  h.version = r.u8();
  h.exchange = r.u8();
  h.flags = r.u8();
  h.message_id = r.u32();
  h.length = r.u32();
  if (!r.ok()) {
    return makeError("ISAKMP header truncated");
  }
  return h;
}

Result<Message> decode(ByteView data) {
  auto header = decodeHeader(data);
  if (!header) {
    return header.error();
  }
  // RFC 2408 §3.1: a different major version is INVALID-MAJOR-VERSION; the minor version is
  // not checked (as strongSwan and libreswan do).
  if ((header->version >> 4) != (kVersion >> 4)) {
    return makeError("ISAKMP major version " + std::to_string(header->version >> 4) + " is not 1");
  }
  if (header->length != data.size()) {
    return makeError("ISAKMP header length " + std::to_string(header->length) +
                     " does not match datagram size " + std::to_string(data.size()));
  }
  if (data.size() > kMaxMessageSize) {
    return makeError("ISAKMP message larger than " + std::to_string(kMaxMessageSize) + " bytes");
  }
  Message m;
  m.header = *header;
  ByteView body = data.subspan(kHeaderSize);
  if (header->isEncrypted()) {
    if (body.empty()) {
      return makeError("encrypted ISAKMP message has no body");
    }
    m.encrypted = toBytes(body);
    return m;
  }
  auto payloads = decodePayloadChain(header->next_payload, body);
  if (!payloads) {
    return payloads.error();
  }
  m.payloads = std::move(*payloads);
  return m;
}

Result<std::vector<Payload>> decodePayloadChain(uint8_t first, ByteView data) {
  ByteView rest;
  auto out = decodeChain(first, data, rest);
  if (out && !rest.empty()) {
    return makeError(std::to_string(rest.size()) + " bytes after the last payload");
  }
  return out;
}

Result<std::vector<Payload>> decodeDecryptedChain(uint8_t first, ByteView plaintext) {
  ByteView rest;
  auto out = decodeChain(first, plaintext, rest);
  if (out && rest.size() > kMaxPadding) {
    return makeError(std::to_string(rest.size()) + " bytes of padding after the last payload");
  }
  return out;
}

Result<ByteView> bytesAfterFirstPayload(ByteView chain) {
  ByteReader r(chain);
  size_t first_end = 0;
  uint8_t next = payload::kNone;
  size_t count = 0;
  do {
    if (++count > kMaxPayloads) {
      return makeError("more than " + std::to_string(kMaxPayloads) + " payloads");
    }
    next = r.u8();
    r.u8();
    size_t length = r.u16();
    if (!r.ok() || length < kGenericPayloadHeaderSize ||
        length - kGenericPayloadHeaderSize > r.remaining()) {
      return makeError("malformed payload chain");
    }
    r.skip(length - kGenericPayloadHeaderSize);
    if (first_end == 0) {
      first_end = r.position();
    }
  } while (next != payload::kNone);
  return chain.subspan(first_end, r.position() - first_end);
}

Bytes encodePayloadChain(const std::vector<Payload>& payloads) {
  ByteWriter out;
  appendChain(payloads, out);
  return out.take();
}

Bytes encodeBody(const PayloadBody& body) {
  ByteWriter out;
  detail::encodeBody(body, out);
  return out.take();
}

Bytes encode(const Message& message) {
  const Header& h = message.header;
  bool encrypted = h.isEncrypted();
  if (encrypted && !message.payloads.empty()) {
    throw std::logic_error("ISAKMP encode: an encrypted message carries ciphertext, not payloads");
  }
  if (!encrypted && !message.encrypted.empty()) {
    throw std::logic_error("ISAKMP encode: ciphertext without the E flag");
  }
  ByteWriter out;
  out.u64(h.cookie_i);
  out.u64(h.cookie_r);
  uint8_t next = h.next_payload;
  if (!encrypted) {
    next = message.payloads.empty() ? payload::kNone : message.payloads.front().type;
  }
  out.u8(next);
  out.u8(h.version);
  out.u8(h.exchange);
  out.u8(h.flags);
  out.u32(h.message_id);
  out.u32(0);  // length, patched below
  if (encrypted) {
    out.bytes(message.encrypted);
  } else {
    appendChain(message.payloads, out);
  }
  if (out.size() > kMaxMessageSize) {
    throw std::length_error("ISAKMP encode: message exceeds 65535 bytes");
  }
  out.patchU32(kLengthFieldOffset, static_cast<uint32_t>(out.size()));
  return out.take();
}

Bytes cookiePair(uint64_t cookie_i, uint64_t cookie_r) {
  ByteWriter out;
  out.u64(cookie_i);
  out.u64(cookie_r);
  return out.take();
}

const Payload* findPayload(const std::vector<Payload>& payloads, uint8_t type) {
  for (const auto& p : payloads) {
    if (p.type == type) {
      return &p;
    }
  }
  return nullptr;
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

std::vector<const Payload*> findAll(const std::vector<Payload>& payloads, uint8_t type) {
  std::vector<const Payload*> out;
  for (const auto& p : payloads) {
    if (p.type == type) {
      out.push_back(&p);
    }
  }
  return out;
}

}  // namespace vpngw::wire::v1
