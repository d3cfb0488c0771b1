#pragma once
// Realistic IKEv2 messages and payload chains for the wire tests and the fuzz seed corpus.
// Everything is deterministic (no randomness), so the seed files can be checked for drift.
#include <string>
#include <vector>

#include "base/bytes.h"
#include "wire/ikev2_message.h"

namespace vpngw::wire::v2::samples {

// n bytes counting up from `start` (recognisable in hex dumps).
Bytes pattern(size_t n, uint8_t start);
// Parses hex that may contain spaces and newlines (for annotated byte arrays); throws on bad
// input since it only ever sees literals in tests.
Bytes hex(std::string_view text);

Message ikeSaInitRequest();   // SA (2 proposals), KE, Ni, N(NAT_D) x2, N(FRAG_SUPPORTED)
Message ikeSaInitResponse();  // SA (1 proposal), KE, Nr, N(NAT_D) x2, V
Message cookieResponse();     // N(COOKIE)
Message invalidKeResponse();  // N(INVALID_KE_PAYLOAD) with the wanted group
Message ikeAuthRequest();     // SK
Message ikeAuthFragment(uint16_t number, uint16_t total);  // SKF
Message createChildSaRequest();                            // SK
Message informationalRequest();                            // SK

// Decrypted SK contents.
std::vector<Payload> ikeAuthInner();        // IDi, AUTH, SA(ESP), TSi, TSr, N(INITIAL_CONTACT)
std::vector<Payload> createChildSaInner();  // N(REKEY_SA), SA(ESP), Ni, KE, TSi, TSr
std::vector<Payload> deleteInner();         // D(ESP, 2 SPIs), D(IKE)

// IDr(FQDN), TSr(IPv6), CERTREQ, CP, an unknown critical payload, D(ESP): shapes the
// exchange samples above do not cover.
std::vector<Payload> otherPayloads();
// One payload of every type the codec knows (and some it keeps raw), no SK/SKF.
std::vector<Payload> everyPayloadType();

struct Seed {
  std::string name;  // file name in test/fuzz/corpus/ikev2_message/
  Bytes bytes;
};
// The fuzz seeds: whole messages, and chains prefixed with their first payload type (the
// fuzz target also feeds data[1..] to decodePayloadChain with data[0] as the first type).
std::vector<Seed> seedCorpus();

}  // namespace vpngw::wire::v2::samples
