#pragma once
// Resolves an SA's transform IDs and keys into the pieces the ESP transforms need, with the
// checks both directions share. Private to src/esp.
#include <array>
#include <optional>

#include "base/result.h"
#include "esp/algorithms.h"
#include "esp/sa_params.h"

namespace vpngw::esp::detail {

struct EspSuite {
  EncrSpec encr;
  std::optional<IntegSpec> integ;  // nullopt for AES-GCM and for encryption-only CBC
  ByteView cipher_key;             // without the salt
  std::array<uint8_t, 4> salt{};   // AES-GCM only
};

Result<EspSuite> resolveEspSuite(const SaParams& sa);

}  // namespace vpngw::esp::detail
