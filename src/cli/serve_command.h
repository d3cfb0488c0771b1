#pragma once
// `vpngw serve`: validates the configuration, then runs the daemon in the foreground.
#include <optional>
#include <ostream>
#include <string>

#include "base/log.h"
#include "config/load_options.h"

namespace vpngw::cli {

enum class DataplaneKind {
  Userspace,  // carry the tunnels' traffic (TUN device, raw and UDP sockets; needs root)
  Record,     // negotiate only: CHILD SAs are recorded, no traffic (unprivileged tests)
};

struct ServeOptions {
  std::string config_path;  // optional: upserted into the tenant "default" at every start
  std::string state_dir;    // control.sock, api.sock, operator.token, vpngw.db
  config::LoadOptions load;
  LogLevel log_level = LogLevel::Info;
  DataplaneKind dataplane = DataplaneKind::Userspace;
  std::string tun_name = "vpngw0";
  size_t workers = 0;    // data-plane threads; 0: one per CPU
  bool offload = true;   // TUN offloads, UDP GSO/GRO (off only to measure what they bring)
  std::string listen;    // the API on TCP too ("ADDR:PORT"); empty: unix socket only
  std::string tls_cert;  // PEM: TLS on the TCP listener when both are given
  std::string tls_key;
  std::string route_hook;  // executable told about connected tunnels' prefixes (add/del)
};

// Runs the daemon and its REST API (api.sock in the state directory) on the durable store.
// kExitConfigError (errors on err, nothing started) when the configuration is invalid;
// kExitFailure when the daemon cannot start (e.g. a socket cannot be bound); otherwise runs
// until SIGINT/SIGTERM and returns kExitOk.
int runServe(const ServeOptions& options, std::ostream& err);

// "debug" | "info" | "warn" | "error"
std::optional<LogLevel> parseLogLevel(std::string_view text);

}  // namespace vpngw::cli
