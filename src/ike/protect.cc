#include "ike/protect.h"

#include <algorithm>
#include <string>

#include "base/byte_io.h"

namespace vpngw::ike {

namespace {

constexpr std::string_view kKeyPad = "Key Pad for IKEv2";  // RFC 7296 §2.15, no terminator

Result<Bytes> fail(std::string message) { return makeError(std::move(message)); }

}  // namespace

Result<SkProtector> SkProtector::create(const IkeSuite& suite, const crypto::IkeKeys& keys,
                                        bool initiator) {
  SkProtector p;
  size_t encr_key_size = 0;
  if (crypto::isAead(suite.encr_id)) {
    auto aead = crypto::createAead(suite.encr_id, suite.encr_key_bits);
    if (!aead) {
      return aead.error();
    }
    p.aead_ = std::move(aead.value());
    encr_key_size = p.aead_->keySize();
  } else {
    auto cbc = crypto::createBlockCipher(suite.encr_id, suite.encr_key_bits);
    if (!cbc) {
      return cbc.error();
    }
    auto integ = crypto::createIntegrity(suite.integ_id);
    if (!integ) {
      return integ.error();
    }
    p.cbc_ = std::move(cbc.value());
    p.integ_ = std::move(integ.value());
    encr_key_size = p.cbc_->keySize();
  }
  const size_t integ_key_size = p.integ_ ? p.integ_->keySize() : 0;
  if (keys.sk_ei.size() != encr_key_size || keys.sk_er.size() != encr_key_size ||
      keys.sk_ai.size() != integ_key_size || keys.sk_ar.size() != integ_key_size) {
    return makeError("SK keys do not fit the suite " + suite.name());
  }
  // SK_ei/SK_ai protect what the original initiator sends (RFC 7296 §2.14).
  p.send_encr_ = initiator ? keys.sk_ei : keys.sk_er;
  p.send_integ_ = initiator ? keys.sk_ai : keys.sk_ar;
  p.recv_encr_ = initiator ? keys.sk_er : keys.sk_ei;
  p.recv_integ_ = initiator ? keys.sk_ar : keys.sk_ai;
  return p;
}

size_t SkProtector::overhead(size_t plain) const {
  if (aead_) {
    // No alignment with GCM (RFC 5282 §3): just the Pad Length octet.
    return wire::kGenericPayloadHeaderSize + aead_->ivSize() + 1 + aead_->icvSize();
  }
  const size_t block = cbc_->blockSize();
  const size_t padded = (plain + 1 + block - 1) / block * block;
  return wire::kGenericPayloadHeaderSize + block + (padded - plain) + integ_->icvSize();
}

Result<Bytes> SkProtector::seal(const wire::v2::Header& header,
                                const std::vector<wire::v2::Payload>& inner, Random& random) const {
  uint8_t first = inner.empty() ? wire::payload::kNone : inner.front().type;
  return sealChain(header, first, wire::v2::encodePayloadChain(inner), std::nullopt, random);
}

Result<std::vector<Bytes>> SkProtector::sealFragments(const wire::v2::Header& header,
                                                      uint8_t inner_first, ByteView chain,
                                                      size_t max_message, Random& random) const {
  // Room for chain bytes in one fragment: the message limit less header, SKF header (8) and
  // the worst-case encryption overhead.
  const size_t fixed = wire::kHeaderSize + wire::kGenericPayloadHeaderSize + 4;
  const size_t worst =
      overhead(0) - wire::kGenericPayloadHeaderSize + (cbc_ ? cbc_->blockSize() : 0);
  if (max_message <= fixed + worst + 16) {
    return makeError("fragment size too small");
  }
  const size_t room = max_message - fixed - worst;
  const size_t total = (chain.size() + room - 1) / room;
  if (total == 0 || total > 0xffff) {
    return makeError("cannot fragment a message of " + std::to_string(chain.size()) + " bytes");
  }
  std::vector<Bytes> out;
  for (size_t i = 0; i < total; ++i) {
    ByteView piece = chain.subspan(i * room, std::min(room, chain.size() - i * room));
    auto sealed = sealChain(
        header, i == 0 ? inner_first : wire::payload::kNone, piece,
        std::pair<uint16_t, uint16_t>{static_cast<uint16_t>(i + 1), static_cast<uint16_t>(total)},
        random);
    if (!sealed) {
      return sealed.error();
    }
    out.push_back(std::move(*sealed));
  }
  return out;
}

Result<Bytes> SkProtector::sealChain(const wire::v2::Header& header, uint8_t inner_first,
                                     ByteView chain,
                                     std::optional<std::pair<uint16_t, uint16_t>> fragment,
                                     Random& random) const {
  // Plaintext = inner payloads | Padding | Pad Length (RFC 7296 §3.14). Padding is the
  // minimum that aligns to the block size; zero padding for GCM (RFC 5282 §3).
  Bytes plaintext(chain.begin(), chain.end());
  const size_t block = cbc_ ? cbc_->blockSize() : 1;
  const size_t pad = (block - (plaintext.size() + 1) % block) % block;
  plaintext.insert(plaintext.end(), pad, 0);
  plaintext.push_back(static_cast<uint8_t>(pad));

  const size_t iv_size = cbc_ ? cbc_->blockSize() : aead_->ivSize();
  const size_t icv_size = cbc_ ? integ_->icvSize() : aead_->icvSize();
  Bytes iv(iv_size);
  random.fill(iv);

  // Encode with a placeholder of the final size so the header and SK lengths are right,
  // then fill in ciphertext and ICV.
  Bytes data(iv_size + plaintext.size() + icv_size);
  std::copy(iv.begin(), iv.end(), data.begin());
  const size_t data_size = data.size();
  if (wire::kHeaderSize + wire::kGenericPayloadHeaderSize + data_size > wire::kMaxMessageSize) {
    return fail("SK: message too large (" + std::to_string(data_size) + " bytes of SK data)");
  }

  wire::v2::Message message;
  message.header = header;
  if (fragment) {
    // RFC 7383 §2.5: like SK plus Fragment Number and Total Fragments, which the ICV (and the
    // GCM AAD, everything before the IV) covers.
    message.payloads.push_back(
        wire::v2::Payload{wire::payload::kSkf, false,
                          wire::v2::EncryptedFragmentPayload{inner_first, fragment->first,
                                                             fragment->second, std::move(data)}});
  } else {
    message.payloads.push_back(wire::v2::Payload{
        wire::payload::kSk, false, wire::v2::EncryptedPayload{inner_first, std::move(data)}});
  }
  Bytes out = wire::v2::encode(message);
  if (out.size() < data_size + wire::kHeaderSize + wire::kGenericPayloadHeaderSize) {
    return fail("SK: encoder produced a short message");
  }
  const size_t data_offset = out.size() - data_size;
  const size_t ct_offset = data_offset + iv_size;

  if (aead_) {
    // AAD: IKE header through the SK payload header (RFC 5282 §5.1).
    auto sealed = aead_->seal(send_encr_, iv, ByteView(out).first(data_offset), plaintext);
    if (!sealed) {
      return sealed.error();
    }
    if (sealed->size() != plaintext.size() + icv_size) {
      return fail("SK: unexpected AEAD output size");
    }
    std::copy(sealed->begin(), sealed->end(), out.begin() + static_cast<ptrdiff_t>(ct_offset));
    return out;
  }

  auto ciphertext = cbc_->encrypt(send_encr_, iv, plaintext);
  if (!ciphertext) {
    return ciphertext.error();
  }
  if (ciphertext->size() != plaintext.size()) {
    return fail("SK: unexpected ciphertext size");
  }
  std::copy(ciphertext->begin(), ciphertext->end(),
            out.begin() + static_cast<ptrdiff_t>(ct_offset));
  // The ICV covers the whole message up to the ICV itself (RFC 7296 §3.14).
  const size_t icv_offset = out.size() - icv_size;
  Bytes icv = integ_->compute(send_integ_, ByteView(out).first(icv_offset));
  if (icv.size() != icv_size) {
    return fail("SK: unexpected ICV size");
  }
  std::copy(icv.begin(), icv.end(), out.begin() + static_cast<ptrdiff_t>(icv_offset));
  return out;
}

Result<std::vector<wire::v2::Payload>> SkProtector::open(ByteView datagram,
                                                         const wire::v2::Message& decoded) const {
  const wire::v2::EncryptedPayload* sk = nullptr;
  if (!decoded.payloads.empty() && decoded.payloads.back().type == wire::payload::kSk) {
    sk = std::get_if<wire::v2::EncryptedPayload>(&decoded.payloads.back().body);
  }
  if (!sk) {
    return makeError("malformed: the last payload is not SK");
  }
  const size_t data_size = sk->data.size();
  if (datagram.size() < wire::kHeaderSize + wire::kGenericPayloadHeaderSize + data_size) {
    return makeError("malformed: SK payload larger than the datagram");
  }
  auto chain = openTail(datagram, data_size);
  if (!chain) {
    return chain.error();
  }
  const size_t data_offset = datagram.size() - data_size;
  if (!std::equal(sk->data.begin(), sk->data.end(), datagram.begin() + data_offset)) {
    return makeError("malformed: decoded message does not match the datagram");
  }
  // The SK header's Next Payload (authenticated bytes) names the first inner payload.
  const uint8_t inner_first = datagram[data_offset - wire::kGenericPayloadHeaderSize];
  auto inner = wire::v2::decodePayloadChain(inner_first, *chain);
  if (!inner) {
    return makeError("malformed: inner payloads: " + inner.error().message);
  }
  return std::vector<wire::v2::Payload>(std::move(inner.value()));
}

Result<SkProtector::Fragment> SkProtector::openFragment(ByteView datagram,
                                                        const wire::v2::Message& decoded) const {
  const wire::v2::EncryptedFragmentPayload* skf = nullptr;
  if (!decoded.payloads.empty() && decoded.payloads.back().type == wire::payload::kSkf) {
    skf = std::get_if<wire::v2::EncryptedFragmentPayload>(&decoded.payloads.back().body);
  }
  if (!skf) {
    return makeError("malformed: the last payload is not SKF");
  }
  const size_t data_size = skf->data.size();
  if (datagram.size() < wire::kHeaderSize + wire::kGenericPayloadHeaderSize + 4 + data_size) {
    return makeError("malformed: SKF payload larger than the datagram");
  }
  auto chain = openTail(datagram, data_size);
  if (!chain) {
    return chain.error();
  }
  const size_t data_offset = datagram.size() - data_size;
  // Authenticated from here: read the fragment fields from the datagram itself.
  const uint8_t* fields = datagram.data() + data_offset - 4;
  Fragment f;
  f.number = loadU16(fields);
  f.total = loadU16(fields + 2);
  f.inner_first = datagram[data_offset - 4 - wire::kGenericPayloadHeaderSize];
  f.chain = std::move(*chain);
  if (f.number == 0 || f.number > f.total) {
    return makeError("malformed: fragment " + std::to_string(f.number) + " of " +
                     std::to_string(f.total));
  }
  return f;
}

Result<Bytes> SkProtector::openTail(ByteView datagram, size_t data_size) const {
  const size_t data_offset = datagram.size() - data_size;
  const size_t iv_size = cbc_ ? cbc_->blockSize() : aead_->ivSize();
  const size_t icv_size = cbc_ ? integ_->icvSize() : aead_->icvSize();
  const size_t block = cbc_ ? cbc_->blockSize() : 1;
  // At least one block (CBC) or the Pad Length octet (GCM) between IV and ICV.
  if (data_size < iv_size + block + icv_size) {
    return makeError("malformed: encrypted payload too short (" + std::to_string(data_size) + ")");
  }
  const size_t ct_size = data_size - iv_size - icv_size;
  if (ct_size % block != 0) {
    return makeError("malformed: ciphertext is not a whole number of blocks");
  }
  const ByteView iv = datagram.subspan(data_offset, iv_size);
  const ByteView ciphertext = datagram.subspan(data_offset + iv_size, ct_size);
  Result<Bytes> plaintext = [&]() -> Result<Bytes> {
    if (aead_) {
      // AAD: IKE header through the SK/SKF payload header (RFC 5282 §5.1, RFC 7383 §2.5).
      auto opened = aead_->open(recv_encr_, iv, datagram.first(data_offset),
                                datagram.subspan(data_offset + iv_size));
      if (!opened) {
        return makeError("integrity: AES-GCM tag mismatch");
      }
      return opened;
    }
    // Check the ICV before decrypting anything (RFC 7296 §3.14).
    const size_t icv_offset = datagram.size() - icv_size;
    if (!integ_->verify(recv_integ_, datagram.first(icv_offset), datagram.subspan(icv_offset))) {
      return makeError("integrity: ICV mismatch");
    }
    auto decrypted = cbc_->decrypt(recv_encr_, iv, ciphertext);
    if (!decrypted) {
      return makeError("malformed: decryption failed: " + decrypted.error().message);
    }
    return decrypted;
  }();
  if (!plaintext) {
    return plaintext.error();
  }
  // From here on the bytes are authenticated.
  if (plaintext->size() != ct_size) {
    return makeError("malformed: unexpected plaintext size");
  }
  const size_t pad = plaintext->back();
  if (pad > plaintext->size() - 1) {
    return makeError("malformed: pad length " + std::to_string(pad) + " exceeds the plaintext");
  }
  plaintext->resize(plaintext->size() - 1 - pad);
  return std::move(*plaintext);
}

SecureBytes pskAuth(const crypto::Prf& prf, ByteView psk, ByteView message_octets,
                    ByteView peer_nonce, ByteView sk_p, const wire::v2::IdPayload& id) {
  const SecureBytes key = prf.compute(psk, view(kKeyPad));
  const SecureBytes id_mac = prf.compute(sk_p, idPayloadBody(id));
  const Bytes signed_octets = concat(message_octets, peer_nonce, id_mac);
  return prf.compute(key, signed_octets);
}

Bytes idPayloadBody(const wire::v2::IdPayload& id) {
  ByteWriter w;
  w.u8(id.id_type);
  w.zeros(3);  // RESERVED
  w.bytes(id.data);
  return w.take();
}

}  // namespace vpngw::ike
