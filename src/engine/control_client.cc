#include "engine/control_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

#include "base/errno_text.h"
#include "base/unique_fd.h"

namespace vpngw::engine {

namespace {

// A status document is small; this only bounds memory if something else listens there.
constexpr size_t kMaxResponse = 64u << 20;

// Waits until fd is ready for events or the deadline passes.
bool waitFor(int fd, short events, TimePoint deadline) {
  while (true) {
    Duration left = deadline - monotonicNow();
    if (left.count() <= 0) {
      return false;
    }
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n > 0) {
      return true;
    }
    if (n < 0 && errno != EINTR) {
      return false;
    }
  }
}

}  // namespace

Result<std::string> sendControlRequest(const std::string& path, std::string_view request,
                                       Duration timeout) {
  TimePoint deadline = monotonicNow() + timeout;
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof sa.sun_path) {
    return makeError("socket path too long: " + path);
  }
  std::memcpy(sa.sun_path, path.data(), path.size());

  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) {
    return makeError("socket: " + errnoText(errno));
  }
  // A unix connect completes at once or fails (EAGAIN: backlog full, treated as no answer).
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
    return makeError("connect " + path + ": " + errnoText(errno));
  }

  std::string out(request);
  out += '\n';
  size_t written = 0;
  while (written < out.size()) {
    ssize_t n = ::send(fd.get(), out.data() + written, out.size() - written, MSG_NOSIGNAL);
    if (n >= 0) {
      written += static_cast<size_t>(n);
      continue;
    }
    int err = errno;
    if (err == EINTR) {
      continue;
    }
    if (err != EAGAIN) {
      return makeError("send: " + errnoText(err));
    }
    if (!waitFor(fd.get(), POLLOUT, deadline)) {
      return makeError("timed out");
    }
  }
  ::shutdown(fd.get(), SHUT_WR);

  std::string response;
  char buf[16384];
  while (true) {
    ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n > 0) {
      response.append(buf, static_cast<size_t>(n));
      if (response.size() > kMaxResponse) {
        return makeError("response too large");
      }
      continue;
    }
    if (n == 0) {
      break;
    }
    int err = errno;
    if (err == EINTR) {
      continue;
    }
    if (err != EAGAIN) {
      return makeError("recv: " + errnoText(err));
    }
    if (!waitFor(fd.get(), POLLIN, deadline)) {
      return makeError("timed out");
    }
  }
  if (response.empty()) {
    return makeError("connection closed without a response");
  }
  if (response.back() == '\n') {
    response.pop_back();
  }
  return response;
}

}  // namespace vpngw::engine
