#pragma once
// The peer configuration download (spec §6) as the API's PeerConfigRenderer: a tunnel rendered
// for the customer's device in one of the supported formats.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "api/service_hooks.h"

namespace vpngw::render {

class PeerConfigRenderers final : public api::PeerConfigRenderer {
 public:
  // The header of each rendering says when it was generated; tests pass a fixed clock.
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  PeerConfigRenderers();
  explicit PeerConfigRenderers(Clock clock);

  // strongswan, swanctl, libreswan, cisco-ios, huawei, h3c
  std::vector<std::string> formats() const override;
  Result<std::string> render(const api::PeerConfigInput& input, const std::string& format) override;

 private:
  Clock clock_;
};

}  // namespace vpngw::render
