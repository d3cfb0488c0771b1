#pragma once
// Publishes the remote prefixes of connected tunnels to an operator's executable (`serve
// --route-hook PATH`), so a cloud's SDN controller or a route reflector can take them:
//   PATH add TUNNEL PREFIX...   when the tunnel connects (or its prefixes change)
//   PATH del TUNNEL PREFIX...   when it stops being connected, is removed, or the daemon stops
// with VPNGW_TUNNEL_ID=<engine name> in the environment. Invocations run one at a time in
// order (an add is never overtaken by the del before it) without blocking the daemon's loop.
#include <sys/types.h>

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/ip.h"
#include "base/log.h"
#include "base/time.h"

namespace vpngw::engine {

class RouteHook {
 public:
  RouteHook(std::string path, Logger& logger) : path_(std::move(path)), logger_(logger) {}
  RouteHook(const RouteHook&) = delete;
  RouteHook& operator=(const RouteHook&) = delete;
  // Waits (bounded) for the invocations already queued.
  ~RouteHook();

  // The tunnel (engine name `id`, shown as `name`) is connected with these remote prefixes,
  // or not (connected false): publishes what changed since the last call.
  void update(const std::string& id, const std::string& name, bool connected,
              const std::vector<Subnet>& prefixes);
  // Every published tunnel withdrawn (daemon shutdown).
  void withdrawAll();
  // Starts the next queued invocation when the previous one has ended; never blocks. Call
  // from the loop (it is also called by update()).
  void poll();
  // Runs the queue to the end, waiting at most `limit` in total; what is left is abandoned.
  void drain(Duration limit);

  size_t published() const { return published_.size(); }

 private:
  struct Call {
    std::string verb;
    std::string id;
    std::string name;
    std::vector<Subnet> prefixes;
  };
  void enqueue(Call call);
  void start(const Call& call);

  std::string path_;
  Logger& logger_;
  std::map<std::string, std::pair<std::string, std::vector<Subnet>>> published_;  // by id
  std::deque<Call> queue_;
  std::optional<pid_t> running_;
  std::string running_what_;
};

}  // namespace vpngw::engine
