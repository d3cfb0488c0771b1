// `vpngw diagnose`: the report for each kind of tunnel state in the status document.
#include <gtest/gtest.h>

#include <sstream>

#include "cli/diagnose_command.h"
#include "cli/exit_codes.h"

namespace vpngw::cli {
namespace {

using engine::Json;

Json failedTunnel(const std::string& status, const std::string& code, const std::string& text) {
  return Json{{"name", "t1"},
              {"connection_status", status},
              {"health", 0},
              {"last_error", "IKE_AUTH failed"},
              {"last_error_at", "2026-11-22T03:10:05.000Z"},
              {"diagnosis", {{"code", code}, {"text", text}}},
              {"ike_sa", nullptr},
              {"child_sas", Json::array()},
              {"attempts", 4},
              {"failures", 4}};
}

Json connectedTunnel(uint64_t in, uint64_t out) {
  return Json{{"name", "t1"},
              {"connection_status", "connected"},
              {"health", 1},
              {"last_error", ""},
              {"diagnosis", {{"code", ""}, {"text", ""}}},
              {"ike_sa", {{"algorithms", "aes128-sha1-modp1024"}}},
              {"child_sas", Json::array({Json{{"packets_in", in}, {"packets_out", out}}})},
              {"attempts", 1},
              {"failures", 0}};
}

TEST(Diagnose, EveryFailureCodeHasACauseAndAFix) {
  for (const char* code : {"psk_mismatch", "version_mismatch", "mode_mismatch", "proposal_mismatch",
                           "dh_mismatch", "id_mismatch", "ts_mismatch", "protocol_mismatch",
                           "peer_unreachable", "nat_peer_must_initiate"}) {
    DiagnoseReport r = diagnoseTunnel(failedTunnel("phase1_failed", code, "the cause"), nullptr);
    EXPECT_EQ(r.code, code);
    EXPECT_EQ(r.cause, "the cause");
    EXPECT_FALSE(r.fixes.empty()) << code;
    EXPECT_EQ(r.last_error_at, "2026-11-22T03:10:05.000Z");
  }
}

TEST(Diagnose, SubnetsNotMirroredMentionsPerPairSas) {
  DiagnoseReport r = diagnoseTunnel(
      failedTunnel("phase2_failed", "ts_mismatch", "the peer refused our subnets"), nullptr);
  ASSERT_EQ(r.fixes.size(), 2u);
  EXPECT_NE(r.fixes[0].find("Mirror the subnets"), std::string::npos);
  EXPECT_NE(r.fixes[1].find("child_sa_per_subnet_pair: true"), std::string::npos);
  const std::string text = renderDiagnosis(r);
  EXPECT_NE(text.find("tunnel t1: phase2_failed"), std::string::npos) << text;
  EXPECT_NE(text.find("diagnosis: ts_mismatch"), std::string::npos) << text;
  EXPECT_NE(text.find("1. Mirror"), std::string::npos) << text;
  EXPECT_NE(text.find("2. A peer"), std::string::npos) << text;
}

TEST(Diagnose, ConnectedWithTrafficBothWaysIsOk) {
  DiagnoseReport r = diagnoseTunnel(connectedTunnel(10, 12), nullptr);
  EXPECT_EQ(r.code, "ok");
  EXPECT_TRUE(r.fixes.empty());
  EXPECT_NE(r.cause.find("12 packets out, 10 in"), std::string::npos) << r.cause;
  EXPECT_NE(renderDiagnosis(r).find("nothing to do"), std::string::npos);
}

TEST(Diagnose, ConnectedWithoutTrafficPointsAtRoutesAndSecurityGroups) {
  DiagnoseReport r = diagnoseTunnel(connectedTunnel(0, 0), Json::object());
  EXPECT_EQ(r.code, "no_traffic");
  ASSERT_FALSE(r.fixes.empty());
  EXPECT_NE(r.fixes[0].find("route table"), std::string::npos);
}

TEST(Diagnose, OneWayTrafficSaysWhichWay) {
  EXPECT_EQ(diagnoseTunnel(connectedTunnel(0, 7), nullptr).code, "no_return_traffic");
  EXPECT_EQ(diagnoseTunnel(connectedTunnel(7, 0), nullptr).code, "no_outbound_traffic");
}

TEST(Diagnose, DroppedOutOfPolicyPacketsAreMentioned) {
  DiagnoseReport r = diagnoseTunnel(connectedTunnel(0, 5), Json{{"dropped_no_policy", 42}});
  ASSERT_FALSE(r.fixes.empty());
  EXPECT_NE(r.fixes.back().find("42 packets"), std::string::npos) << r.fixes.back();
}

TEST(Diagnose, StillNegotiatingWithoutFailure) {
  Json t = failedTunnel("connecting", "", "");
  t["last_error"] = "";
  t.erase("last_error_at");
  DiagnoseReport r = diagnoseTunnel(t, nullptr);
  EXPECT_EQ(r.code, "negotiating");
  EXPECT_NE(r.cause.find("4 tries"), std::string::npos) << r.cause;
}

TEST(Diagnose, JsonShape) {
  Json j = diagnosisJson(
      diagnoseTunnel(failedTunnel("phase1_failed", "psk_mismatch", "keys differ"), nullptr));
  EXPECT_EQ(j["tunnel"], "t1");
  EXPECT_EQ(j["code"], "psk_mismatch");
  EXPECT_EQ(j["cause"], "keys differ");
  EXPECT_TRUE(j["fixes"].is_array());
  EXPECT_EQ(j["last_error_at"], "2026-11-22T03:10:05.000Z");
}

TEST(Diagnose, NoDaemonAnswers) {
  DiagnoseOptions o;
  o.state_dir = "/nonexistent-vpngw-state";
  o.tunnel = "t1";
  o.timeout = 200ms;
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(runDiagnose(o, out, err), kExitNoDaemon);
  EXPECT_NE(err.str().find("no daemon answers"), std::string::npos);
}

}  // namespace
}  // namespace vpngw::cli
