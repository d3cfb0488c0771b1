#include "engine/status_json.h"

#include <cstdio>

namespace vpngw::engine {

namespace {

Json ikeSaJson(const ike::IkeSaStatus& sa, const WallClock& clock) {
  return Json{{"version", sa.version},
              {"spi_i", ikeSpiHex(sa.spi_i)},
              {"spi_r", ikeSpiHex(sa.spi_r)},
              {"algorithms", sa.algorithms},
              {"established_at", clock.iso(sa.established_at)},
              {"initiator", sa.initiator},
              {"local", sa.local.toString()},
              {"remote", sa.remote.toString()}};
}

Json childSaJson(const ike::ChildSaStatus& sa, const dataplane::Backend& backend,
                 const WallClock& clock) {
  dataplane::SaCounters c = backend.counters(sa.spi_in);
  Json last_used = nullptr;
  if (c.last_used_unix != 0) {
    last_used =
        isoTimestamp(std::chrono::system_clock::time_point(std::chrono::seconds(c.last_used_unix)));
  }
  return Json{{"spi_in", childSpiHex(sa.spi_in)}, {"spi_out", childSpiHex(sa.spi_out)},
              {"local_ts", sa.local_ts},          {"remote_ts", sa.remote_ts},
              {"algorithms", sa.algorithms},      {"protocol", sa.protocol},
              {"udp_encap", sa.udp_encap},        {"established_at", clock.iso(sa.established_at)},
              {"bytes_in", c.bytes_in},           {"bytes_out", c.bytes_out},
              {"packets_in", c.packets_in},       {"packets_out", c.packets_out},
              {"last_used", std::move(last_used)}};
}

}  // namespace

std::string ikeSpiHex(uint64_t spi) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(spi));
  return buf;
}

std::string childSpiHex(uint32_t spi) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08lx", static_cast<unsigned long>(spi));
  return buf;
}

Json tunnelStatusJson(const ike::TunnelStatus& tunnel, const dataplane::Backend& backend,
                      const WallClock& clock) {
  Json child_sas = Json::array();
  for (const ike::ChildSaStatus& sa : tunnel.child_sas) {
    child_sas.push_back(childSaJson(sa, backend, clock));
  }
  bool connected = tunnel.status == ike::ConnectionStatus::Connected;
  return Json{{"name", tunnel.name},
              {"connection_status", ike::toString(tunnel.status)},
              {"health", connected ? 1 : 0},
              {"last_error", tunnel.last_error},
              {"diagnosis", Json{{"code", ike::toString(tunnel.diagnosis.code)},
                                 {"text", tunnel.diagnosis.text}}},
              {"ike_sa", tunnel.ike_sa ? ikeSaJson(*tunnel.ike_sa, clock) : Json(nullptr)},
              {"child_sas", std::move(child_sas)},
              {"attempts", tunnel.attempts},
              {"failures", tunnel.failures},
              {"rekeys", tunnel.rekeys},
              {"dpd_failures", tunnel.dpd_failures},
              {"last_error_at",
               tunnel.last_error_at ? Json(clock.iso(*tunnel.last_error_at)) : Json(nullptr)}};
}

Json countersJson(const ike::EngineCounters& e, const RuntimeCounters& r) {
  return Json{{"received", e.received},
              {"sent", e.sent},
              {"retransmits", e.retransmits},
              {"dropped_malformed", e.dropped_malformed},
              {"dropped_unknown_spi", e.dropped_unknown_spi},
              {"dropped_integrity", e.dropped_integrity},
              {"dropped_unexpected", e.dropped_unexpected},
              {"dropped_version", e.dropped_version},
              {"retransmitted_responses", e.retransmitted_responses},
              {"ike_sas_established", e.ike_sas_established},
              {"child_sas_established", e.child_sas_established},
              {"negotiations_failed", e.negotiations_failed},
              {"dpd_checks", e.dpd_checks},
              {"dead_peers", e.dead_peers},
              {"initial_contacts", e.initial_contacts},
              {"cookies_sent", e.cookies_sent},
              {"dropped_bad_cookie", e.dropped_bad_cookie},
              {"dropped_half_open_limit", e.dropped_half_open_limit},
              {"nat_mapping_changes", e.nat_mapping_changes},
              {"fragments_sent", e.fragments_sent},
              {"fragments_received", e.fragments_received},
              {"messages_reassembled", e.messages_reassembled},
              {"datagrams_received", r.datagrams_received},
              {"nat_keepalives", r.nat_keepalives},
              {"dropped_short", r.dropped_short},
              {"dropped_truncated", r.dropped_truncated},
              {"esp_received", r.esp_received},
              {"esp_dropped", r.esp_dropped},
              {"send_errors", r.send_errors},
              {"send_no_socket", r.send_no_socket},
              {"control_requests", r.control_requests},
              {"control_rejected", r.control_rejected}};
}

Json dataplaneJson(const dataplane::Backend& backend) {
  Json out = Json::object();
  for (const auto& [name, value] : backend.dataplaneCounters()) {
    out[name] = value;
  }
  return out;
}

Json statusJson(const std::vector<ike::TunnelStatus>& tunnels, const ike::EngineCounters& engine,
                const RuntimeCounters& runtime, const dataplane::Backend& backend,
                const WallClock& clock) {
  Json list = Json::array();
  for (const ike::TunnelStatus& t : tunnels) {
    list.push_back(tunnelStatusJson(t, backend, clock));
  }
  Json counters = countersJson(engine, runtime);
  counters["dataplane"] = dataplaneJson(backend);
  return Json{{"tunnels", std::move(list)}, {"counters", std::move(counters)}};
}

}  // namespace vpngw::engine
