#include "esp/esp_suite.h"

#include <algorithm>
#include <string>

namespace vpngw::esp::detail {

Result<EspSuite> resolveEspSuite(const SaParams& sa) {
  auto encr = encrSpec(sa.encr_id, sa.encr_key_bits);
  if (!encr) {
    return makeError("unsupported ESP encryption transform " + std::to_string(sa.encr_id) + "/" +
                     std::to_string(sa.encr_key_bits));
  }
  EspSuite suite{*encr, std::nullopt, {}, {}};
  if (sa.encr_key.size() != encr->key_size + encr->salt_size) {
    return makeError("ESP encryption key has the wrong length");
  }
  suite.cipher_key = sa.encr_key.first(encr->key_size);
  std::copy_n(sa.encr_key.begin() + static_cast<std::ptrdiff_t>(encr->key_size), encr->salt_size,
              suite.salt.begin());

  if (encr->mode == CipherMode::Gcm) {
    if (sa.integ_id != integ::kNone) {
      return makeError("AES-GCM is combined mode: no integrity transform allowed");
    }
    return suite;
  }
  if (sa.integ_id == integ::kNone) {
    return suite;  // confidentiality only (RFC 4303 §3.2); the control plane decides
  }
  suite.integ = integSpec(sa.integ_id);
  if (!suite.integ) {
    return makeError("unsupported integrity transform " + std::to_string(sa.integ_id));
  }
  if (sa.integ_key.size() != suite.integ->key_size) {
    return makeError("integrity key has the wrong length");
  }
  return suite;
}

}  // namespace vpngw::esp::detail
