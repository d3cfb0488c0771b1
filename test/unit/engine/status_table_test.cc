// The human status table rendered from the status document.
#include "engine/status_table.h"

#include <gtest/gtest.h>

namespace vpngw::engine {
namespace {

constexpr std::string_view kDocument = R"({"tunnels": [
  {"name": "t1", "connection_status": "connected", "health": 1, "last_error": "",
   "diagnosis": {"code": "", "text": ""},
   "ike_sa": {"version": "v2", "spi_i": "8285787a9e1b8ae2", "spi_r": "22543e6225ea8e59"},
   "child_sas": [{"spi_in": "c22520e2", "spi_out": "c30646c8"},
                 {"spi_in": "c22520e3", "spi_out": "c30646c9"}]},
  {"name": "tunnel-two", "connection_status": "phase1_failed", "health": 0,
   "last_error": "AUTHENTICATION_FAILED",
   "diagnosis": {"code": "psk_mismatch", "text": "The peer refused our PSK."},
   "ike_sa": null, "child_sas": []},
  {"name": "t3", "connection_status": "phase2_failed", "health": 0,
   "last_error": "TS_UNACCEPTABLE", "diagnosis": {"code": "", "text": ""},
   "ike_sa": null, "child_sas": []}
], "counters": {}})";

TEST(StatusTable, RowsColumnsAndDiagnoses) {
  std::string table = renderStatusTable(Json::parse(kDocument));
  EXPECT_EQ(table,
            "NAME        STATUS         HEALTH  IKE SA                                "
            "CHILD SAs                            DIAGNOSIS\n"
            "t1          connected      1       v2 8285787a9e1b8ae2:22543e6225ea8e59  "
            "c22520e2/c30646c8,c22520e3/c30646c9  -\n"
            "tunnel-two  phase1_failed  0       -                                     "
            "-                                    psk_mismatch\n"
            "t3          phase2_failed  0       -                                     "
            "-                                    -\n"
            "\n"
            "tunnel-two: The peer refused our PSK.\n"
            "\n"
            "t3: TS_UNACCEPTABLE\n");
}

TEST(StatusTable, NoTunnels) {
  EXPECT_EQ(renderStatusTable(Json::parse(R"({"tunnels": []})")), "no tunnels\n");
}

TEST(StatusTable, ToleratesMissingAndMistypedFields) {
  Json doc = Json::parse(R"({"tunnels": [
    {"name": 5, "health": "x", "ike_sa": 3, "child_sas": {"a": 1}, "diagnosis": []},
    "not an object",
    {"name": "t9", "child_sas": [1, {"spi_in": 2}]}]})");
  std::string table = renderStatusTable(doc);
  EXPECT_NE(table.find("NAME"), std::string::npos);
  EXPECT_NE(table.find("t9"), std::string::npos);
  EXPECT_EQ(renderStatusTable(Json::parse("[1,2]")), "unexpected status document\n");
  EXPECT_EQ(renderStatusTable(Json::parse(R"({"tunnels": 3})")), "unexpected status document\n");
}

}  // namespace
}  // namespace vpngw::engine
