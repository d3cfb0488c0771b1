#include "engine/control_protocol.h"

namespace vpngw::engine {

namespace {

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) {
    return {};
  }
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

Result<ControlCommand> commandByName(std::string_view name) {
  if (name == "status") {
    return ControlCommand::Status;
  }
  return makeError("unknown command");
}

}  // namespace

Result<ControlCommand> parseControlRequest(std::string_view line) {
  line = trim(line);
  if (line.empty()) {
    return makeError("empty request");
  }
  if (line.front() != '{') {
    return commandByName(line);
  }
  Json request = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded() || !request.is_object()) {
    return makeError("request is not a JSON object");
  }
  auto it = request.find("command");
  if (it == request.end() || !it->is_string()) {
    return makeError("request has no \"command\" string");
  }
  return commandByName(it->get_ref<const std::string&>());
}

std::string controlErrorResponse(std::string_view message) {
  return Json{{"error", message}}.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string controlRequestLine(ControlCommand command) {
  switch (command) {
    case ControlCommand::Status:
      return R"({"command":"status"})";
  }
  return {};
}

std::string answerControlRequest(std::string_view line, const std::function<Json()>& status) {
  Result<ControlCommand> command = parseControlRequest(line);
  if (!command) {
    return controlErrorResponse(command.error().message);
  }
  switch (*command) {
    case ControlCommand::Status:
      // Replace invalid UTF-8 (a peer-supplied string in an error text) instead of throwing.
      return status().dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  return controlErrorResponse("unknown command");
}

}  // namespace vpngw::engine
