// vpngw: command-line entry point. Parses arguments and hands over to the cli/ commands; the
// composition of the daemon lives in cli/serve_command.cc.
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <string>

#include "cli/check_config.h"
#include "cli/diagnose_command.h"
#include "cli/exit_codes.h"
#include "cli/resource_commands.h"
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

// --state-dir, --api, --token, --tenant of the API clients.
void addApiOptions(CLI::App& command, cli::ApiOptions& api) {
  command.add_option("--state-dir", api.state_dir, "The daemon's state directory (api.sock)")
      ->capture_default_str();
  command.add_option("--api", api.api_url, "The API over TCP (http://HOST:PORT) instead");
  command.add_option("--token", api.token,
                     "Bearer token (default: $VPNGW_TOKEN, else <state-dir>/operator.token)");
  command.add_option("--tenant", api.tenant, "Act on this tenant (operator token)");
}

struct ResourceCli {
  cli::ResourceCommand cmd;
  std::vector<std::pair<CLI::App*, std::string>> verbs;  // to find the parsed one
};

// vpngw KIND create|list|show|update|delete [...] (and tunnel config|reset).
CLI::App* addResourceCommands(CLI::App& app, const std::string& noun, const std::string& what,
                              cli::ResourceKind kind, cli::ApiOptions& api, ResourceCli& rc) {
  CLI::App* top = app.add_subcommand(noun, "Manage " + what + " through the API");
  top->require_subcommand(1);
  rc.cmd.kind = kind;
  auto fields = [&](CLI::App* c) {
    auto scalar = [&](const std::string& flag, const std::string& field, const std::string& help) {
      c->add_option_function<std::string>(
          flag, [&rc, field](const std::string& v) { rc.cmd.scalars[field] = v; }, help);
    };
    auto list = [&](const std::string& flag, const std::string& field, const std::string& help) {
      c->add_option_function<std::vector<std::string>>(
          flag,
          [&rc, field](const std::vector<std::string>& v) {
            auto& l = rc.cmd.lists[field];
            l.insert(l.end(), v.begin(), v.end());
          },
          help);
    };
    scalar("--name", "name", "Name (unique in the tenant)");
    scalar("--remark", "remark", "Free text");
    switch (kind) {
      case cli::ResourceKind::Vpc:
        list("--subnet", "subnets", "A VPC subnet (repeatable)");
        break;
      case cli::ResourceKind::Gateway:
        scalar("--vpc", "vpc", "The VPC (id or name)");
        list("--vpc-subnet", "vpc_subnets", "Inline VPC subnet instead of --vpc (repeatable)");
        scalar("--public-ip", "public_ip", "Public IPv4 address");
        scalar("--bind-ip", "bind_ip", "Local address when the public IP is a 1:1 NAT");
        scalar("--lan-ip", "lan_ip", "LAN address (source of routed traffic)");
        break;
      case cli::ResourceKind::CustomerGateway:
        scalar("--ip", "ip", "The peer's public IPv4 address (0.0.0.0: any)");
        break;
      case cli::ResourceKind::Tunnel:
        scalar("--gateway", "gateway", "VPN gateway (id or name)");
        scalar("--customer-gateway", "customer_gateway", "Customer gateway (id or name)");
        list("--local-subnet", "local_subnets", "Local subnet (repeatable)");
        list("--remote-subnet", "remote_subnets", "Remote subnet (repeatable)");
        scalar("--psk", "psk", "Pre-shared key (generated when omitted)");
        break;
    }
    c->add_option("--set", rc.cmd.sets, "Any field: KEY=VALUE (dotted keys: ike.dh_group=14)");
    c->add_option("--from-file", rc.cmd.from_file, "Fields from a JSON or YAML file");
  };
  auto verb = [&](const std::string& name, const std::string& help) {
    CLI::App* c = top->add_subcommand(name, help);
    addApiOptions(*c, api);
    c->add_flag("--json", rc.cmd.json, "Print the API's JSON");
    rc.verbs.emplace_back(c, name);
    return c;
  };
  fields(verb("create", "Create " + what));
  verb("list", "List " + what)
      ->add_option("--search", rc.cmd.search, "Fuzzy match on name, id, address");
  CLI::App* list = top->get_subcommand("list");
  list->add_option("--sort", rc.cmd.sort, "Sort by a column (-column: descending)");
  list->add_option("--page", rc.cmd.page, "Page (from 1)");
  list->add_option("--per-page", rc.cmd.per_page, "Items per page");
  list->add_flag("--csv", rc.cmd.csv, "CSV export");
  verb("show", "Show one")->add_option("ref", rc.cmd.refs, "Id or name")->required()->expected(1);
  CLI::App* update = verb("update", "Change fields (subnets and policies reconnect a tunnel)");
  update->add_option("ref", rc.cmd.refs, "Id or name")->required()->expected(1);
  fields(update);
  verb("delete", "Delete one or several (all or none)")
      ->add_option("refs", rc.cmd.refs, "Ids or names")
      ->required();
  if (kind == cli::ResourceKind::Tunnel) {
    CLI::App* config = verb("config", "Download the peer's configuration");
    config->add_option("ref", rc.cmd.refs, "Id or name")->required()->expected(1);
    config
        ->add_option("--format", rc.cmd.format,
                     "strongswan | swanctl | libreswan | cisco-ios | huawei | h3c")
        ->required();
    config->add_option("-o,--output", rc.cmd.output, "Write to this file");
    verb("reset", "Tear down and renegotiate now")
        ->add_option("ref", rc.cmd.refs, "Id or name")
        ->required()
        ->expected(1);
  }
  return top;
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

  cli::ApiOptions api;
  struct Noun {
    const char* name;
    const char* what;
    cli::ResourceKind kind;
  };
  const Noun nouns[] = {
      {"vpc", "VPCs", cli::ResourceKind::Vpc},
      {"gateway", "VPN gateways", cli::ResourceKind::Gateway},
      {"customer-gateway", "customer gateways", cli::ResourceKind::CustomerGateway},
      {"tunnel", "IPsec tunnels", cli::ResourceKind::Tunnel}};
  std::vector<std::unique_ptr<ResourceCli>> resources;
  std::vector<CLI::App*> resource_cmds;
  for (const Noun& n : nouns) {
    resources.push_back(std::make_unique<ResourceCli>());
    resource_cmds.push_back(
        addResourceCommands(app, n.name, n.what, n.kind, api, *resources.back()));
  }
  cli::ApplyCommand apply;
  CLI::App* apply_cmd =
      app.add_subcommand("apply", "Upsert a configuration file into a running daemon (by name)");
  apply_cmd->add_option("-f,--file", apply.file, "Configuration file (YAML)")->required();
  apply_cmd->add_flag("--prune", apply.prune, "Also delete what the file does not name");
  apply_cmd->add_flag("--json", apply.json, "Print the API's JSON");
  addApiOptions(*apply_cmd, api);

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
  for (size_t i = 0; i < resource_cmds.size(); ++i) {
    if (!resource_cmds[i]->parsed()) {
      continue;
    }
    for (auto& [sub, verb] : resources[i]->verbs) {
      if (sub->parsed()) {
        resources[i]->cmd.verb = verb;
      }
    }
    return cli::runResource(api, resources[i]->cmd, std::cout, std::cerr);
  }
  if (apply_cmd->parsed()) {
    return cli::runApply(api, apply, std::cout, std::cerr);
  }
  if (diagnose_cmd->parsed()) {
    return cli::runDiagnose(diagnose, std::cout, std::cerr);
  }
  return cli::runCheckConfig(check_path, check_load, std::cout, std::cerr);
}
