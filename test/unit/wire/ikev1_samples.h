#pragma once
// Realistic ISAKMP/IKEv1 messages and decrypted payload chains for the wire tests and the fuzz
// seed corpus (test/fuzz/corpus/ikev1_message/). Deterministic, so seed files can be checked.
#include <string>
#include <vector>

#include "base/bytes.h"
#include "wire/ikev1/message.h"

namespace vpngw::wire::v1::samples {

// n bytes counting up from `start`.
Bytes pattern(size_t n, uint8_t start);
// Hex with optional spaces/newlines; throws on bad input (test literals only).
Bytes hex(std::string_view text);

// Main mode (RFC 2409 §5.1, PSK).
Message mainMode1();  // SA (2 transforms, one with a variable life duration), 4 VIDs
Message mainMode2();  // SA (1 transform), VIDs
Message mainMode3();  // KE, Nonce, NAT-D x2
Message mainMode5();  // E flag: header + ciphertext
std::vector<Payload> mainMode5Inner();  // ID (IPV4_ADDR), HASH, N(INITIAL-CONTACT)

// Aggressive mode (§5.4) with an FQDN identity and draft NAT-T payloads.
Message aggressive1();  // SA, KE, Nonce, ID(FQDN), VIDs
Message aggressive2();  // SA, KE, Nonce, ID(USER_FQDN), NAT-D(130) x2, HASH, VID

// Quick mode (§5.5) decrypted chains, with PFS.
std::vector<Payload> quick1Inner();  // HASH, SA(ESP, 2 transforms), Nonce, KE, IDci, IDcr
std::vector<Payload> quick2Inner();  // HASH, SA(1), Nonce, KE, IDci(range), IDcr, N(RESP-LIFE)
std::vector<Payload> quick3Inner();  // HASH
Message quick1();                    // E flag, Message ID non-zero

// Informational (§5.7, RFC 3706) decrypted chains.
std::vector<Payload> deleteEspInner();     // HASH, D(ESP, 2 SPIs)
std::vector<Payload> deleteIsakmpInner();  // HASH, D(ISAKMP, cookie pair)
std::vector<Payload> dpdInner();           // HASH, N(R-U-THERE)
Message notifyError();                     // plaintext N(NO-PROPOSAL-CHOSEN)

// One payload of every type the codec knows, and some it keeps raw.
std::vector<Payload> everyPayloadType();

struct Seed {
  std::string name;  // file name in test/fuzz/corpus/ikev1_message/
  Bytes bytes;
};
// Whole messages, and decrypted chains prefixed with their first payload type (the fuzz target
// also feeds data[1..] to decodeDecryptedChain with data[0] as the first type).
std::vector<Seed> seedCorpus();

}  // namespace vpngw::wire::v1::samples
