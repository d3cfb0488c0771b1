#pragma once
// Plain message digests (NAT detection hashes, RFC 7296 §2.23).
#include "base/bytes.h"

namespace vpngw::crypto {

Bytes sha1(ByteView data);

}  // namespace vpngw::crypto
