#include "render/peer_config_renderers.h"

#include <utility>

#include "render/renderers.h"

namespace vpngw::render {

namespace {

struct Format {
  const char* name;
  Result<std::string> (*render)(const PeerView&);
};

constexpr Format kFormats[] = {
    {"strongswan", renderStrongswanIpsecConf},
    {"swanctl", renderSwanctlConf},
    {"libreswan", renderLibreswanConf},
    {"cisco-ios", renderCiscoIos},
    {"huawei", renderHuaweiVrp},
    {"h3c", renderH3cComware},
};

}  // namespace

PeerConfigRenderers::PeerConfigRenderers()
    : PeerConfigRenderers([] { return std::chrono::system_clock::now(); }) {}

PeerConfigRenderers::PeerConfigRenderers(Clock clock) : clock_(std::move(clock)) {}

std::vector<std::string> PeerConfigRenderers::formats() const {
  std::vector<std::string> out;
  for (const Format& f : kFormats) {
    out.emplace_back(f.name);
  }
  return out;
}

Result<std::string> PeerConfigRenderers::render(const api::PeerConfigInput& input,
                                                const std::string& format) {
  for (const Format& f : kFormats) {
    if (format == f.name) {
      return f.render(peerView(input, clock_()));
    }
  }
  std::string known;
  for (const auto& name : formats()) {
    known += (known.empty() ? "" : ", ") + name;
  }
  return makeError("unknown format '" + format + "' (one of: " + known + ")");
}

}  // namespace vpngw::render
