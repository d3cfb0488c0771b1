#pragma once
// The text of an errno value, for log lines and error results.
#include <cerrno>
#include <cstring>
#include <string>

namespace vpngw {

inline std::string errnoText(int err = errno) { return std::strerror(err); }

}  // namespace vpngw
