#pragma once
// The vpngw daemon: the sans-IO IKE engine wired to UDP sockets, a data-plane backend, the
// control socket and signals, all driven by one epoll loop in the calling thread.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/log.h"
#include "base/random.h"
#include "base/result.h"
#include "dataplane/backend.h"
#include "engine/datagram_router.h"
#include "engine/ike_sockets.h"
#include "engine/json.h"
#include "ike/config.h"
#include "ike/engine.h"

namespace vpngw::engine {

struct DaemonOptions {
  std::string state_dir;  // created if missing (0700); holds control.sock
  ike::EngineOptions engine;
  IkePorts ports;
  // Catch SIGINT/SIGTERM through a signalfd (blocks them in the calling thread). Off in tests
  // that run a daemon in a thread and end it with stop().
  bool handle_signals = true;
  // A tunnel's connection status changed: its status object as in `vpngw status --json`
  // (with "id", the engine name, and "name", the display name). Called on the loop thread.
  std::function<void(const Json& tunnel)> on_status;
  // Executable told about the remote prefixes of connected tunnels (engine/route_hook.h);
  // empty: none.
  std::string route_hook;
};

class Daemon {
 public:
  // backend receives CHILD SAs; esp receives ESP-in-UDP datagrams (nullptr: count and drop
  // them until the userspace ESP data plane exists). All references must outlive the daemon.
  Daemon(ike::Config config, DaemonOptions options, Random& random, Logger& logger,
         dataplane::Backend& backend, EspSink* esp = nullptr);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Binds the IKE sockets, creates the state directory and the control socket, and loads the
  // configuration into the engine (initiators start negotiating). An Error (nothing left
  // bound; the state directory untouched when a UDP socket failed) when something cannot be
  // bound.
  Status start();

  // Serves until SIGINT/SIGTERM or stop(), then sends Deletes for every IKE SA, removes the
  // CHILD SAs and control.sock. Returns the process exit status (0).
  int run();

  // Asks run() to return; callable from any thread or a signal handler.
  void stop();

  // After start(): "N tunnels on 198.18.1.1:500, 198.18.1.1:4500 (control DIR/control.sock)".
  std::string describe() const;
  // After start(): the bound IKE endpoints, per address port 500 then port 4500.
  std::vector<Endpoint> localEndpoints() const;

  // Run-time changes (the API). They run on the loop thread: a call from another thread waits
  // for the loop to carry it out; a call from the loop's own thread (the creating thread
  // before run(), then the one running run()) runs at once. After run() has returned they do
  // nothing.
  //
  // Replaces the configuration: unchanged tunnels keep their SAs, changed ones reconnect
  // (ike::Engine::load), IKE sockets are bound for new gateway addresses. display_names maps
  // engine tunnel names (API resource ids) to the names status shows; missing ones show as is.
  void reload(ike::Config config, std::map<std::string, std::string> display_names = {});
  // Tears the tunnel down and negotiates afresh.
  void reset(const std::string& tunnel);
  // The whole status document (`vpngw status --json`).
  Json statusDocument();
  // One tunnel's status object by engine name, or null. Thread-safe and never waits for the
  // loop: from a snapshot refreshed on every status change and at least once a second.
  Json tunnelStatus(const std::string& tunnel) const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vpngw::engine
