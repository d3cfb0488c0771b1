#include "engine/daemon.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <future>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>

#include "engine/control_protocol.h"
#include "engine/control_server.h"
#include "engine/event_loop.h"
#include "engine/route_hook.h"
#include "engine/runtime_output.h"
#include "engine/signal_fd.h"
#include "engine/state_dir.h"
#include "engine/status_json.h"

namespace vpngw::engine {

namespace {

// The loop wakes at least this often even with no engine deadline, to expire idle control
// connections and to pick up a deadline the engine added without an event.
constexpr Duration kMaxWait = 1000ms;
// The per-tunnel status snapshot the API reads is rebuilt whole this often (traffic counters);
// status changes update their tunnel's entry at once.
constexpr Duration kStatusSnapshotInterval = 1000ms;

}  // namespace

// Feeds IKE datagrams to the engine with the time they were read. (Not in the anonymous
// namespace: Daemon::Impl, which has external linkage, holds one.)
class DaemonEngineSink final : public IkeSink {
 public:
  explicit DaemonEngineSink(ike::Engine& engine) : engine_(engine) {}
  void onIke(ike::Datagram datagram) override { engine_.handleDatagram(datagram, monotonicNow()); }

 private:
  ike::Engine& engine_;
};

class Daemon::Impl {
 public:
  Impl(ike::Config config, DaemonOptions options, Random& random, Logger& logger,
       dataplane::Backend& backend, EspSink* esp)
      : config_(std::move(config)),
        options_(std::move(options)),
        logger_(logger),
        backend_(backend),
        stop_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
        call_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
        output_(sockets_, backend, logger, counters_),
        dropping_esp_(counters_),
        engine_(options_.engine, random, output_, logger),
        ike_sink_(engine_),
        router_(ike_sink_, esp != nullptr ? *esp : dropping_esp_, counters_) {
    if (!stop_fd_ || !call_fd_) {
      throw std::system_error(errno, std::generic_category(), "eventfd");
    }
    if (!options_.route_hook.empty()) {
      route_hook_ = std::make_unique<RouteHook>(options_.route_hook, logger_);
    }
    output_.setStatusObserver([this](const ike::TunnelStatus& status) { onStatus(status); });
  }

  Status start();
  int run();
  void stop() {
    uint64_t one = 1;
    // eventfd write is async-signal-safe; a full counter already means "stop".
    (void)!::write(stop_fd_.get(), &one, sizeof one);
  }
  std::vector<Endpoint> localEndpoints() const {
    std::vector<Endpoint> out;
    for (const IkeSockets::Entry& e : sockets_.entries()) {
      out.push_back(e.socket.local());
    }
    return out;
  }
  std::string describe() const {
    return std::to_string(config_.tunnels.size()) + " tunnels on " + sockets_.describe() +
           " (control " + controlSocketPath(options_.state_dir) + ")";
  }

  // Runs fn on the loop thread (see Daemon::reload()).
  void execute(std::function<void()> fn);
  void reload(ike::Config config, std::map<std::string, std::string> names);
  void reset(const std::string& tunnel) { engine_.reset(tunnel, monotonicNow()); }
  Json statusDocument() const {
    Json doc =
        statusJson(engine_.status(), engine_.counters(), counters_, backend_, WallClock::now());
    for (Json& t : doc["tunnels"]) {
      decorate(t);
    }
    return doc;
  }
  Json tunnelStatus(const std::string& tunnel) const {
    std::lock_guard lock(snapshot_mu_);
    auto it = snapshot_.find(tunnel);
    return it == snapshot_.end() ? Json(nullptr) : it->second;
  }

 private:
  void watchSockets();
  void bindNewAddresses();
  void setTraps();
  void onAcquires();
  void onSignal();
  void runCalls();
  void onStatus(const ike::TunnelStatus& status);
  void publishRoutes(const ike::TunnelStatus& status);
  void refreshSnapshot();
  void updateSnapshot(const std::set<std::string>& renewed);
  // "id" = engine name, "name" = display name.
  void decorate(Json& tunnel) const {
    std::string id = tunnel.value("name", "");
    auto it = names_.find(id);
    tunnel["id"] = id;
    if (it != names_.end()) {
      tunnel["name"] = it->second;
    }
  }
  const ike::TunnelConfig* tunnelConfig(const std::string& name) const {
    for (const auto& t : config_.tunnels) {
      if (t.name == name) {
        return &t;
      }
    }
    return nullptr;
  }

  ike::Config config_;
  DaemonOptions options_;
  Logger& logger_;
  dataplane::Backend& backend_;
  RuntimeCounters counters_;
  EventLoop loop_;
  UniqueFd stop_fd_;
  UniqueFd call_fd_;  // readable when calls_ has work from other threads
  std::mutex call_mu_;
  std::deque<std::function<void()>> calls_;
  bool closed_ = false;  // run() has returned: calls are refused
  // The thread that runs the loop: the creating thread until run() starts in its own.
  std::atomic<std::thread::id> loop_thread_{std::this_thread::get_id()};
  std::map<std::string, std::string> names_;  // engine tunnel name -> display name
  mutable std::mutex snapshot_mu_;
  std::map<std::string, Json> snapshot_;  // engine tunnel name -> status object
  TimePoint snapshot_at_{};
  std::unique_ptr<RouteHook> route_hook_;
  size_t watched_sockets_ = 0;  // entries of sockets_ already in the loop
  IkeSockets sockets_;
  RuntimeOutput output_;
  DroppingEspSink dropping_esp_;
  ike::Engine engine_;
  DaemonEngineSink ike_sink_;
  DatagramRouter router_;
  std::unique_ptr<ControlServer> control_;
  std::unique_ptr<SignalFd> signals_;
  std::vector<dataplane::IkeDatagram> ike_batch_;
  std::vector<std::string> acquires_;
  bool stopping_ = false;
};

Status Daemon::Impl::start() {
  // Sockets first: a daemon that cannot bind leaves the state directory as it found it.
  Result<IkeSockets> bound = IkeSockets::bind(distinctBindAddresses(config_), options_.ports);
  if (!bound) {
    return bound.error();
  }
  if (Status s = ensureStateDir(options_.state_dir); !s) {
    return s;
  }
  sockets_ = std::move(*bound);

  ControlServerOptions control;
  control.path = controlSocketPath(options_.state_dir);
  auto handler = [this](std::string_view request) {
    return answerControlRequest(request, [this] { return statusDocument(); });
  };
  Result<std::unique_ptr<ControlServer>> server =
      ControlServer::start(loop_, std::move(control), std::move(handler), counters_);
  if (!server) {
    sockets_ = IkeSockets();
    return server.error();
  }
  control_ = std::move(*server);

  watchSockets();
  loop_.add(stop_fd_.get(), EPOLLIN, [this](uint32_t) {
    uint64_t count = 0;
    (void)!::read(stop_fd_.get(), &count, sizeof count);
    stopping_ = true;
  });
  loop_.add(call_fd_.get(), EPOLLIN, [this](uint32_t) { runCalls(); });
  if (options_.handle_signals) {
    signals_ = std::make_unique<SignalFd>(std::initializer_list<int>{SIGINT, SIGTERM});
    loop_.add(signals_->fd(), EPOLLIN, [this](uint32_t) { onSignal(); });
  }

  if (int fd = backend_.acquireReadyFd(); fd >= 0) {
    loop_.add(fd, EPOLLIN, [this](uint32_t) { onAcquires(); });
  }
  engine_.load(config_, monotonicNow());
  setTraps();
  refreshSnapshot();
  logger_.info("daemon", "vpngw: serving " + describe());
  return {};
}

void Daemon::Impl::execute(std::function<void()> fn) {
  if (std::this_thread::get_id() == loop_thread_.load()) {
    if (!closed_) {
      fn();
    }
    return;
  }
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> finished = done->get_future();
  {
    std::lock_guard lock(call_mu_);
    if (closed_) {
      return;
    }
    calls_.push_back([fn = std::move(fn), done] {
      fn();
      done->set_value();
    });
  }
  uint64_t one = 1;
  (void)!::write(call_fd_.get(), &one, sizeof one);
  // A call dropped at shutdown breaks the promise: wait() returns then too.
  finished.wait();
}

void Daemon::Impl::runCalls() {
  uint64_t count = 0;
  (void)!::read(call_fd_.get(), &count, sizeof count);
  std::deque<std::function<void()>> calls;
  {
    std::lock_guard lock(call_mu_);
    calls.swap(calls_);
  }
  for (auto& call : calls) {
    call();
  }
}

void Daemon::Impl::reload(ike::Config config, std::map<std::string, std::string> names) {
  TimePoint now = monotonicNow();
  names_ = std::move(names);
  std::map<std::string, ike::TunnelConfig> before;
  for (const auto& t : config_.tunnels) {
    before.emplace(t.name, t);
  }
  config_ = std::move(config);
  // Tunnels whose status object must be rebuilt: new or changed ones (changed ones start
  // afresh in the engine without a status transition to report).
  std::set<std::string> renewed;
  for (const auto& t : config_.tunnels) {
    auto it = before.find(t.name);
    if (it == before.end() || !(it->second == t)) {
      renewed.insert(t.name);
    }
  }
  bindNewAddresses();
  engine_.load(config_, now);
  setTraps();
  // Routes published for tunnels that are gone are withdrawn.
  if (route_hook_) {
    for (const auto& [name, t] : before) {
      if (tunnelConfig(name) == nullptr) {
        route_hook_->update(name, name, false, {});
      }
    }
  }
  updateSnapshot(renewed);
  logger_.info("daemon", "configuration reloaded: " + describe());
}

// Tunnels with dead peer detection action `hold` keep attracting their traffic while they have
// no SA; its first packet brings them back (onAcquires).
void Daemon::Impl::setTraps() {
  std::vector<dataplane::Trap> traps;
  for (const ike::TunnelConfig& t : config_.tunnels) {
    if (!t.dpd.enabled || t.dpd.action != ike::DpdAction::Hold) {
      continue;
    }
    const ike::GatewayConfig* gw = config_.findGateway(t.gateway);
    dataplane::Trap trap;
    trap.tunnel = t.name;
    for (const Subnet& r : t.remote_subnets) {
      trap.remote.push_back(Ipv4Range::of(r));
    }
    if (t.route_mode == ike::RouteMode::Policy) {
      for (const Subnet& l : t.local_subnets) {
        trap.local.push_back(Ipv4Range::of(l));
      }
    }
    trap.routes = t.remote_subnets;
    trap.route_source = gw != nullptr ? gw->lan_ip : std::nullopt;
    traps.push_back(std::move(trap));
  }
  backend_.setTraps(std::move(traps));
}

void Daemon::Impl::onAcquires() {
  acquires_.clear();
  backend_.takeAcquires(acquires_);
  TimePoint now = monotonicNow();
  for (const std::string& tunnel : acquires_) {
    logger_.debug("daemon", "tunnel " + tunnel + ": traffic wants it (acquire)");
    engine_.acquire(tunnel, now);
  }
}

void Daemon::Impl::bindNewAddresses() {
  for (Ipv4 address : distinctBindAddresses(config_)) {
    if (sockets_.has(address)) {
      continue;
    }
    if (Status s = sockets_.add(address, options_.ports); !s) {
      // The gateway's tunnels stay down (their sends fail, counted) until the address exists
      // on this host and the configuration is applied again.
      logger_.error("daemon",
                    "cannot serve IKE on " + address.toString() + ": " + s.error().message);
    }
  }
  watchSockets();
}

void Daemon::Impl::onStatus(const ike::TunnelStatus& status) {
  Json tunnel = tunnelStatusJson(status, backend_, WallClock::now());
  decorate(tunnel);
  {
    std::lock_guard lock(snapshot_mu_);
    snapshot_[status.name] = tunnel;
  }
  publishRoutes(status);
  if (options_.on_status) {
    options_.on_status(tunnel);
  }
}

void Daemon::Impl::publishRoutes(const ike::TunnelStatus& status) {
  if (!route_hook_) {
    return;
  }
  const ike::TunnelConfig* tc = tunnelConfig(status.name);
  bool connected = tc != nullptr && status.status == ike::ConnectionStatus::Connected;
  auto name = names_.find(status.name);
  route_hook_->update(status.name, name != names_.end() ? name->second : status.name, connected,
                      tc != nullptr ? tc->remote_subnets : std::vector<Subnet>{});
}

// After a reload: entries rebuilt for new and changed tunnels, none kept for removed ones,
// display names refreshed; the others keep theirs (cheaper than refreshSnapshot() with
// thousands of tunnels).
void Daemon::Impl::updateSnapshot(const std::set<std::string>& renewed) {
  std::map<std::string, Json> fresh;
  {
    std::lock_guard lock(snapshot_mu_);
    for (const auto& t : config_.tunnels) {
      auto it = snapshot_.find(t.name);
      if (it != snapshot_.end() && !renewed.contains(t.name)) {
        fresh.emplace(t.name, std::move(it->second));
      }
    }
  }
  for (const auto& t : config_.tunnels) {
    if (!fresh.contains(t.name)) {
      if (std::optional<ike::TunnelStatus> st = engine_.status(t.name)) {
        fresh.emplace(t.name, tunnelStatusJson(*st, backend_, WallClock::now()));
      }
    }
  }
  for (auto& [name, j] : fresh) {
    decorate(j);
  }
  std::lock_guard lock(snapshot_mu_);
  snapshot_.swap(fresh);
}

void Daemon::Impl::refreshSnapshot() {
  std::map<std::string, Json> fresh;
  for (const ike::TunnelStatus& t : engine_.status()) {
    Json j = tunnelStatusJson(t, backend_, WallClock::now());
    decorate(j);
    fresh.emplace(t.name, std::move(j));
  }
  std::lock_guard lock(snapshot_mu_);
  snapshot_.swap(fresh);
  snapshot_at_ = monotonicNow();
}

void Daemon::Impl::watchSockets() {
  auto& entries = sockets_.entries();
  for (; watched_sockets_ < entries.size(); ++watched_sockets_) {
    IkeSockets::Entry& entry = entries[watched_sockets_];
    // ESP-in-UDP arrives on the NAT-T socket too: a data plane that reads it itself (in its
    // own threads, with UDP GRO) hands the IKE datagrams back through ikeReadyFd().
    if (entry.natt && backend_.adoptNattSocket(entry.socket.fd(), entry.socket.local())) {
      logger_.debug("daemon", "the data plane reads " + entry.socket.local().toString());
      continue;
    }
    loop_.add(entry.socket.fd(), EPOLLIN, [this, &entry](uint32_t) {
      const Endpoint local = entry.socket.local();
      const bool natt = entry.natt;
      UdpSocket::ReceiveResult r =
          entry.socket.receive([this, &local, natt](const Endpoint& remote, ByteView data) {
            router_.route(local, remote, data, natt);
          });
      counters_.dropped_truncated += r.truncated;
    });
  }
  if (int fd = backend_.ikeReadyFd(); fd >= 0 && !loop_.contains(fd)) {
    loop_.add(fd, EPOLLIN, [this](uint32_t) {
      ike_batch_.clear();
      backend_.takeIke(ike_batch_);
      for (const dataplane::IkeDatagram& d : ike_batch_) {
        router_.route(d.local, d.remote, view(d.data), true);
      }
    });
  }
}

void Daemon::Impl::onSignal() {
  while (std::optional<int> signal = signals_->read()) {
    logger_.info("daemon", std::string("received ") + ::strsignal(*signal) + ", shutting down");
    stopping_ = true;
  }
}

int Daemon::Impl::run() {
  if (!control_) {
    logger_.error("daemon", "run() before a successful start()");
    return 1;
  }
  loop_thread_.store(std::this_thread::get_id());
  while (!stopping_) {
    Duration wait = kMaxWait;
    if (std::optional<TimePoint> deadline = engine_.nextDeadline()) {
      wait = std::clamp<Duration>(*deadline - monotonicNow(), 0ms, kMaxWait);
    }
    loop_.runOnce(wait);
    TimePoint now = monotonicNow();
    engine_.handleTimers(now);
    control_->closeIdle(now);
    if (now - snapshot_at_ >= kStatusSnapshotInterval) {
      refreshSnapshot();
    }
    if (route_hook_) {
      route_hook_->poll();
    }
  }
  {
    // Calls from other threads still queued are dropped (their callers stop waiting).
    std::lock_guard lock(call_mu_);
    closed_ = true;
    calls_.clear();
  }
  // RFC 7296 §1.4.1: tell peers the SAs are gone rather than leave them to DPD.
  engine_.shutdown(monotonicNow());
  if (route_hook_) {
    route_hook_->withdrawAll();
    route_hook_->drain(5000ms);
  }
  control_.reset();  // removes control.sock
  logger_.info("daemon", "vpngw: stopped");
  return 0;
}

Daemon::Daemon(ike::Config config, DaemonOptions options, Random& random, Logger& logger,
               dataplane::Backend& backend, EspSink* esp)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(options), random, logger, backend,
                                   esp)) {}
Daemon::~Daemon() = default;
Status Daemon::start() { return impl_->start(); }
int Daemon::run() { return impl_->run(); }
void Daemon::stop() { impl_->stop(); }
std::string Daemon::describe() const { return impl_->describe(); }
std::vector<Endpoint> Daemon::localEndpoints() const { return impl_->localEndpoints(); }
void Daemon::reload(ike::Config config, std::map<std::string, std::string> display_names) {
  // Shared so that the call still owns them when run by the loop thread.
  auto c = std::make_shared<ike::Config>(std::move(config));
  auto n = std::make_shared<std::map<std::string, std::string>>(std::move(display_names));
  impl_->execute([this, c, n] { impl_->reload(std::move(*c), std::move(*n)); });
}
void Daemon::reset(const std::string& tunnel) {
  impl_->execute([this, tunnel] { impl_->reset(tunnel); });
}
Json Daemon::statusDocument() {
  Json doc;
  impl_->execute([this, &doc] { doc = impl_->statusDocument(); });
  return doc;
}
Json Daemon::tunnelStatus(const std::string& tunnel) const { return impl_->tunnelStatus(tunnel); }

}  // namespace vpngw::engine
