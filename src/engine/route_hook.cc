#include "engine/route_hook.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <thread>

extern char** environ;

namespace vpngw::engine {

RouteHook::~RouteHook() { drain(Duration(5000)); }

void RouteHook::update(const std::string& id, const std::string& name, bool connected,
                       const std::vector<Subnet>& prefixes) {
  auto it = published_.find(id);
  if (it != published_.end() && (!connected || it->second.second != prefixes)) {
    enqueue({"del", id, it->second.first, it->second.second});
    published_.erase(it);
    it = published_.end();
  }
  if (connected && it == published_.end() && !prefixes.empty()) {
    published_[id] = {name, prefixes};
    enqueue({"add", id, name, prefixes});
  }
}

void RouteHook::withdrawAll() {
  for (const auto& [id, entry] : published_) {
    enqueue({"del", id, entry.first, entry.second});
  }
  published_.clear();
}

void RouteHook::enqueue(Call call) {
  queue_.push_back(std::move(call));
  poll();
}

void RouteHook::poll() {
  if (running_) {
    int status = 0;
    pid_t r = ::waitpid(*running_, &status, WNOHANG);
    if (r == 0) {
      return;  // still running
    }
    if (r == *running_ && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
      logger_.warn("routes", "route hook " + running_what_ + " failed (status " +
                                 std::to_string(status) + ")");
    }
    running_.reset();
  }
  while (!running_ && !queue_.empty()) {
    Call call = std::move(queue_.front());
    queue_.pop_front();
    start(call);
  }
}

void RouteHook::start(const Call& call) {
  std::vector<std::string> args{path_, call.verb, call.name};
  for (const Subnet& p : call.prefixes) {
    args.push_back(p.toString());
  }
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  // The environment of the daemon plus the tunnel's engine name (the API's resource id).
  std::vector<std::string> env_strings;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (std::strncmp(*e, "VPNGW_TUNNEL_ID=", 16) != 0) {
      env_strings.emplace_back(*e);
    }
  }
  env_strings.push_back("VPNGW_TUNNEL_ID=" + call.id);
  std::vector<char*> envp;
  for (auto& e : env_strings) {
    envp.push_back(e.data());
  }
  envp.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, path_.c_str(), nullptr, nullptr, argv.data(), envp.data());
  running_what_ = call.verb + " " + call.name;
  if (rc != 0) {
    logger_.warn("routes",
                 "cannot run route hook " + path_ + " (" + running_what_ + "): " + ::strerror(rc));
    return;
  }
  logger_.debug("routes", "route hook: " + running_what_);
  running_ = pid;
}

void RouteHook::drain(Duration limit) {
  TimePoint until = monotonicNow() + limit;
  poll();
  while ((running_ || !queue_.empty()) && monotonicNow() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    poll();
  }
  if (running_) {
    ::kill(*running_, SIGKILL);
    (void)::waitpid(*running_, nullptr, 0);
    running_.reset();
  }
  queue_.clear();
}

}  // namespace vpngw::engine
