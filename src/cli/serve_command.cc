#include "cli/serve_command.h"

#include <malloc.h>

#include <algorithm>
#include <cctype>
#include <exception>

#include "api/event_bus.h"
#include "api/http_server.h"
#include "api/operator_token.h"
#include "api/service.h"
#include "cli/check_config.h"
#include "cli/daemon_service_hooks.h"
#include "cli/exit_codes.h"
#include "crypto/algorithms.h"
#include "dataplane/backend.h"
#include "dataplane/userspace/userspace_backend.h"
#include "engine/daemon.h"
#include "engine/state_dir.h"
#include "render/peer_config_renderers.h"
#include "store/store.h"

namespace vpngw::cli {

std::optional<LogLevel> parseLogLevel(std::string_view text) {
  for (LogLevel l : {LogLevel::Debug, LogLevel::Info, LogLevel::Warn, LogLevel::Error}) {
    std::string_view name = toString(l);
    if (text.size() == name.size() &&
        std::equal(text.begin(), text.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return l;
    }
  }
  return std::nullopt;
}

int runServe(const ServeOptions& options, std::ostream& err) {
  // The API serves from up to 64 threads; glibc would give each its own malloc arena, which
  // keeps what it freed (219 MB resident after 1000 tunnel creates, 58 MB with 2 arenas). A few
  // arenas are plenty for a control plane (the data plane allocates nothing per packet).
  ::mallopt(M_ARENA_MAX, 2);
  // The file alone must be valid before anything starts (its errors name its lines).
  std::optional<ike::Config> file_config;
  if (!options.config_path.empty()) {
    file_config = loadConfigOrReport(options.config_path, options.load, err);
    if (!file_config) {
      return kExitConfigError;
    }
  }
  StderrLogger logger(options.log_level);
  crypto::OpenSslRandom random;
  if (Status s = engine::ensureStateDir(options.state_dir); !s) {
    err << "vpngw: " << s.error().message << "\n";
    return kExitFailure;
  }
  Result<std::unique_ptr<store::Store>> store = store::Store::open(options.state_dir);
  if (!store) {
    err << "vpngw: cannot open the state store: " << store.error().message << "\n";
    return kExitFailure;
  }
  Result<std::string> token = api::loadOrCreateOperatorToken(options.state_dir);
  if (!token) {
    err << "vpngw: " << token.error().message << "\n";
    return kExitFailure;
  }
  // Declared before the daemon so that it outlives it: the daemon removes its SAs on the way
  // out.
  std::unique_ptr<dataplane::Backend> backend;
  if (options.dataplane == DataplaneKind::Record) {
    backend = std::make_unique<dataplane::RecordingBackend>();
  } else {
    dataplane::userspace::UserspaceOptions u;
    u.tun_name = options.tun_name;
    u.workers = options.workers;
    u.offload = options.offload;
    // One tunnel device serves every gateway of this daemon: the smallest MTU of the file's
    // gateways fits them all (gateways created through the API later share it).
    if (file_config) {
      auto smallest = std::min_element(
          file_config->gateways.begin(), file_config->gateways.end(),
          [](const ike::GatewayConfig& a, const ike::GatewayConfig& b) { return a.mtu < b.mtu; });
      if (smallest != file_config->gateways.end()) {
        u.mtu = smallest->mtu;
      }
    }
    auto created = dataplane::userspace::UserspaceBackend::create(u, logger);
    if (!created) {
      const std::string& why = created.error().message;
      err << "vpngw: cannot start the data plane: " << why;
      if (why.find("not permitted") != std::string::npos) {
        err << " (it needs root; --dataplane record negotiates without carrying traffic)";
      }
      err << "\n";
      return kExitFailure;
    }
    logger.info("dataplane", "userspace ESP data plane on " + (*created)->describe());
    backend = std::move(*created);
  }
  // The service is created after the daemon (it needs the hooks) but the daemon reports
  // status changes to it: through this pointer, set once the service exists.
  api::ApiService* service_ptr = nullptr;
  engine::DaemonOptions daemon_options;
  daemon_options.state_dir = options.state_dir;
  daemon_options.route_hook = options.route_hook;
  daemon_options.on_status = [&service_ptr](const engine::Json& tunnel) {
    if (service_ptr != nullptr) {
      service_ptr->onConnectionStatus(tunnel.value("id", ""), nlohmann::json(tunnel));
    }
  };
  try {
    // The daemon starts empty; the service hands it every tenant's configuration.
    engine::Daemon daemon(ike::Config{}, std::move(daemon_options), random, logger, *backend);
    if (Status s = daemon.start(); !s) {
      err << "vpngw: " << s.error().message << "\n";
      return kExitFailure;
    }
    DaemonServiceHooks hooks(daemon);
    api::EventBus events;
    api::ServiceOptions service_options;
    service_options.limits = options.load;
    api::ApiService service(**store, hooks, events, service_options);
    // Whatever way this block is left, status changes stop reaching the service before it goes.
    struct Detach {
      api::ApiService*& service;
      ~Detach() { service = nullptr; }
    } detach{service_ptr};
    service.setOperatorToken(*token);
    render::PeerConfigRenderers renderers;
    service.setPeerConfigRenderer(&renderers);
    Result<std::vector<std::string>> warnings = service.start();
    if (!warnings) {
      err << "vpngw: cannot load the state store: " << warnings.error().message << "\n";
      return kExitFailure;
    }
    for (const std::string& w : *warnings) {
      logger.warn("api", w);
    }
    service_ptr = &service;
    if (file_config) {
      Result<nlohmann::json> applied = service.applyConfigFile(options.config_path, false);
      if (!applied) {
        err << "vpngw: " << options.config_path << ": " << applied.error().message << "\n";
        return kExitConfigError;
      }
      logger.info("api",
                  "applied " + options.config_path + " to the tenant default: " + applied->dump());
    }
    api::HttpOptions http;
    http.state_dir = options.state_dir;
    http.listen = options.listen;
    http.tls_cert = options.tls_cert;
    http.tls_key = options.tls_key;
    api::HttpServer server(service, events, http);
    if (Status s = server.start(); !s) {
      err << "vpngw: cannot serve the API: " << s.error().message << "\n";
      return kExitFailure;
    }
    logger.info("api", "REST API on " + api::apiSocketPath(options.state_dir).string() +
                           (options.listen.empty() ? "" : " and " + options.listen));
    int rc = daemon.run();
    // The loop has ended: API calls that would wait for it return at once from now on.
    server.stop();
    return rc;
  } catch (const std::exception& e) {
    // Start-up failures of the runtime itself (epoll, signalfd): report, do not crash.
    err << "vpngw: " << e.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace vpngw::cli
