#pragma once
// The Encrypted and Authenticated payload (SK, RFC 7296 §3.14; AES-GCM per RFC 5282): builds
// protected messages and verifies/decrypts received ones. Here wire and crypto meet.
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/random.h"
#include "base/result.h"
#include "crypto/algorithms.h"
#include "crypto/ikev2_keys.h"
#include "ike/proposal.h"
#include "wire/ikev2_message.h"

namespace vpngw::ike {

class SkProtector {
 public:
  // initiator: whether we are the original initiator of the IKE SA (selects SK_ei/SK_ai for
  // sending, SK_er/SK_ar for receiving, and the reverse for the responder).
  static Result<SkProtector> create(const IkeSuite& suite, const crypto::IkeKeys& keys,
                                    bool initiator);

  // A complete datagram: header (next_payload/length are filled in) followed by one SK payload
  // holding `inner` encrypted (random IV, RFC-conformant padding, ICV/tag).
  Result<Bytes> seal(const wire::v2::Header& header, const std::vector<wire::v2::Payload>& inner,
                     Random& random) const;

  // Verifies the ICV (or GCM tag) of a received datagram whose decoded last payload is SK and
  // returns the decrypted inner payloads. `datagram` is the exact received bytes.
  Result<std::vector<wire::v2::Payload>> open(ByteView datagram,
                                              const wire::v2::Message& decoded) const;

  // Overhead of the SK payload around `plain` bytes of inner payloads (for fragmentation).
  size_t overhead(size_t plain) const;

  // RFC 7383: the encoded inner payload chain `chain` split over SKF payloads so that every
  // datagram stays within max_message bytes (header included); one datagram per fragment.
  // inner_first is the type of the first inner payload (carried by fragment 1 only).
  Result<std::vector<Bytes>> sealFragments(const wire::v2::Header& header, uint8_t inner_first,
                                           ByteView chain, size_t max_message,
                                           Random& random) const;

  // One verified and decrypted fragment (its piece of the inner payload chain).
  struct Fragment {
    uint16_t number = 0;
    uint16_t total = 0;
    uint8_t inner_first = 0;  // meaningful in fragment 1
    Bytes chain;
  };
  // Verifies and decrypts a received datagram whose decoded last payload is SKF.
  Result<Fragment> openFragment(ByteView datagram, const wire::v2::Message& decoded) const;

 private:
  SkProtector() = default;
  // Seals `chain` into SK (no fragment) or SKF (fragment = {number, total}).
  Result<Bytes> sealChain(const wire::v2::Header& header, uint8_t inner_first, ByteView chain,
                          std::optional<std::pair<uint16_t, uint16_t>> fragment,
                          Random& random) const;
  // Verifies and decrypts the encrypted data (IV | ciphertext | ICV) that ends the datagram;
  // returns the inner chain bytes without padding.
  Result<Bytes> openTail(ByteView datagram, size_t data_size) const;
  crypto::BlockCipherPtr cbc_;
  crypto::AeadPtr aead_;
  crypto::IntegrityPtr integ_;
  SecureBytes send_encr_, send_integ_, recv_encr_, recv_integ_;
};

// PSK authentication (RFC 7296 §2.15):
//   AUTH = prf(prf(PSK, "Key Pad for IKEv2"), <MessageOctets> | Nonce(peer) | prf(SK_p, ID'))
// where ID' is the ID payload body (type, 3 reserved bytes, data) without its generic header,
// and SK_p is SK_pi for the initiator's AUTH, SK_pr for the responder's.
SecureBytes pskAuth(const crypto::Prf& prf, ByteView psk, ByteView message_octets,
                    ByteView peer_nonce, ByteView sk_p, const wire::v2::IdPayload& id);

// The ID payload body bytes (ID Type | RESERVED(3) | data) that pskAuth hashes.
Bytes idPayloadBody(const wire::v2::IdPayload& id);

}  // namespace vpngw::ike
