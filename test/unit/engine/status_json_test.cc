// The `vpngw status --json` document: every field of the contract, from engine status, data
// plane counters and the two clocks.
#include "engine/status_json.h"

#include <gtest/gtest.h>

#include "fake_backend.h"

namespace vpngw::engine {
namespace {

using testing::FakeBackend;

// 2026-11-22T03:10:10.000Z on the wall clock is 100 s on the monotonic clock.
const WallClock kClock{TimePoint(100000ms),
                       std::chrono::system_clock::time_point(std::chrono::seconds(1795317010))};

Endpoint endpoint(std::string_view ip, uint16_t port) { return {*Ipv4::parse(ip), port}; }

ike::TunnelStatus connectedTunnel() {
  ike::TunnelStatus t;
  t.name = "t1";
  t.status = ike::ConnectionStatus::Connected;
  t.attempts = 1;
  ike::IkeSaStatus sa;
  sa.spi_i = 0x8285787a9e1b8ae2;
  sa.spi_r = 0x22543e6225ea8e59;
  sa.initiator = true;
  sa.algorithms = "aes128-sha1-modp1024";
  sa.local = endpoint("198.18.1.1", 500);
  sa.remote = endpoint("198.18.1.2", 500);
  sa.established_at = TimePoint(90000ms - 877ms);  // 10.877 s before "now"
  t.ike_sa = sa;
  ike::ChildSaStatus child;
  child.spi_in = 0xc22520e2;
  child.spi_out = 0xc30646c8;
  child.local_ts = {"10.1.0.0/24"};
  child.remote_ts = {"10.2.0.0/24"};
  child.algorithms = "aes128-sha1";
  child.established_at = TimePoint(95000ms);
  t.child_sas.push_back(child);
  return t;
}

TEST(StatusJson, SpiHexIsLowercaseAndZeroPadded) {
  EXPECT_EQ(ikeSpiHex(0x8285787A9E1B8AE2), "8285787a9e1b8ae2");
  EXPECT_EQ(ikeSpiHex(0x1), "0000000000000001");
  EXPECT_EQ(ikeSpiHex(0), "0000000000000000");
  EXPECT_EQ(ikeSpiHex(~uint64_t{0}), "ffffffffffffffff");
  EXPECT_EQ(childSpiHex(0xC22520E2), "c22520e2");
  EXPECT_EQ(childSpiHex(0xab), "000000ab");
  EXPECT_EQ(childSpiHex(0xffffffff), "ffffffff");
}

TEST(StatusJson, WallClockMapsMonotonicInstants) {
  EXPECT_EQ(kClock.iso(TimePoint(100000ms)), "2026-11-22T03:10:10.000Z");
  EXPECT_EQ(kClock.iso(TimePoint(90000ms - 877ms)), "2026-11-22T03:09:59.123Z");
  EXPECT_EQ(kClock.iso(TimePoint(101500ms)), "2026-11-22T03:10:11.500Z");
}

TEST(StatusJson, ConnectedTunnelHasEveryField) {
  FakeBackend backend;
  backend.set(0xc22520e2, {.bytes_in = 1200,
                           .bytes_out = 3400,
                           .packets_in = 12,
                           .packets_out = 34,
                           .last_used_unix = 1795317005});
  Json j = tunnelStatusJson(connectedTunnel(), backend, kClock);

  Json expected = Json::parse(R"({
    "name": "t1", "connection_status": "connected", "health": 1, "last_error": "",
    "diagnosis": {"code": "", "text": ""},
    "ike_sa": {"version": "v2", "spi_i": "8285787a9e1b8ae2", "spi_r": "22543e6225ea8e59",
               "algorithms": "aes128-sha1-modp1024",
               "established_at": "2026-11-22T03:09:59.123Z", "initiator": true,
               "local": "198.18.1.1:500", "remote": "198.18.1.2:500"},
    "child_sas": [{"spi_in": "c22520e2", "spi_out": "c30646c8",
                   "local_ts": ["10.1.0.0/24"], "remote_ts": ["10.2.0.0/24"],
                   "algorithms": "aes128-sha1", "protocol": "esp", "udp_encap": false,
                   "established_at": "2026-11-22T03:10:05.000Z",
                   "bytes_in": 1200, "bytes_out": 3400, "packets_in": 12, "packets_out": 34,
                   "last_used": "2026-11-22T03:10:05.000Z"}],
    "attempts": 1, "failures": 0, "rekeys": 0, "dpd_failures": 0, "last_error_at": null})");
  EXPECT_EQ(j, expected) << j.dump(2);
  // The contract's key order, so the document reads as documented.
  EXPECT_EQ(j.begin().key(), "name");
}

TEST(StatusJson, UnusedChildSaHasNullLastUsedAndZeroCounters) {
  FakeBackend backend;
  Json j = tunnelStatusJson(connectedTunnel(), backend, kClock);
  const Json& child = j["child_sas"][0];
  EXPECT_TRUE(child["last_used"].is_null());
  EXPECT_EQ(child["bytes_in"], 0);
  EXPECT_EQ(child["packets_out"], 0);
}

TEST(StatusJson, FailedTunnelWithoutIkeSa) {
  ike::TunnelStatus t;
  t.name = "t2";
  t.status = ike::ConnectionStatus::Phase1Failed;
  t.last_error = "AUTHENTICATION_FAILED from 198.18.1.2";
  t.last_error_at = TimePoint(99000ms);
  t.diagnosis = {ike::DiagnosisCode::PskMismatch, "The pre-shared keys differ."};
  t.attempts = 4;
  t.failures = 4;
  FakeBackend backend;
  Json j = tunnelStatusJson(t, backend, kClock);
  EXPECT_EQ(j["connection_status"], "phase1_failed");
  EXPECT_EQ(j["health"], 0);
  EXPECT_TRUE(j["ike_sa"].is_null());
  EXPECT_TRUE(j["child_sas"].is_array());
  EXPECT_TRUE(j["child_sas"].empty());
  EXPECT_EQ(j["last_error"], "AUTHENTICATION_FAILED from 198.18.1.2");
  EXPECT_EQ(j["last_error_at"], "2026-11-22T03:10:09.000Z");
  EXPECT_EQ(j["diagnosis"]["code"], "psk_mismatch");
  EXPECT_EQ(j["diagnosis"]["text"], "The pre-shared keys differ.");
  EXPECT_EQ(j["attempts"], 4);
  EXPECT_EQ(j["failures"], 4);
}

TEST(StatusJson, HealthIsOneOnlyWhenConnected) {
  FakeBackend backend;
  ike::TunnelStatus t;
  for (auto [status, text, health] :
       {std::tuple{ike::ConnectionStatus::Connecting, "connecting", 0},
        std::tuple{ike::ConnectionStatus::Connected, "connected", 1},
        std::tuple{ike::ConnectionStatus::Phase1Failed, "phase1_failed", 0},
        std::tuple{ike::ConnectionStatus::Phase2Failed, "phase2_failed", 0}}) {
    t.status = status;
    Json j = tunnelStatusJson(t, backend, kClock);
    EXPECT_EQ(j["connection_status"], text);
    EXPECT_EQ(j["health"], health) << text;
  }
}

TEST(StatusJson, DiagnosisCodes) {
  FakeBackend backend;
  ike::TunnelStatus t;
  t.status = ike::ConnectionStatus::Phase2Failed;
  for (auto [code, text] :
       {std::pair{ike::DiagnosisCode::None, ""},
        std::pair{ike::DiagnosisCode::PskMismatch, "psk_mismatch"},
        std::pair{ike::DiagnosisCode::VersionMismatch, "version_mismatch"},
        std::pair{ike::DiagnosisCode::ModeMismatch, "mode_mismatch"},
        std::pair{ike::DiagnosisCode::ProposalMismatch, "proposal_mismatch"},
        std::pair{ike::DiagnosisCode::DhMismatch, "dh_mismatch"},
        std::pair{ike::DiagnosisCode::IdMismatch, "id_mismatch"},
        std::pair{ike::DiagnosisCode::TsMismatch, "ts_mismatch"},
        std::pair{ike::DiagnosisCode::ProtocolMismatch, "protocol_mismatch"},
        std::pair{ike::DiagnosisCode::PeerUnreachable, "peer_unreachable"},
        std::pair{ike::DiagnosisCode::NatPeerMustInitiate, "nat_peer_must_initiate"}}) {
    t.diagnosis = {code, "x"};
    EXPECT_EQ(tunnelStatusJson(t, backend, kClock)["diagnosis"]["code"], text);
  }
}

TEST(StatusJson, DocumentHasTunnelsAndCounters) {
  FakeBackend backend;
  ike::EngineCounters engine;
  engine.received = 7;
  engine.sent = 6;
  engine.dropped_malformed = 3;
  engine.dropped_integrity = 2;
  engine.negotiations_failed = 1;
  engine.cookies_sent = 11;
  engine.nat_mapping_changes = 2;
  RuntimeCounters runtime;
  runtime.nat_keepalives = 5;
  runtime.dropped_short = 4;
  runtime.esp_dropped = 9;
  ike::TunnelStatus other;
  other.name = "t2";
  Json j = statusJson({connectedTunnel(), other}, engine, runtime, backend, kClock);
  ASSERT_TRUE(j["tunnels"].is_array());
  ASSERT_EQ(j["tunnels"].size(), 2u);
  EXPECT_EQ(j["tunnels"][0]["name"], "t1");
  EXPECT_EQ(j["tunnels"][1]["name"], "t2");
  const Json& c = j["counters"];
  EXPECT_EQ(c["received"], 7);
  EXPECT_EQ(c["sent"], 6);
  EXPECT_EQ(c["dropped_malformed"], 3);
  EXPECT_EQ(c["dropped_integrity"], 2);
  EXPECT_EQ(c["negotiations_failed"], 1);
  EXPECT_EQ(c["dropped_unknown_spi"], 0);
  EXPECT_EQ(c["cookies_sent"], 11);
  EXPECT_EQ(c["nat_mapping_changes"], 2);
  EXPECT_EQ(c["nat_keepalives"], 5);
  EXPECT_EQ(c["dropped_short"], 4);
  EXPECT_EQ(c["esp_dropped"], 9);
  // Every EngineCounters field is present.
  for (const char* key : {"received",
                          "sent",
                          "retransmits",
                          "dropped_malformed",
                          "dropped_unknown_spi",
                          "dropped_integrity",
                          "dropped_unexpected",
                          "dropped_version",
                          "retransmitted_responses",
                          "ike_sas_established",
                          "child_sas_established",
                          "negotiations_failed",
                          "dpd_checks",
                          "dead_peers",
                          "initial_contacts",
                          "cookies_sent",
                          "dropped_bad_cookie",
                          "dropped_half_open_limit",
                          "nat_mapping_changes",
                          "fragments_sent",
                          "fragments_received",
                          "messages_reassembled"}) {
    EXPECT_TRUE(c.contains(key)) << key;
  }
}

TEST(StatusJson, EmptyDocument) {
  FakeBackend backend;
  Json j = statusJson({}, {}, {}, backend, kClock);
  EXPECT_TRUE(j["tunnels"].is_array());
  EXPECT_TRUE(j["tunnels"].empty());
  EXPECT_TRUE(j["counters"].is_object());
}

}  // namespace
}  // namespace vpngw::engine
