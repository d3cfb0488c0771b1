#pragma once
// The vpngw daemon: the sans-IO IKE engine wired to UDP sockets, a data-plane backend, the
// control socket and signals, all driven by one epoll loop in the calling thread.
#include <memory>
#include <string>
#include <vector>

#include "base/log.h"
#include "base/random.h"
#include "base/result.h"
#include "dataplane/backend.h"
#include "engine/datagram_router.h"
#include "engine/ike_sockets.h"
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

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vpngw::engine
