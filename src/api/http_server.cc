#include "api/http_server.h"

#include <httplib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/operator_token.h"

namespace vpngw::api {

namespace {

using store::Kind;

// Deeper JSON than any resource needs; refused before parsing so that no recursive walk of
// the document can exhaust the stack.
constexpr int kMaxJsonDepth = 32;

struct Collection {
  const char* path;
  Kind kind;
};
constexpr Collection kCollections[] = {{"vpcs", Kind::Vpc},
                                       {"gateways", Kind::Gateway},
                                       {"customer-gateways", Kind::CustomerGateway},
                                       {"tunnels", Kind::Tunnel}};

bool tooDeep(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth) {
        return true;
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

std::variant<nlohmann::json, ApiError> parseBody(const httplib::Request& req) {
  if (tooDeep(req.body)) {
    return ApiError::one(400, "", "",
                         "the body nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded()) {
    return ApiError::one(400, "", "", "the body is not valid JSON");
  }
  if (!body.is_object()) {
    return ApiError::one(400, "", "", "the body must be a JSON object");
  }
  return body;
}

// "/v1/tunnels/{id}/reset" -> "/v1/tunnels/([^/]+)/reset", other characters literal.
std::string toRegex(const std::string& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path.compare(i, 4, "{id}") == 0) {
      out += "([^/]+)";
      i += 3;
    } else if (std::string_view(".[]()*+?^$|\\").find(path[i]) != std::string_view::npos) {
      out += '\\';
      out += path[i];
    } else {
      out += path[i];
    }
  }
  return out;
}

void write(httplib::Response& res, const Reply& reply) {
  res.status = reply.status;
  if (reply.status == 204) {
    return;
  }
  if (!reply.text.empty() || reply.content_type != "application/json") {
    res.set_content(reply.text, reply.content_type.c_str());
  } else {
    res.set_content(reply.body.dump(), "application/json");
  }
}

const char* statusRule(int status) {
  switch (status) {
    case 404:
      return "is not an API route (see docs/api/openapi.yaml)";
    case 405:
      return "is not allowed on this route";
    case 413:
      return "is too large: the request body may have at most the configured limit (1 MiB by "
             "default)";
    default:
      return "is not a valid HTTP request";
  }
}

}  // namespace

struct HttpServer::Entry {
  std::string method;
  std::string path;
  bool stream = false;  // server-sent events
  std::function<Reply(const httplib::Request&, const Caller&, const std::string& id)> handler;
};

HttpServer::HttpServer(ApiService& service, EventBus& events, HttpOptions options)
    : service_(service), events_(events), options_(std::move(options)) {}

HttpServer::~HttpServer() { stop(); }

std::vector<HttpServer::Entry> HttpServer::table() const {
  std::vector<Entry> t;
  auto body = [](const httplib::Request& req,
                 const std::function<Reply(const nlohmann::json&)>& then) {
    auto parsed = parseBody(req);
    if (auto* e = std::get_if<ApiError>(&parsed)) {
      return Reply::error(*e);
    }
    return then(std::get<nlohmann::json>(parsed));
  };
  ApiService& s = service_;
  t.push_back({"GET", "/v1/tenants", false,
               [&s](const auto&, const Caller& c, const auto&) { return s.listTenants(c); }});
  t.push_back(
      {"POST", "/v1/tenants", false, [&s, body](const auto& req, const Caller& c, const auto&) {
         return body(req, [&](const nlohmann::json& b) { return s.createTenant(c, b); });
       }});
  t.push_back(
      {"GET", "/v1/tenants/{id}", false,
       [&s](const auto&, const Caller& c, const std::string& id) { return s.getTenant(c, id); }});
  t.push_back({"DELETE", "/v1/tenants/{id}", false,
               [&s](const auto&, const Caller& c, const std::string& id) {
                 return s.deleteTenant(c, id);
               }});
  for (const auto& coll : kCollections) {
    const std::string base = std::string("/v1/") + coll.path;
    const Kind kind = coll.kind;
    auto listing = [&s, kind](const httplib::Request& req, const Caller& c, bool csv) {
      auto q = parseListQuery(req.params, kind);
      if (auto* e = std::get_if<ApiError>(&q)) {
        return Reply::error(*e);
      }
      auto query = std::get<ListQuery>(q);
      query.csv = query.csv || csv;
      return s.list(c, kind, query);
    };
    t.push_back({"GET", base, false, [listing](const auto& req, const Caller& c, const auto&) {
                   return listing(req, c, false);
                 }});
    t.push_back(
        {"POST", base, false, [&s, kind, body](const auto& req, const Caller& c, const auto&) {
           return body(req, [&](const nlohmann::json& b) { return s.create(c, kind, b); });
         }});
    t.push_back({"GET", base + "/export.csv", false,
                 [listing](const auto& req, const Caller& c, const auto&) {
                   return listing(req, c, true);
                 }});
    t.push_back({"POST", base + ":batch-delete", false,
                 [&s, kind, body](const auto& req, const Caller& c, const auto&) {
                   return body(req,
                               [&](const nlohmann::json& b) { return s.batchRemove(c, kind, b); });
                 }});
    t.push_back({"GET", base + "/{id}", false,
                 [&s, kind](const auto&, const Caller& c, const std::string& id) {
                   return s.get(c, kind, id);
                 }});
    t.push_back({"PATCH", base + "/{id}", false,
                 [&s, kind, body](const auto& req, const Caller& c, const std::string& id) {
                   return body(req,
                               [&](const nlohmann::json& b) { return s.update(c, kind, id, b); });
                 }});
    t.push_back({"DELETE", base + "/{id}", false,
                 [&s, kind](const auto&, const Caller& c, const std::string& id) {
                   return s.remove(c, kind, id);
                 }});
  }
  t.push_back(
      {"POST", "/v1/tunnels/{id}/reset", false,
       [&s](const auto&, const Caller& c, const std::string& id) { return s.resetTunnel(c, id); }});
  t.push_back({"GET", "/v1/tunnels/{id}/config", false,
               [&s](const httplib::Request& req, const Caller& c, const std::string& id) {
                 return s.tunnelConfig(c, id, req.get_param_value("format"));
               }});
  t.push_back({"GET", "/v1/tunnels/{id}/diagnose", false,
               [&s](const auto&, const Caller& c, const std::string& id) {
                 return s.diagnoseTunnel(c, id);
               }});
  t.push_back(
      {"POST", "/v1/apply", false, [&s](const httplib::Request& req, const Caller& c, const auto&) {
         const std::string prune = req.get_param_value("prune");
         if (!prune.empty() && prune != "true" && prune != "false") {
           return Reply::error(ApiError::one(400, "prune", prune, "must be true or false"));
         }
         return s.applyConfig(c, req.body, prune == "true");
       }});
  t.push_back({"GET", "/v1/events", true, nullptr});
  return t;
}

std::vector<HttpServer::Route> HttpServer::routes() const {
  std::vector<Route> out;
  for (const auto& e : table()) {
    out.push_back({e.method, e.path});
  }
  return out;
}

void HttpServer::install(httplib::Server& server) {
  server.set_payload_max_length(options_.max_body_bytes);
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.body.empty()) {
      res.set_content(
          ApiError::one(res.status, "path", req.path, statusRule(res.status)).toJson().dump(),
          "application/json");
    }
  });
  for (auto& entry : table()) {
    httplib::Server::Handler handler = [this, entry](const httplib::Request& req,
                                                     httplib::Response& res) {
      auto auth = service_.authenticate(req.get_header_value("Authorization"),
                                        req.get_header_value("X-Tenant"));
      if (auto* e = std::get_if<ApiError>(&auth)) {
        if (e->status == 401) {
          res.set_header("WWW-Authenticate", "Bearer");
        }
        write(res, Reply::error(*e));
        return;
      }
      const Caller& caller = std::get<Caller>(auth);
      if (entry.stream) {
        auto sub = service_.subscribe(caller);
        res.set_header("Cache-Control", "no-cache");
        auto keepalive = options_.sse_keepalive;
        bool first = true;
        res.set_chunked_content_provider(
            "text/event-stream",
            [this, sub, keepalive, first](size_t, httplib::DataSink& sink) mutable {
              if (first) {
                // Sent once the subscription exists: a client that reads it misses nothing.
                first = false;
                const std::string ready = ": ready\n\n";
                return sink.write(ready.data(), ready.size());
              }
              auto event = sub->next(keepalive);
              if (!event) {
                if (sub->closed() || stopping_) {
                  sink.done();
                  return true;
                }
                const std::string ping = ": keepalive\n\n";
                return sink.write(ping.data(), ping.size());
              }
              const std::string chunk = event->toSse();
              return sink.write(chunk.data(), chunk.size());
            },
            [this, sub](bool) { events_.unsubscribe(sub); });
        return;
      }
      const std::string id = req.matches.size() > 1 ? req.matches[1].str() : std::string();
      write(res, entry.handler(req, caller, id));
    };
    if (entry.method == "GET") {
      server.Get(toRegex(entry.path), handler);
    } else if (entry.method == "POST") {
      server.Post(toRegex(entry.path), handler);
    } else if (entry.method == "PATCH") {
      server.Patch(toRegex(entry.path), handler);
    } else if (entry.method == "DELETE") {
      server.Delete(toRegex(entry.path), handler);
    }
  }
  const size_t threads = options_.threads;
  server.new_task_queue = [threads] {
    // httplib takes ownership of the queue it is given.
    return std::make_unique<httplib::ThreadPool>(threads).release();
  };
}

namespace {

// httplib listens with a backlog of 5 (CPPHTTPLIB_LISTEN_BACKLOG, fixed when Debian compiled
// it). On a unix socket a full backlog makes connect() fail at once (EAGAIN) instead of
// waiting, so 50 clients connecting together would see errors. We learn the listening
// socket from the socket-options hook and raise its backlog with a second listen().
std::shared_ptr<int> recordListeningSocket(httplib::Server& server) {
  auto fd = std::make_shared<int>(-1);
  server.set_socket_options([fd](socket_t sock) {
    httplib::default_socket_options(sock);
    *fd = sock;
  });
  return fd;
}

void widenBacklog(int fd) {
  if (fd >= 0) {
    ::listen(fd, SOMAXCONN);
  }
}

}  // namespace

Status HttpServer::start() {
  stopping_ = false;
  const auto socket_path = apiSocketPath(options_.state_dir);
  struct stat st {};
  if (::lstat(socket_path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return makeError(socket_path.string() + " exists and is not a socket");
    }
    ::unlink(socket_path.c_str());  // left by a previous run
  }
  unix_server_ = std::make_unique<httplib::Server>();
  unix_server_->set_address_family(AF_UNIX);
  install(*unix_server_);
  auto unix_fd = recordListeningSocket(*unix_server_);
  if (!unix_server_->bind_to_port(socket_path.string(), 80)) {
    return makeError("cannot listen on " + socket_path.string());
  }
  widenBacklog(*unix_fd);
  ::chmod(socket_path.c_str(), 0600);
  if (!options_.listen.empty()) {
    const size_t colon = options_.listen.rfind(':');
    if (colon == std::string::npos) {
      return makeError("--listen " + options_.listen + ": expected ADDR:PORT");
    }
    std::string host = options_.listen.substr(0, colon);
    int port = std::atoi(options_.listen.c_str() + colon + 1);
    if (!options_.tls_cert.empty() || !options_.tls_key.empty()) {
      auto tls =
          std::make_unique<httplib::SSLServer>(options_.tls_cert.c_str(), options_.tls_key.c_str());
      if (!tls->is_valid()) {
        return makeError("cannot load the TLS certificate " + options_.tls_cert + " and key " +
                         options_.tls_key);
      }
      tcp_server_ = std::move(tls);
    } else {
      tcp_server_ = std::make_unique<httplib::Server>();
    }
    install(*tcp_server_);
    auto tcp_fd = recordListeningSocket(*tcp_server_);
    tcp_port_ = port == 0 ? tcp_server_->bind_to_any_port(host) : port;
    if (tcp_port_ <= 0 || (port != 0 && !tcp_server_->bind_to_port(host, port))) {
      return makeError("cannot listen on " + options_.listen);
    }
    widenBacklog(*tcp_fd);
  }
  threads_.emplace_back([s = unix_server_.get()] { s->listen_after_bind(); });
  if (tcp_server_) {
    threads_.emplace_back([s = tcp_server_.get()] { s->listen_after_bind(); });
  }
  // httplib's stop() is a no-op until the accept loop runs, so a stop() right after start()
  // would leave the thread listening forever: return only once both loops are running.
  for (auto* s : {unix_server_.get(), tcp_server_.get()}) {
    while (s != nullptr && !s->is_running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  return {};
}

void HttpServer::stop() {
  stopping_ = true;
  events_.closeAll();
  for (auto* s : {unix_server_.get(), tcp_server_.get()}) {
    if (s != nullptr) {
      s->stop();
    }
  }
  for (auto& t : threads_) {
    if (t.joinable()) {
      t.join();
    }
  }
  threads_.clear();
  if (unix_server_) {
    ::unlink(apiSocketPath(options_.state_dir).c_str());
  }
  unix_server_.reset();
  tcp_server_.reset();
}

}  // namespace vpngw::api
