#include "api/operator_token.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "store/secrets.h"

namespace vpngw::api {

namespace {

Result<std::string> readToken(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return makeError("cannot read " + path.string() + ": " + std::strerror(errno));
  }
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  if (text.empty()) {
    return makeError(path.string() + " is empty: remove it to have a new token generated");
  }
  return text;
}

}  // namespace

std::filesystem::path apiSocketPath(const std::filesystem::path& state_dir) {
  return state_dir / "api.sock";
}

std::filesystem::path operatorTokenPath(const std::filesystem::path& state_dir) {
  return state_dir / "operator.token";
}

Result<std::string> loadOrCreateOperatorToken(const std::filesystem::path& state_dir) {
  const auto path = operatorTokenPath(state_dir);
  // O_EXCL: two starts racing cannot both write a token.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return readToken(path);
    }
    return makeError("cannot create " + path.string() + ": " + std::strerror(errno));
  }
  const std::string token = store::newToken();
  const std::string line = token + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
            ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return makeError("cannot write " + path.string() + ": " + std::strerror(saved));
  }
  return token;
}

}  // namespace vpngw::api
