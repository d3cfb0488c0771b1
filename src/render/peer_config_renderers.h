#pragma once
// The peer configuration download (spec §6) as the API's PeerConfigRenderer: a tunnel rendered
// for the customer's device in one of the supported formats.
#include <string>
#include <vector>

#include "api/service_hooks.h"

namespace vpngw::render {

class PeerConfigRenderers final : public api::PeerConfigRenderer {
 public:
  // strongswan, swanctl, libreswan, cisco-ios, huawei
  std::vector<std::string> formats() const override;
  Result<std::string> render(const api::PeerConfigInput& input, const std::string& format) override;
};

}  // namespace vpngw::render
