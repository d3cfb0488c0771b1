#include "cli/status_command.h"

#include "cli/exit_codes.h"
#include "engine/control_client.h"
#include "engine/control_protocol.h"
#include "engine/state_dir.h"
#include "engine/status_table.h"

namespace vpngw::cli {

int runStatus(const StatusOptions& options, std::ostream& out, std::ostream& err) {
  const std::string path = engine::controlSocketPath(options.state_dir);
  Result<std::string> reply = engine::sendControlRequest(
      path, engine::controlRequestLine(engine::ControlCommand::Status), options.timeout);
  if (!reply) {
    err << "vpngw: no daemon answers on " << path << "\n";
    return kExitNoDaemon;
  }
  engine::Json doc = engine::Json::parse(*reply, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    err << "vpngw: the daemon on " << path << " sent an unreadable answer\n";
    return kExitFailure;
  }
  if (auto e = doc.find("error"); e != doc.end()) {
    err << "vpngw: the daemon refused the request: "
        << (e->is_string() ? e->get<std::string>() : e->dump()) << "\n";
    return kExitFailure;
  }
  if (options.json) {
    out << *reply << "\n";
  } else {
    out << engine::renderStatusTable(doc);
  }
  return kExitOk;
}

}  // namespace vpngw::cli
