// Parsing and answering control requests.
#include "engine/control_protocol.h"

#include <gtest/gtest.h>

namespace vpngw::engine {
namespace {

TEST(ControlProtocol, AcceptsJsonAndBareCommands) {
  for (std::string_view line : {R"({"command":"status"})", R"(  {"command": "status", "x": 1} )",
                                "status", "status\r", " status "}) {
    Result<ControlCommand> c = parseControlRequest(line);
    ASSERT_TRUE(c.ok()) << line << ": " << c.error().message;
    EXPECT_EQ(*c, ControlCommand::Status);
  }
}

TEST(ControlProtocol, RefusesMalformedRequests) {
  for (std::string_view line :
       {"", "   ", "stat", "STATUS", "{", R"({"command":"reboot"})", R"({"command":1})",
        R"({"cmd":"status"})", R"(["status"])", "{\"command\":\"status\"} trailing"}) {
    EXPECT_FALSE(parseControlRequest(line).ok()) << line;
  }
}

TEST(ControlProtocol, RequestLineRoundTrips) {
  std::string line = controlRequestLine(ControlCommand::Status);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  Result<ControlCommand> c = parseControlRequest(line);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, ControlCommand::Status);
}

TEST(ControlProtocol, AnswersStatusWithTheDocument) {
  int calls = 0;
  auto status = [&calls] {
    ++calls;
    return Json{{"tunnels", Json::array()}};
  };
  EXPECT_EQ(answerControlRequest("status", status), R"({"tunnels":[]})");
  EXPECT_EQ(calls, 1);
  Json error = Json::parse(answerControlRequest(R"({"command":"nope"})", status));
  EXPECT_EQ(error["error"], "unknown command");
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(Json::parse(answerControlRequest("{{{", status)).contains("error"));
}

TEST(ControlProtocol, InvalidUtf8IsReplacedNotThrown) {
  auto status = [] { return Json{{"last_error", std::string("bad \xff byte")}}; };
  std::string out = answerControlRequest("status", status);
  EXPECT_FALSE(Json::parse(out, nullptr, false).is_discarded()) << out;
  EXPECT_FALSE(Json::parse(controlErrorResponse("x\xfe"), nullptr, false).is_discarded());
}

}  // namespace
}  // namespace vpngw::engine
