// The control socket over a real unix socket in a temporary directory: the server runs in the
// test thread's event loop, clients in other threads.
#include "engine/control_server.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <future>
#include <thread>

#include "engine/control_client.h"
#include "engine/control_protocol.h"
#include "temp_dir.h"

namespace vpngw::engine {
namespace {

using testing::TempDir;

// Runs the loop until the future is ready (or a generous limit passes).
template <typename T>
T serveUntil(EventLoop& loop, std::future<T>& f) {
  auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (f.wait_for(std::chrono::seconds(0)) != std::future_status::ready &&
         std::chrono::steady_clock::now() < limit) {
    loop.runOnce(10ms);
  }
  return f.get();
}

UniqueFd connectTo(const std::string& path) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, path.data(), path.size());
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
    return UniqueFd();
  }
  return fd;
}

// Reads until the server closes.
std::string readAll(int fd) {
  std::string out;
  char buf[65536];
  while (true) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      return out;
    }
    out.append(buf, static_cast<size_t>(n));
  }
}

class ControlServerTest : public ::testing::Test {
 protected:
  std::unique_ptr<ControlServer> start(ControlServer::Handler handler,
                                       ControlServerOptions options = {}) {
    options.path = path_;
    Result<std::unique_ptr<ControlServer>> server =
        ControlServer::start(loop_, options, std::move(handler), counters_);
    if (!server) {
      ADD_FAILURE() << server.error().message;
      return nullptr;
    }
    return std::move(*server);
  }
  static std::string echo(std::string_view request) { return "you said " + std::string(request); }

  TempDir dir_;
  std::string path_ = dir_.file("control.sock");
  EventLoop loop_;
  RuntimeCounters counters_;
};

TEST_F(ControlServerTest, StatusRoundTripWithTheClient) {
  auto server = start([](std::string_view request) {
    return answerControlRequest(request, [] { return Json{{"tunnels", Json::array()}}; });
  });
  ASSERT_TRUE(server);
  auto reply = std::async(std::launch::async, [this] {
    return sendControlRequest(path_, controlRequestLine(ControlCommand::Status));
  });
  Result<std::string> r = serveUntil(loop_, reply);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, R"({"tunnels":[]})");
  EXPECT_EQ(counters_.control_requests, 1u);
  EXPECT_EQ(server->connections(), 0u);  // closed after answering
}

TEST_F(ControlServerTest, SocketIsOwnerOnlyAndRemovedOnDestruction) {
  auto server = start(echo);
  ASSERT_TRUE(server);
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  server.reset();
  EXPECT_NE(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(loop_.size(), 0u);
}

TEST_F(ControlServerTest, RequestWithoutNewlineEndsAtShutdown) {
  auto server = start(echo);
  ASSERT_TRUE(server);
  auto reply = std::async(std::launch::async, [this] {
    UniqueFd fd = connectTo(path_);
    (void)::send(fd.get(), "status", 6, MSG_NOSIGNAL);
    ::shutdown(fd.get(), SHUT_WR);
    return readAll(fd.get());
  });
  EXPECT_EQ(serveUntil(loop_, reply), "you said status\n");
}

TEST_F(ControlServerTest, OnlyTheFirstLineIsARequest) {
  auto server = start(echo);
  ASSERT_TRUE(server);
  auto reply = std::async(std::launch::async, [this] {
    UniqueFd fd = connectTo(path_);
    std::string two = "first\nsecond\n";
    (void)::send(fd.get(), two.data(), two.size(), MSG_NOSIGNAL);
    return readAll(fd.get());
  });
  EXPECT_EQ(serveUntil(loop_, reply), "you said first\n");
}

TEST_F(ControlServerTest, RequestSplitAcrossWrites) {
  auto server = start(echo);
  ASSERT_TRUE(server);
  auto reply = std::async(std::launch::async, [this] {
    UniqueFd fd = connectTo(path_);
    (void)::send(fd.get(), "sta", 3, MSG_NOSIGNAL);
    std::this_thread::sleep_for(50ms);
    (void)::send(fd.get(), "tus\n", 4, MSG_NOSIGNAL);
    return readAll(fd.get());
  });
  EXPECT_EQ(serveUntil(loop_, reply), "you said status\n");
}

TEST_F(ControlServerTest, OversizedRequestIsRefused) {
  ControlServerOptions options;
  options.max_request_bytes = 1024;
  int calls = 0;
  auto server = start(
      [&calls](std::string_view) {
        ++calls;
        return std::string("{}");
      },
      options);
  ASSERT_TRUE(server);
  auto reply = std::async(std::launch::async, [this] {
    UniqueFd fd = connectTo(path_);
    std::string big(4096, 'x');
    (void)::send(fd.get(), big.data(), big.size(), MSG_NOSIGNAL);
    return readAll(fd.get());
  });
  Json answer = Json::parse(serveUntil(loop_, reply));
  EXPECT_EQ(answer["error"], "request too large");
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(counters_.control_rejected, 1u);
}

TEST_F(ControlServerTest, LargeResponseIsWrittenCompletely) {
  // Far larger than a unix socket buffer: needs several EPOLLOUT rounds.
  std::string big(8 << 20, 'j');
  auto server = start([&big](std::string_view) { return big; });
  ASSERT_TRUE(server);
  auto reply = std::async(std::launch::async, [this] {
    UniqueFd fd = connectTo(path_);
    (void)::send(fd.get(), "status\n", 7, MSG_NOSIGNAL);
    std::this_thread::sleep_for(100ms);  // let the server fill the buffer first
    return readAll(fd.get());
  });
  std::string got = serveUntil(loop_, reply);
  EXPECT_EQ(got.size(), big.size() + 1);
  EXPECT_EQ(got, big + "\n");
}

TEST_F(ControlServerTest, ConnectionLimitAndIdleTimeout) {
  ControlServerOptions options;
  options.max_connections = 2;
  options.idle_timeout = 3000ms;
  auto server = start(echo, options);
  ASSERT_TRUE(server);
  UniqueFd a = connectTo(path_);
  UniqueFd b = connectTo(path_);
  ASSERT_TRUE(a && b);
  for (int i = 0; i < 50 && server->connections() < 2; ++i) {
    loop_.runOnce(10ms);
  }
  ASSERT_EQ(server->connections(), 2u);

  auto third = std::async(std::launch::async, [this] {
    UniqueFd fd = connectTo(path_);
    return readAll(fd.get());
  });
  EXPECT_EQ(Json::parse(serveUntil(loop_, third))["error"], "too many control connections");
  EXPECT_EQ(counters_.control_rejected, 1u);

  // Silent clients do not hold their slot for ever.
  server->closeIdle(monotonicNow());
  EXPECT_EQ(server->connections(), 2u);
  server->closeIdle(monotonicNow() + 3000ms);
  EXPECT_EQ(server->connections(), 0u);
  EXPECT_EQ(readAll(a.get()), "");  // closed by the server
}

TEST_F(ControlServerTest, StaleSocketFileIsReplaced) {
  {
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::memcpy(sa.sun_path, path_.data(), path_.size());
    ASSERT_EQ(::bind(fd.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa), 0);
  }  // closed without unlink: what a crashed daemon leaves behind
  auto server = start(echo);
  ASSERT_TRUE(server);
  auto reply = std::async(std::launch::async, [this] { return sendControlRequest(path_, "hi"); });
  Result<std::string> r = serveUntil(loop_, reply);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "you said hi");
}

TEST_F(ControlServerTest, RefusesWhenAnotherServerAnswers) {
  auto first = start(echo);
  ASSERT_TRUE(first);
  EventLoop other_loop;
  ControlServerOptions options;
  options.path = path_;
  Result<std::unique_ptr<ControlServer>> second =
      ControlServer::start(other_loop, options, echo, counters_);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("another daemon"), std::string::npos);
  struct stat st {};
  EXPECT_EQ(::stat(path_.c_str(), &st), 0);  // the live server's socket is untouched
}

TEST_F(ControlServerTest, RefusesAPathThatIsNotASocket) {
  std::ofstream(path_) << "not a socket";
  ControlServerOptions options;
  options.path = path_;
  Result<std::unique_ptr<ControlServer>> server =
      ControlServer::start(loop_, options, echo, counters_);
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.error().message.find("not a socket"), std::string::npos);
}

TEST_F(ControlServerTest, RefusesAnOverlongPath) {
  ControlServerOptions options;
  options.path = dir_.file(std::string(120, 'p'));
  EXPECT_FALSE(ControlServer::start(loop_, options, echo, counters_).ok());
}

TEST(ControlClient, NoServerIsAnError) {
  TempDir dir;
  EXPECT_FALSE(sendControlRequest(dir.file("control.sock"), "status").ok());
  EXPECT_FALSE(sendControlRequest(std::string(200, 'x'), "status").ok());
}

TEST(ControlClient, SilentServerTimesOut) {
  TempDir dir;
  std::string path = dir.file("control.sock");
  UniqueFd listener(::socket(AF_UNIX, SOCK_STREAM, 0));
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, path.data(), path.size());
  ASSERT_EQ(::bind(listener.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa), 0);
  ASSERT_EQ(::listen(listener.get(), 1), 0);  // accepts (in the backlog) but never answers
  TimePoint start = monotonicNow();
  Result<std::string> r = sendControlRequest(path, "status", 200ms);
  EXPECT_FALSE(r.ok());
  EXPECT_LT(monotonicNow() - start, 2000ms);
}

}  // namespace
}  // namespace vpngw::engine
