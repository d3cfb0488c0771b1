#pragma once
// The daemon's state directory (holds control.sock).
#include <string>

#include "base/result.h"

namespace vpngw::engine {

// Creates path (and missing parents) with mode 0700 when missing; an existing directory is
// kept as it is. An Error when it cannot be created or is not a directory.
Status ensureStateDir(const std::string& path);

// path/control.sock
std::string controlSocketPath(const std::string& state_dir);

}  // namespace vpngw::engine
