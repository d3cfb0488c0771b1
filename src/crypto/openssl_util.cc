#include "crypto/openssl_util.h"

#include <openssl/err.h>

#include <stdexcept>

namespace vpngw::crypto::ossl {

namespace {
std::string describe(std::string_view what) {
  std::string message(what);
  unsigned long code = ERR_get_error();
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    message += ": ";
    message += buf;
  }
  ERR_clear_error();
  return message;
}
}  // namespace

Error error(std::string_view what) { return makeError(describe(what)); }

void clearErrors() { ERR_clear_error(); }

void fail(std::string_view what) { throw std::runtime_error(describe(what)); }

}  // namespace vpngw::crypto::ossl
