#include "cli/diagnose_command.h"

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "cli/exit_codes.h"
#include "engine/control_client.h"
#include "engine/control_protocol.h"
#include "engine/state_dir.h"

namespace vpngw::cli {

namespace {

using engine::Json;

std::string str(const Json& j, std::string_view key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

uint64_t num(const Json& j, std::string_view key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) {
    return 0;
  }
  return it->is_number_unsigned() ? it->get<uint64_t>()
                                  : static_cast<uint64_t>(std::max<int64_t>(0, it->get<int64_t>()));
}

// The fixes for each diagnosis code (spec §3's troubleshooting list, seeds 001 §13.7 and 003).
std::vector<std::string> fixesFor(std::string_view code) {
  if (code == "psk_mismatch") {
    return {
        "Set the same pre-shared key on both gateways (vpngw `psk`; strongSwan `secrets`, "
        "Cisco `pre-shared-key`, Huawei `pre-shared-key cipher`).",
        "Check that the peer's remote id is this gateway's local id (default: its public IP) "
        "and its local id is what this tunnel expects as remote id."};
  }
  if (code == "version_mismatch") {
    return {
        "Use the same IKE version on both ends (`ike.version: v1|v2`; strongSwan "
        "`keyexchange=ikev1|ikev2` or swanctl `version`)."};
  }
  if (code == "mode_mismatch") {
    return {"Use the same IKEv1 negotiation mode on both ends (`ike.mode: main|aggressive`)."};
  }
  if (code == "proposal_mismatch") {
    return {
        "Make the encryption and authentication algorithms of this phase identical on both "
        "ends; the text above names both sides' proposals."};
  }
  if (code == "dh_mismatch") {
    return {
        "Use the same D-H group on both ends (`ike.dh_group`, or `ipsec.pfs` for phase 2); "
        "some devices default the PFS group to none: set it explicitly on the peer or "
        "`pfs: disable` here."};
  }
  if (code == "id_mismatch") {
    return {
        "Mirror the identities: our local id must be the peer's remote id and vice versa "
        "(`ike.local_id`, `ike.remote_id`; behind an elastic IP the id is the public IP)."};
  }
  if (code == "ts_mismatch") {
    return {
        "Mirror the subnets: our local_subnets must be the peer's remote subnets and our "
        "remote_subnets its local subnets, exactly (strongSwan reports "
        "TS_UNACCEPTABLE / INVALID_ID_INFORMATION).",
        "A peer that negotiates one SA per subnet pair (Cisco, H3C) needs "
        "`child_sa_per_subnet_pair: true`."};
  }
  if (code == "protocol_mismatch") {
    return {"Use the same IPsec protocol on both ends (`ipsec.protocol: esp|ah`)."};
  }
  if (code == "peer_unreachable") {
    return {"Check that the peer's public address is right and reachable from this gateway.",
            "Open UDP 500 and 4500 (and IP protocol 50 without NAT) both ways in security "
            "groups, ACLs and firewalls on the path.",
            "Check that the IPsec service runs on the peer and that NAT traversal is enabled "
            "there."};
  }
  if (code == "nat_peer_must_initiate") {
    return {
        "The peer sits behind a NAT: let the peer initiate (`initiator: false` here), and "
        "use a `0.0.0.0` customer gateway when its public address is not fixed, with the "
        "peer's identity as `remote_id`.",
        "Keep NAT traversal and keepalives on at the peer so the NAT mapping stays open."};
  }
  return {};
}

// A connected tunnel: does traffic flow?
void diagnoseConnected(const Json& tunnel, const Json& dataplane, DiagnoseReport& r) {
  uint64_t in = 0;
  uint64_t out = 0;
  size_t children = 0;
  if (auto c = tunnel.find("child_sas"); c != tunnel.end() && c->is_array()) {
    for (const Json& sa : *c) {
      in += num(sa, "packets_in");
      out += num(sa, "packets_out");
      ++children;
    }
  }
  const std::string ike = str(tunnel.value("ike_sa", Json::object()), "algorithms");
  const std::string sas = std::to_string(children) + " IPsec SA" + (children == 1 ? "" : "s");
  if (children == 0) {
    r.code = "no_ipsec_sa";
    r.cause =
        "The IKE SA is up but no IPsec SA is installed at the moment (a rekey or a "
        "negotiation is in progress).";
    r.fixes = {
        "Wait a few seconds and diagnose again; if it stays so, compare the phase-2 "
        "settings of both ends."};
    return;
  }
  if (in > 0 && out > 0) {
    r.code = "ok";
    r.cause = "Connected (IKE " + ike + ", " + sas + "); traffic passes both ways (" +
              std::to_string(out) + " packets out, " + std::to_string(in) + " in).";
    return;
  }
  if (in == 0 && out == 0) {
    r.code = "no_traffic";
    r.cause = "Connected (IKE " + ike + ", " + sas +
              "), but no packet has crossed the tunnel "
              "in either direction.";
    r.fixes = {
        "Route the remote subnets to this gateway in the VPC (its route table or the "
        "hosts' routes), and the local subnets to the peer on the other side.",
        "Check security groups and host firewalls on both sides for the test traffic."};
  } else if (in == 0) {
    r.code = "no_return_traffic";
    r.cause = "Connected; " + std::to_string(out) +
              " packets went to the peer but none came "
              "back through the tunnel.";
    r.fixes = {
        "On the peer's side, route our subnets into the tunnel and allow the traffic in "
        "its firewall or security groups.",
        "Check that the remote hosts answer (host firewall) and route back via the "
        "peer gateway."};
  } else {
    r.code = "no_outbound_traffic";
    r.cause = "Connected; " + std::to_string(in) +
              " packets came from the peer but none went "
              "back through the tunnel.";
    r.fixes = {
        "Route the remote subnets to this gateway in the VPC, and check the local hosts' "
        "firewalls and security groups."};
  }
  if (num(dataplane, "dropped_no_policy") > 0) {
    r.fixes.push_back(std::to_string(num(dataplane, "dropped_no_policy")) +
                      " packets reached the gateway from or to addresses outside every tunnel's "
                      "subnets and were dropped: add those subnets to the tunnel if they should "
                      "pass.");
  }
}

}  // namespace

DiagnoseReport diagnoseTunnel(const Json& tunnel, const Json& dataplane) {
  DiagnoseReport r;
  r.tunnel = str(tunnel, "name");
  r.connection_status = str(tunnel, "connection_status");
  r.last_error = str(tunnel, "last_error");
  r.last_error_at = str(tunnel, "last_error_at");
  const Json diagnosis = tunnel.value("diagnosis", Json::object());
  const std::string code = str(diagnosis, "code");
  if (r.connection_status == "connected") {
    diagnoseConnected(tunnel, dataplane.is_object() ? dataplane : Json::object(), r);
    return r;
  }
  if (!code.empty()) {
    r.code = code;
    r.cause = str(diagnosis, "text");
    r.fixes = fixesFor(code);
    return r;
  }
  r.code = "negotiating";
  r.cause = "The tunnel is " + r.connection_status + " and no failure has been seen yet (" +
            std::to_string(num(tunnel, "attempts")) + " tries so far).";
  r.fixes = {
      "Wait for the negotiation to finish (a failed try is retried within seconds); if "
      "it stays so, check that the peer answers on UDP 500/4500."};
  return r;
}

std::string renderDiagnosis(const DiagnoseReport& r) {
  std::string s = "tunnel " + r.tunnel + ": " + r.connection_status + "\n";
  s += "  diagnosis: " + r.code + "\n";
  s += "  cause:     " + r.cause + "\n";
  if (!r.last_error.empty()) {
    s += "  last error" + (r.last_error_at.empty() ? std::string() : " (" + r.last_error_at + ")") +
         ": " + r.last_error + "\n";
  }
  if (r.fixes.empty()) {
    s += "  fix:       nothing to do\n";
  }
  for (size_t i = 0; i < r.fixes.size(); ++i) {
    s += (i == 0 ? "  fix:       " : "             ") + std::to_string(i + 1) + ". " + r.fixes[i] +
         "\n";
  }
  return s;
}

Json diagnosisJson(const DiagnoseReport& r) {
  return Json{{"tunnel", r.tunnel},
              {"connection_status", r.connection_status},
              {"code", r.code},
              {"cause", r.cause},
              {"fixes", r.fixes},
              {"last_error", r.last_error},
              {"last_error_at", r.last_error_at.empty() ? Json(nullptr) : Json(r.last_error_at)}};
}

int runDiagnose(const DiagnoseOptions& options, std::ostream& out, std::ostream& err) {
  const std::string path = engine::controlSocketPath(options.state_dir);
  Result<std::string> reply = engine::sendControlRequest(
      path, engine::controlRequestLine(engine::ControlCommand::Status), options.timeout);
  if (!reply) {
    err << "vpngw: no daemon answers on " << path << "\n";
    return kExitNoDaemon;
  }
  Json doc = Json::parse(*reply, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("tunnels")) {
    err << "vpngw: the daemon on " << path << " sent an unreadable answer\n";
    return kExitFailure;
  }
  const Json dataplane = doc.value("counters", Json::object()).value("dataplane", Json::object());
  for (const Json& t : doc["tunnels"]) {
    if (str(t, "name") != options.tunnel) {
      continue;
    }
    DiagnoseReport r = diagnoseTunnel(t, dataplane);
    if (options.json) {
      out << diagnosisJson(r).dump() << "\n";
    } else {
      out << renderDiagnosis(r);
    }
    return r.code == "ok" ? kExitOk : kExitFailure;
  }
  err << "vpngw: the daemon has no tunnel named '" << options.tunnel << "'\n";
  return kExitFailure;
}

}  // namespace vpngw::cli
