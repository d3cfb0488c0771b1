#pragma once
// `vpngw diagnose TUNNEL`: what is wrong with one tunnel and how to fix it, from the daemon's
// status document (the diagnosis of a failed negotiation, or for a connected tunnel what its
// traffic counters show), in a network engineer's words.
#include <ostream>
#include <string>
#include <vector>

#include "base/time.h"
#include "engine/status_json.h"

namespace vpngw::cli {

struct DiagnoseOptions {
  std::string state_dir;
  std::string tunnel;
  bool json = false;
  Duration timeout = 5000ms;
};

struct DiagnoseReport {
  std::string tunnel;
  std::string connection_status;
  std::string code;   // the status contract's diagnosis code, or "ok" / "no_traffic" / ...
  std::string cause;  // one or two sentences
  std::vector<std::string> fixes;  // what to check or change, most likely first
  std::string last_error;
  std::string last_error_at;  // ISO 8601, empty when none
};

// The report for one tunnel object of the status document ("tunnels"[i]), with the document's
// data-plane counters ("counters"."dataplane", may be null).
DiagnoseReport diagnoseTunnel(const engine::Json& tunnel, const engine::Json& dataplane);

std::string renderDiagnosis(const DiagnoseReport& report);
engine::Json diagnosisJson(const DiagnoseReport& report);

// kExitOk when the tunnel is connected and passes traffic both ways, kExitFailure when it has
// a problem (the report says which) or the tunnel does not exist, kExitNoDaemon when nothing
// answers.
int runDiagnose(const DiagnoseOptions& options, std::ostream& out, std::ostream& err);

}  // namespace vpngw::cli
