// vpngw: command-line entry point. Parses arguments and hands over to the cli/ commands; the
// composition of the daemon lives in cli/serve_command.cc.
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <string>

#include "cli/check_config.h"
#include "cli/diagnose_command.h"
#include "cli/exit_codes.h"
#include "cli/serve_command.h"
#include "cli/status_command.h"
#include "cli/version.h"

namespace {

using namespace vpngw;

void addLoadOptions(CLI::App& command, config::LoadOptions& load) {
  command
      .add_option_function<uint32_t>(
          "--min-lifetime",
          [&load](uint32_t seconds) { load.min_lifetime = std::chrono::seconds(seconds); },
          "Lowest accepted IKE/IPsec lifetime in seconds (default 3600; for tests)")
      ->check(CLI::Range(1u, 86400u));
  // Spec §1/§2 limits are operator-configurable.
  command
      .add_option_function<size_t>(
          "--max-tunnels-per-gateway", [&load](size_t n) { load.max_tunnels_per_gateway = n; },
          "Tunnels allowed per VPN gateway and per customer gateway (default 20)")
      ->check(CLI::Range(size_t{1}, size_t{100000}));
  command
      .add_option_function<size_t>(
          "--max-subnets-per-side", [&load](size_t n) { load.max_subnets_per_side = n; },
          "Local (and remote) subnets allowed per tunnel (default 20)")
      ->check(CLI::Range(size_t{1}, size_t{1000}));
}

}  // namespace

int main(int argc, char** argv) {
  // A control client that disconnects early must not kill the daemon (writes use
  // MSG_NOSIGNAL as well; this covers every other descriptor).
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app{"vpngw: site-to-site IPsec VPN gateway"};
  app.set_version_flag("--version", "vpngw " + std::string(cli::kVersion));
  app.require_subcommand(1);

  cli::ServeOptions serve;
  std::string log_level = "info";
  CLI::App* serve_cmd =
      app.add_subcommand("serve", "Run the daemon: tunnels, data plane and the REST API");
  serve_cmd->add_option("--config", serve.config_path,
                        "Configuration file (YAML), applied to the tenant default at start");
  serve_cmd
      ->add_option("--state-dir", serve.state_dir,
                   "State directory (store, API and control sockets, operator token)")
      ->required();
  serve_cmd->add_option("--listen", serve.listen, "Serve the API on TCP too (ADDR:PORT)");
  serve_cmd->add_option("--tls-cert", serve.tls_cert, "PEM certificate: TLS on --listen");
  serve_cmd->add_option("--tls-key", serve.tls_key, "PEM private key: TLS on --listen");
  serve_cmd->add_option("--route-hook", serve.route_hook,
                        "Executable run as HOOK add|del TUNNEL PREFIX... as tunnels connect "
                        "and disconnect");
  addLoadOptions(*serve_cmd, serve.load);
  serve_cmd->add_option("--log-level", log_level, "debug | info | warn | error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  std::string dataplane = "userspace";
  serve_cmd
      ->add_option("--dataplane", dataplane,
                   "userspace: carry the tunnels' traffic (needs root); record: negotiate only")
      ->check(CLI::IsMember({"userspace", "record"}));
  serve_cmd->add_option("--tun-name", serve.tun_name, "The data plane's TUN device (vpngw0)");
  serve_cmd->add_option("--workers", serve.workers, "Data-plane threads (default: one per CPU)")
      ->check(CLI::Range(0, 64));
  bool no_offload = false;
  serve_cmd->add_flag("--no-offload", no_offload,
                      "Without TUN offloads and UDP GSO/GRO (to measure what they bring)");

  cli::StatusOptions status;
  CLI::App* status_cmd = app.add_subcommand("status", "Show the tunnels of a running daemon");
  status_cmd->add_option("--state-dir", status.state_dir, "The daemon's state directory")
      ->required();
  status_cmd->add_flag("--json", status.json, "Print the status document as JSON");

  cli::DiagnoseOptions diagnose;
  CLI::App* diagnose_cmd =
      app.add_subcommand("diagnose", "Explain what is wrong with a tunnel and how to fix it");
  diagnose_cmd->add_option("tunnel", diagnose.tunnel, "The tunnel's name")->required();
  diagnose_cmd->add_option("--state-dir", diagnose.state_dir, "The daemon's state directory")
      ->required();
  diagnose_cmd->add_flag("--json", diagnose.json, "Print the diagnosis as JSON");

  std::string check_path;
  config::LoadOptions check_load;
  CLI::App* check_cmd = app.add_subcommand("check-config", "Validate a configuration file");
  check_cmd->add_option("--config", check_path, "Configuration file (YAML)")->required();
  addLoadOptions(*check_cmd, check_load);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? cli::kExitOk : cli::kExitUsage;
  }

  if (serve_cmd->parsed()) {
    serve.log_level = cli::parseLogLevel(log_level).value_or(LogLevel::Info);
    serve.dataplane =
        dataplane == "record" ? cli::DataplaneKind::Record : cli::DataplaneKind::Userspace;
    serve.offload = !no_offload;
    return cli::runServe(serve, std::cerr);
  }
  if (status_cmd->parsed()) {
    return cli::runStatus(status, std::cout, std::cerr);
  }
  if (diagnose_cmd->parsed()) {
    return cli::runDiagnose(diagnose, std::cout, std::cerr);
  }
  return cli::runCheckConfig(check_path, check_load, std::cout, std::cerr);
}
