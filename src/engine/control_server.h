#pragma once
// The daemon's control socket: a unix stream socket served from the event loop without
// blocking. Each connection sends one request line, gets one response line, and is closed.
// Requests are size-limited, connections are capped in number and closed when idle, so a
// misbehaving local client cannot stall the loop or exhaust descriptors.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/time.h"
#include "base/unique_fd.h"
#include "engine/event_loop.h"
#include "engine/runtime_counters.h"

namespace vpngw::engine {

struct ControlServerOptions {
  std::string path;                      // the socket file (created with mode 0600)
  size_t max_request_bytes = 64 * 1024;  // a longer request is refused
  size_t max_connections = 16;           // further clients are refused and closed
  Duration idle_timeout = 5000ms;        // a connection this old is closed by closeIdle()
};

class ControlServer {
 public:
  // Gets the request line (without the newline) and returns the response (without newline).
  using Handler = std::function<std::string(std::string_view request)>;

  // Removes a stale socket file, binds and listens, and registers with the loop. Refuses
  // when another process still answers on the path or the path is not a socket.
  static Result<std::unique_ptr<ControlServer>> start(EventLoop& loop, ControlServerOptions options,
                                                      Handler handler, RuntimeCounters& counters);
  // Closes every connection, unregisters from the loop and removes the socket file.
  ~ControlServer();

  // Use start(); the key keeps construction private while allowing std::make_unique.
  class Key {
    friend class ControlServer;
    Key() = default;
  };
  ControlServer(Key, EventLoop& loop, ControlServerOptions options, Handler handler,
                RuntimeCounters& counters, UniqueFd listener);
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Closes connections that have been open longer than the idle timeout.
  void closeIdle(TimePoint now);
  size_t connections() const { return connections_.size(); }
  const std::string& path() const { return options_.path; }

 private:
  struct Connection {
    UniqueFd fd;
    TimePoint opened;
    std::string in;
    std::string out;
    size_t written = 0;
    bool responding = false;
  };

  void onAccept();
  void onConnection(int fd, uint32_t events);
  void readRequest(Connection& c);
  void respond(Connection& c, std::string response);
  // Writes what the socket takes; true when the connection is finished (sent or failed).
  bool flush(Connection& c);
  void close(int fd);

  EventLoop& loop_;
  ControlServerOptions options_;
  Handler handler_;
  RuntimeCounters& counters_;
  UniqueFd listener_;
  std::map<int, Connection> connections_;
};

}  // namespace vpngw::engine
