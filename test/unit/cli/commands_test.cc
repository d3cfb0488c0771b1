// The vpngw commands as functions: check-config exit statuses and output, status against a
// missing daemon and against a control server, log-level parsing, serve's config-error path.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>

#include "cli/check_config.h"
#include "cli/exit_codes.h"
#include "cli/serve_command.h"
#include "cli/status_command.h"
#include "engine/control_protocol.h"
#include "engine/control_server.h"
#include "engine/state_dir.h"

namespace vpngw::cli {
namespace {

using namespace std::chrono_literals;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "vpngw-cli-XXXXXX").string();
    EXPECT_NE(::mkdtemp(pattern.data()), nullptr);
    path_ = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string write(const std::string& name, std::string_view text) const {
    std::ofstream(file(name)) << text;
    return file(name);
  }

 private:
  std::filesystem::path path_;
};

constexpr std::string_view kValid = R"(gateways:
  - name: gw-a
    public_ip: 198.18.1.1
    vpc_subnets: [10.1.0.0/16]
customer_gateways:
  - name: site-b
    ip: 198.18.1.2
tunnels:
  - name: t1
    gateway: gw-a
    customer_gateway: site-b
    local_subnets: [10.1.0.0/24]
    remote_subnets: [10.2.0.0/24]
    psk: "s3cret-Key"
    ike: {lifetime: 60}
    ipsec: {lifetime: 60}
)";

TEST(CheckConfig, ValidFilePrintsOk) {
  TempDir dir;
  std::ostringstream out, err;
  config::LoadOptions load;
  load.min_lifetime = 60s;
  EXPECT_EQ(runCheckConfig(dir.write("c.yaml", kValid), load, out, err), kExitOk);
  EXPECT_EQ(out.str(), "ok\n");
  EXPECT_EQ(err.str(), "");
}

TEST(CheckConfig, ErrorsGoToStderrWithStatus2) {
  TempDir dir;
  std::ostringstream out, err;
  // Lifetimes of 60 s are below the default floor of 3600 s: two errors.
  EXPECT_EQ(runCheckConfig(dir.write("c.yaml", kValid), {}, out, err), kExitConfigError);
  EXPECT_EQ(out.str(), "");
  std::string e = err.str();
  EXPECT_NE(e.find("tunnels[0].ike.lifetime"), std::string::npos) << e;
  EXPECT_NE(e.find("tunnels[0].ipsec.lifetime"), std::string::npos) << e;
  EXPECT_EQ(std::count(e.begin(), e.end(), '\n'), 2) << e;
  EXPECT_EQ(e.find("s3cret-Key"), std::string::npos) << "the PSK must never be printed";
}

TEST(CheckConfig, MissingFileIsAConfigError) {
  TempDir dir;
  std::ostringstream out, err;
  EXPECT_EQ(runCheckConfig(dir.file("absent.yaml"), {}, out, err), kExitConfigError);
  EXPECT_NE(err.str().find("absent.yaml"), std::string::npos) << err.str();
}

TEST(Serve, ConfigErrorExitsWith2BeforeTouchingTheStateDir) {
  TempDir dir;
  std::ostringstream err;
  ServeOptions options;
  options.config_path = dir.write("c.yaml", kValid);  // invalid at the default floor
  options.state_dir = dir.file("state");
  EXPECT_EQ(runServe(options, err), kExitConfigError);
  EXPECT_NE(err.str().find("lifetime"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(options.state_dir));
}

TEST(Serve, ParsesLogLevels) {
  EXPECT_EQ(parseLogLevel("debug"), LogLevel::Debug);
  EXPECT_EQ(parseLogLevel("info"), LogLevel::Info);
  EXPECT_EQ(parseLogLevel("warn"), LogLevel::Warn);
  EXPECT_EQ(parseLogLevel("error"), LogLevel::Error);
  EXPECT_EQ(parseLogLevel("ERROR"), LogLevel::Error);
  EXPECT_EQ(parseLogLevel("verbose"), std::nullopt);
  EXPECT_EQ(parseLogLevel(""), std::nullopt);
}

TEST(Status, NoDaemonExitsWith3) {
  TempDir dir;
  std::ostringstream out, err;
  EXPECT_EQ(runStatus({.state_dir = dir.file("state"), .json = true, .timeout = 500ms}, out, err),
            kExitNoDaemon);
  EXPECT_EQ(err.str(), "vpngw: no daemon answers on " + dir.file("state/control.sock") + "\n");
  EXPECT_EQ(out.str(), "");
}

// Serves one control connection from a thread with the given answer to every request.
class FakeDaemon {
 public:
  FakeDaemon(const std::string& state_dir, std::string answer) {
    EXPECT_TRUE(engine::ensureStateDir(state_dir).ok());
    engine::ControlServerOptions options;
    options.path = engine::controlSocketPath(state_dir);
    auto server = engine::ControlServer::start(
        loop_, options, [answer](std::string_view) { return answer; }, counters_);
    EXPECT_TRUE(server.ok());
    server_ = std::move(*server);
  }
  // Runs the loop until f is ready.
  template <typename T>
  T serve(std::future<T>& f) {
    for (int i = 0; i < 1000 && f.wait_for(0s) != std::future_status::ready; ++i) {
      loop_.runOnce(std::chrono::milliseconds(10));
    }
    return f.get();
  }

 private:
  engine::EventLoop loop_;
  engine::RuntimeCounters counters_;
  std::unique_ptr<engine::ControlServer> server_;
};

constexpr std::string_view kDocument =
    R"({"tunnels":[{"name":"t1","connection_status":"phase1_failed","health":0,)"
    R"("last_error":"x","diagnosis":{"code":"psk_mismatch","text":"PSKs differ."},)"
    R"("ike_sa":null,"child_sas":[]}],"counters":{"received":1}})";

TEST(Status, JsonPrintsTheDocument) {
  TempDir dir;
  FakeDaemon daemon(dir.file("state"), std::string(kDocument));
  std::ostringstream out, err;
  auto rc = std::async(std::launch::async, [&] {
    return runStatus({.state_dir = dir.file("state"), .json = true}, out, err);
  });
  EXPECT_EQ(daemon.serve(rc), kExitOk);
  EXPECT_EQ(out.str(), std::string(kDocument) + "\n");
  EXPECT_EQ(err.str(), "");
}

TEST(Status, TablePrintsRowsAndDiagnosis) {
  TempDir dir;
  FakeDaemon daemon(dir.file("state"), std::string(kDocument));
  std::ostringstream out, err;
  auto rc = std::async(std::launch::async, [&] {
    return runStatus({.state_dir = dir.file("state"), .json = false}, out, err);
  });
  EXPECT_EQ(daemon.serve(rc), kExitOk);
  std::string table = out.str();
  EXPECT_EQ(table.rfind("NAME", 0), 0u) << table;
  EXPECT_NE(table.find("t1    phase1_failed  0"), std::string::npos) << table;
  EXPECT_NE(table.find("t1: PSKs differ."), std::string::npos) << table;
}

TEST(Status, DaemonErrorOrGarbageExitsWith1) {
  for (std::string answer : {std::string(R"({"error":"unknown command"})"), std::string("not json"),
                             std::string("[1]")}) {
    TempDir dir;
    FakeDaemon daemon(dir.file("state"), answer);
    std::ostringstream out, err;
    auto rc = std::async(std::launch::async, [&] {
      return runStatus({.state_dir = dir.file("state"), .json = true}, out, err);
    });
    EXPECT_EQ(daemon.serve(rc), kExitFailure) << answer;
    EXPECT_EQ(out.str(), "") << answer;
    EXPECT_FALSE(err.str().empty()) << answer;
  }
}

}  // namespace
}  // namespace vpngw::cli
