#pragma once
// Client side of the control socket (used by `vpngw status`): one request, one response.
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/time.h"

namespace vpngw::engine {

// Connects to the unix socket at path, sends request plus "\n" and returns everything the
// server sends until it closes, without the trailing newline. An Error when nothing answers
// (no socket, refused, timeout, connection closed without a response).
Result<std::string> sendControlRequest(const std::string& path, std::string_view request,
                                       Duration timeout = 5000ms);

}  // namespace vpngw::engine
