#pragma once
// The REST API over HTTP (cpp-httplib): always on the unix socket <state-dir>/api.sock,
// optionally on TCP (with TLS when a certificate and key are given). Routes, bodies and
// errors are documented in docs/api/openapi.yaml; a unit test checks routes() against it.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "api/event_bus.h"
#include "api/service.h"
#include "base/result.h"

namespace httplib {
class Server;
struct Request;
}  // namespace httplib

namespace vpngw::api {

struct HttpOptions {
  std::filesystem::path state_dir;  // api.sock is created here
  std::string listen;               // "ADDR:PORT" to serve TCP too; empty = unix socket only
  std::string tls_cert;             // PEM files: TLS on the TCP listener when both are set
  std::string tls_key;
  size_t max_body_bytes = 1 << 20;  // larger bodies get 413
  size_t threads = 64;              // concurrent connections (each event stream holds one)
  std::chrono::milliseconds sse_keepalive{15000};
};

class HttpServer {
 public:
  struct Route {
    std::string method;  // GET, POST, PATCH, DELETE
    std::string path;    // OpenAPI template, e.g. /v1/tunnels/{id}/reset
  };

  HttpServer(ApiService& service, EventBus& events, HttpOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the unix socket (replacing a stale one; mode 0600) and the TCP listener, and
  // serves in background threads.
  Status start();
  // Ends event streams, stops listening and joins the threads. Idempotent.
  void stop();
  // The TCP port actually bound (useful with port 0); 0 without TCP.
  int tcpPort() const { return tcp_port_; }

  // Every route the server answers, in registration order.
  std::vector<Route> routes() const;

 private:
  struct Entry;
  std::vector<Entry> table() const;
  void install(httplib::Server& server);

  ApiService& service_;
  EventBus& events_;
  HttpOptions options_;
  std::unique_ptr<httplib::Server> unix_server_;
  std::unique_ptr<httplib::Server> tcp_server_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  int tcp_port_ = 0;
};

}  // namespace vpngw::api
