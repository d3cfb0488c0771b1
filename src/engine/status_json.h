#pragma once
// Rendering of the `vpngw status --json` contract:
//   {"tunnels": [ {name, connection_status, health, last_error, diagnosis{code,text},
//                  ike_sa{...} | null, child_sas[...], attempts, failures, rekeys,
//                  dpd_failures, last_error_at},
//                 ... ],
//    "counters": {EngineCounters fields, RuntimeCounters fields,
//                 "dataplane": {packets/bytes in and out, batching, drops by reason}}}
// Pure functions of their inputs; the daemon calls them on the control socket.
#include <cstdint>
#include <string>
#include <vector>

#include "dataplane/backend.h"
#include "engine/json.h"
#include "engine/runtime_counters.h"
#include "engine/wall_clock.h"
#include "ike/engine.h"
#include "ike/status.h"

namespace vpngw::engine {

// SPIs as lowercase hex without 0x: 16 digits for IKE SPIs, 8 for ESP/AH SPIs.
std::string ikeSpiHex(uint64_t spi);
std::string childSpiHex(uint32_t spi);

// One tunnel; CHILD SA byte/packet counters come from the data plane.
Json tunnelStatusJson(const ike::TunnelStatus& tunnel, const dataplane::Backend& backend,
                      const WallClock& clock);

Json countersJson(const ike::EngineCounters& engine, const RuntimeCounters& runtime);

// The data plane's own counters ("packets_in", "dropped_auth_failed", ...); {} for a backend
// that carries no traffic.
Json dataplaneJson(const dataplane::Backend& backend);

// The whole document; "counters" holds "dataplane": dataplaneJson().
Json statusJson(const std::vector<ike::TunnelStatus>& tunnels, const ike::EngineCounters& engine,
                const RuntimeCounters& runtime, const dataplane::Backend& backend,
                const WallClock& clock);

}  // namespace vpngw::engine
