#pragma once
// `vpngw status`: asks the daemon over DIR/control.sock and prints its answer, as the JSON
// document (--json) or as a table.
#include <ostream>
#include <string>

#include "base/time.h"

namespace vpngw::cli {

struct StatusOptions {
  std::string state_dir;
  bool json = false;
  Duration timeout = 5000ms;
};

// kExitOk; kExitNoDaemon when nothing answers; kExitFailure when the daemon answers with an
// error or something that is not a status document.
int runStatus(const StatusOptions& options, std::ostream& out, std::ostream& err);

}  // namespace vpngw::cli
