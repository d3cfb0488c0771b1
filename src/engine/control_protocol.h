#pragma once
// The control socket protocol: one request line in, one JSON document plus "\n" out, then the
// server closes. A request is {"command":"status"} (a bare "status" is accepted too); errors
// are answered with {"error":"..."}.
#include <functional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "engine/json.h"

namespace vpngw::engine {

enum class ControlCommand { Status };

// The control socket's file name inside the state directory.
inline constexpr std::string_view kControlSocketName = "control.sock";

// Parses one request line (without its newline; surrounding whitespace is ignored).
Result<ControlCommand> parseControlRequest(std::string_view line);

// {"error": message}
std::string controlErrorResponse(std::string_view message);

// The request line a client sends for a command (without the newline).
std::string controlRequestLine(ControlCommand command);

// Answers one request line: the status document for "status", an error object otherwise.
// The response is a single line of JSON without the trailing newline.
std::string answerControlRequest(std::string_view line, const std::function<Json()>& status);

}  // namespace vpngw::engine
