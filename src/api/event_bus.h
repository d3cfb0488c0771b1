#pragma once
// Fan-out of status changes to server-sent-event subscribers, per tenant: a subscriber only
// ever receives its own tenant's events. Each subscriber has a bounded queue; one that falls
// too far behind is closed (its client reconnects and reads the current state) rather than
// growing memory without limit.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace vpngw::api {

struct Event {
  std::string name;     // SSE "event:" field: "resource" or "connection"
  nlohmann::json data;  // SSE "data:" field

  // "event: NAME\ndata: {...}\n\n"
  std::string toSse() const;
};

class EventBus {
 public:
  class Subscription {
   public:
    // The next event, waiting up to `timeout`; nullopt on timeout or when closed.
    std::optional<Event> next(std::chrono::milliseconds timeout);
    bool closed() const;

   private:
    friend class EventBus;
    std::string tenant_id_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Event> queue_;
    bool closed_ = false;
  };

  explicit EventBus(size_t max_queue = 1024) : max_queue_(max_queue) {}

  std::shared_ptr<Subscription> subscribe(const std::string& tenant_id);
  void unsubscribe(const std::shared_ptr<Subscription>& sub);
  void publish(const std::string& tenant_id, Event event);
  // Wakes and closes every subscription (server shutdown).
  void closeAll();
  size_t subscriberCount() const;

 private:
  size_t max_queue_;
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<Subscription>> subs_;
  bool closed_all_ = false;
};

}  // namespace vpngw::api
