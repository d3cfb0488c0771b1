#include "engine/control_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/errno_text.h"
#include "engine/control_protocol.h"

namespace vpngw::engine {

namespace {

Result<sockaddr_un> unixAddress(const std::string& path) {
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof sa.sun_path) {
    return makeError("control socket path too long (max " + std::to_string(sizeof sa.sun_path - 1) +
                     " bytes): " + path);
  }
  std::memcpy(sa.sun_path, path.data(), path.size());
  return sa;
}

// A socket file left by a daemon that died is removed; one a live daemon answers on is not.
Status removeStaleSocket(const std::string& path, const sockaddr_un& sa) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    return errno == ENOENT ? Status{} : Status{makeError("stat " + path + ": " + errnoText(errno))};
  }
  if (!S_ISSOCK(st.st_mode)) {
    return makeError(path + " exists and is not a socket");
  }
  UniqueFd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (probe && ::connect(probe.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa) == 0) {
    return makeError("another daemon is serving on " + path);
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return makeError("cannot remove stale " + path + ": " + errnoText(errno));
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<ControlServer>> ControlServer::start(EventLoop& loop,
                                                            ControlServerOptions options,
                                                            Handler handler,
                                                            RuntimeCounters& counters) {
  Result<sockaddr_un> sa = unixAddress(options.path);
  if (!sa) {
    return sa.error();
  }
  if (Status s = removeStaleSocket(options.path, *sa); !s) {
    return s.error();
  }
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) {
    return makeError("socket: " + errnoText(errno));
  }
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&*sa), sizeof *sa) != 0) {
    return makeError("cannot bind " + options.path + ": " + errnoText(errno));
  }
  // Status includes tunnel and address details: owner only. The state directory is 0700 as
  // well, so there is no window in which another user can reach the socket.
  if (::chmod(options.path.c_str(), 0600) != 0 || ::listen(fd.get(), 16) != 0) {
    int err = errno;
    ::unlink(options.path.c_str());
    return makeError("cannot listen on " + options.path + ": " + errnoText(err));
  }
  return std::make_unique<ControlServer>(Key{}, loop, std::move(options), std::move(handler),
                                         counters, std::move(fd));
}

ControlServer::ControlServer(Key, EventLoop& loop, ControlServerOptions options, Handler handler,
                             RuntimeCounters& counters, UniqueFd listener)
    : loop_(loop),
      options_(std::move(options)),
      handler_(std::move(handler)),
      counters_(counters),
      listener_(std::move(listener)) {
  loop_.add(listener_.get(), EPOLLIN, [this](uint32_t) { onAccept(); });
}

ControlServer::~ControlServer() {
  for (auto& [fd, c] : connections_) {
    loop_.remove(fd);
  }
  connections_.clear();
  loop_.remove(listener_.get());
  listener_.reset();
  ::unlink(options_.path.c_str());
}

void ControlServer::onAccept() {
  // Accept everything queued; level-triggered epoll would call again anyway, but draining
  // keeps the backlog short under a burst of status polls.
  while (true) {
    UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd) {
      return;  // EAGAIN, or a transient error (EMFILE, ECONNABORTED): try on the next event
    }
    if (connections_.size() >= options_.max_connections) {
      ++counters_.control_rejected;
      std::string busy = controlErrorResponse("too many control connections") + "\n";
      (void)::send(fd.get(), busy.data(), busy.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      continue;  // closed by UniqueFd
    }
    int raw = fd.get();
    connections_[raw] = Connection{std::move(fd), monotonicNow(), {}, {}, 0, false};
    loop_.add(raw, EPOLLIN, [this, raw](uint32_t events) { onConnection(raw, events); });
  }
}

void ControlServer::onConnection(int fd, uint32_t events) {
  auto it = connections_.find(fd);
  if (it == connections_.end()) {
    return;
  }
  Connection& c = it->second;
  if (!c.responding) {
    readRequest(c);
  }
  if (c.responding) {
    if (flush(c)) {
      close(fd);
    }
    return;
  }
  if ((events & (EPOLLERR | EPOLLHUP)) != 0) {
    close(fd);
  }
}

void ControlServer::readRequest(Connection& c) {
  char buf[4096];
  while (true) {
    ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return;
      }
      respond(c, "");  // broken connection: nothing to answer
      return;
    }
    if (n == 0) {
      // The client shut down its side without a newline: what came is the request.
      if (c.in.empty()) {
        respond(c, "");
        return;
      }
      ++counters_.control_requests;
      respond(c, handler_(c.in));
      return;
    }
    c.in.append(buf, static_cast<size_t>(n));
    size_t newline = c.in.find('\n');
    if (newline != std::string::npos && newline <= options_.max_request_bytes) {
      ++counters_.control_requests;
      respond(c, handler_(std::string_view(c.in).substr(0, newline)));
      return;
    }
    if (c.in.size() > options_.max_request_bytes) {
      ++counters_.control_rejected;
      respond(c, controlErrorResponse("request too large"));
      return;
    }
  }
}

void ControlServer::respond(Connection& c, std::string response) {
  c.responding = true;
  c.in.clear();
  c.out = response.empty() ? std::string() : std::move(response) + "\n";
  c.written = 0;
}

bool ControlServer::flush(Connection& c) {
  while (c.written < c.out.size()) {
    ssize_t n = ::send(c.fd.get(), c.out.data() + c.written, c.out.size() - c.written,
                       MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        // A large status document: continue when the client has read some of it.
        loop_.modify(c.fd.get(), EPOLLOUT);
        return false;
      }
      return true;  // the client went away
    }
    c.written += static_cast<size_t>(n);
  }
  return true;
}

void ControlServer::close(int fd) {
  loop_.remove(fd);
  connections_.erase(fd);
}

void ControlServer::closeIdle(TimePoint now) {
  for (auto it = connections_.begin(); it != connections_.end();) {
    if (now - it->second.opened >= options_.idle_timeout) {
      loop_.remove(it->first);
      it = connections_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace vpngw::engine
