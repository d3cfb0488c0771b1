#include "engine/daemon.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "engine/control_protocol.h"
#include "engine/control_server.h"
#include "engine/event_loop.h"
#include "engine/runtime_output.h"
#include "engine/signal_fd.h"
#include "engine/state_dir.h"
#include "engine/status_json.h"

namespace vpngw::engine {

namespace {

// The loop wakes at least this often even with no engine deadline, to expire idle control
// connections and to pick up a deadline the engine added without an event.
constexpr Duration kMaxWait = 1000ms;

// Feeds IKE datagrams to the engine with the time they were read.
class EngineSink final : public IkeSink {
 public:
  explicit EngineSink(ike::Engine& engine) : engine_(engine) {}
  void onIke(ike::Datagram datagram) override { engine_.handleDatagram(datagram, monotonicNow()); }

 private:
  ike::Engine& engine_;
};

}  // namespace

class Daemon::Impl {
 public:
  Impl(ike::Config config, DaemonOptions options, Random& random, Logger& logger,
       dataplane::Backend& backend, EspSink* esp)
      : config_(std::move(config)),
        options_(std::move(options)),
        logger_(logger),
        backend_(backend),
        stop_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
        output_(sockets_, backend, logger, counters_),
        dropping_esp_(counters_),
        engine_(options_.engine, random, output_, logger),
        ike_sink_(engine_),
        router_(ike_sink_, esp != nullptr ? *esp : dropping_esp_, counters_) {
    if (!stop_fd_) {
      throw std::system_error(errno, std::generic_category(), "eventfd");
    }
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

 private:
  void watchSockets();
  void onSignal();
  Json statusDocument() const {
    return statusJson(engine_.status(), engine_.counters(), counters_, backend_, WallClock::now());
  }

  ike::Config config_;
  DaemonOptions options_;
  Logger& logger_;
  dataplane::Backend& backend_;
  RuntimeCounters counters_;
  EventLoop loop_;
  UniqueFd stop_fd_;
  IkeSockets sockets_;
  RuntimeOutput output_;
  DroppingEspSink dropping_esp_;
  ike::Engine engine_;
  EngineSink ike_sink_;
  DatagramRouter router_;
  std::unique_ptr<ControlServer> control_;
  std::unique_ptr<SignalFd> signals_;
  std::vector<dataplane::IkeDatagram> ike_batch_;
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
  if (options_.handle_signals) {
    signals_ = std::make_unique<SignalFd>(std::initializer_list<int>{SIGINT, SIGTERM});
    loop_.add(signals_->fd(), EPOLLIN, [this](uint32_t) { onSignal(); });
  }

  engine_.load(config_, monotonicNow());
  logger_.info("daemon", "vpngw: serving " + describe());
  return {};
}

void Daemon::Impl::watchSockets() {
  for (IkeSockets::Entry& entry : sockets_.entries()) {
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
  if (int fd = backend_.ikeReadyFd(); fd >= 0) {
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
  while (!stopping_) {
    Duration wait = kMaxWait;
    if (std::optional<TimePoint> deadline = engine_.nextDeadline()) {
      wait = std::clamp<Duration>(*deadline - monotonicNow(), 0ms, kMaxWait);
    }
    loop_.runOnce(wait);
    TimePoint now = monotonicNow();
    engine_.handleTimers(now);
    control_->closeIdle(now);
  }
  // RFC 7296 §1.4.1: tell peers the SAs are gone rather than leave them to DPD.
  engine_.shutdown(monotonicNow());
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

}  // namespace vpngw::engine
