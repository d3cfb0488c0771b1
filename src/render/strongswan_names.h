#pragma once
// Algorithm keywords of strongSwan (ipsec.conf and swanctl.conf share them) and libreswan.
#include <cstdint>
#include <optional>
#include <string>

#include "ike/config.h"

namespace vpngw::render {

std::string swanEncryption(ike::Encryption e);           // aes128, 3des, aes128gcm16, ...
std::string swanHash(ike::Hash h);                       // md5, sha1, sha256, ...
std::optional<std::string> swanDhGroup(uint16_t group);  // modp1024, ecp256, curve25519, ...
// IKE proposal "aes128-sha1-modp1024" (AEAD: "aes128gcm16-prfsha1-modp1024").
std::optional<std::string> swanIkeProposal(const ike::IkePolicy& p);
// ESP/AH proposal "aes128-sha1[-modp1024]" with the PFS group when set.
std::optional<std::string> swanChildProposal(const ike::IpsecPolicy& p);
// An identity as strongSwan and libreswan write it: "@" keeps an FQDN as written (no DNS
// lookup).
std::string swanIdText(const ike::Identity& id);

}  // namespace vpngw::render
