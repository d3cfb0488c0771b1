#include "api/event_bus.h"

#include <algorithm>

namespace vpngw::api {

std::string Event::toSse() const {
  // dump() escapes newlines, so the data is one line as SSE requires.
  return "event: " + name + "\ndata: " + data.dump() + "\n\n";
}

std::optional<Event> EventBus::Subscription::next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return closed_ || !queue_.empty(); });
  if (queue_.empty()) {
    return std::nullopt;
  }
  Event e = std::move(queue_.front());
  queue_.pop_front();
  return e;
}

bool EventBus::Subscription::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

std::shared_ptr<EventBus::Subscription> EventBus::subscribe(const std::string& tenant_id) {
  auto sub = std::make_shared<Subscription>();
  sub->tenant_id_ = tenant_id;
  std::lock_guard lock(mu_);
  sub->closed_ = closed_all_;
  subs_.push_back(sub);
  return sub;
}

void EventBus::unsubscribe(const std::shared_ptr<Subscription>& sub) {
  std::lock_guard lock(mu_);
  subs_.erase(std::remove(subs_.begin(), subs_.end(), sub), subs_.end());
}

void EventBus::publish(const std::string& tenant_id, Event event) {
  std::lock_guard lock(mu_);
  for (const auto& sub : subs_) {
    if (sub->tenant_id_ != tenant_id) {
      continue;
    }
    std::lock_guard sub_lock(sub->mu_);
    if (sub->closed_) {
      continue;
    }
    if (sub->queue_.size() >= max_queue_) {
      sub->closed_ = true;  // too slow: close rather than buffer without bound
      sub->queue_.clear();
    } else {
      sub->queue_.push_back(event);
    }
    sub->cv_.notify_all();
  }
}

void EventBus::closeAll() {
  std::lock_guard lock(mu_);
  closed_all_ = true;
  for (const auto& sub : subs_) {
    std::lock_guard sub_lock(sub->mu_);
    sub->closed_ = true;
    sub->cv_.notify_all();
  }
}

size_t EventBus::subscriberCount() const {
  std::lock_guard lock(mu_);
  return subs_.size();
}

}  // namespace vpngw::api
