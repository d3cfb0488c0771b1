#pragma once
// One function per peer-configuration format; each returns the configuration text, or an Error
// naming what that syntax cannot express for this tunnel (never a wrong configuration).
#include <string>

#include "base/result.h"
#include "render/peer_view.h"

namespace vpngw::render {

Result<std::string> renderStrongswanIpsecConf(const PeerView& v);  // "strongswan"
Result<std::string> renderSwanctlConf(const PeerView& v);          // "swanctl"
Result<std::string> renderLibreswanConf(const PeerView& v);        // "libreswan"
Result<std::string> renderCiscoIos(const PeerView& v);             // "cisco-ios"
Result<std::string> renderHuaweiVrp(const PeerView& v);            // "huawei"
Result<std::string> renderH3cComware(const PeerView& v);           // "h3c"

}  // namespace vpngw::render
