#pragma once
// Per-tunnel status as the engine reports it (the `vpngw status --json` contract).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ip.h"
#include "base/time.h"

namespace vpngw::ike {

enum class ConnectionStatus { Connecting, Connected, Phase1Failed, Phase2Failed };
std::string_view toString(ConnectionStatus s);  // "connecting", "connected", ...

// Diagnosis codes of the status contract (empty when healthy).
enum class DiagnosisCode {
  None,
  PskMismatch,
  VersionMismatch,
  ModeMismatch,
  ProposalMismatch,
  DhMismatch,
  IdMismatch,
  TsMismatch,
  ProtocolMismatch,
  PeerUnreachable,
  NatPeerMustInitiate,
};
std::string_view toString(DiagnosisCode c);  // "", "psk_mismatch", ...

struct Diagnosis {
  DiagnosisCode code = DiagnosisCode::None;
  std::string text;  // a network engineer's sentence; both proposals when they differ
};

struct IkeSaStatus {
  std::string version = "v2";
  uint64_t spi_i = 0;
  uint64_t spi_r = 0;
  bool initiator = false;  // we initiated this IKE SA
  std::string algorithms;  // e.g. "aes128-sha1-modp1024", "aes128gcm16-prfsha256-curve25519"
  Endpoint local;
  Endpoint remote;
  TimePoint established_at{};
};

struct ChildSaStatus {
  uint32_t spi_in = 0;
  uint32_t spi_out = 0;
  std::vector<std::string> local_ts;
  std::vector<std::string> remote_ts;
  std::string algorithms;  // e.g. "aes128-sha1", "aes128gcm16", with "-modp1024" when PFS
  std::string protocol = "esp";
  bool udp_encap = false;  // ESP in UDP 4500 (RFC 3948): a NAT between the peers, or the peer asked
  TimePoint established_at{};
};

struct TunnelStatus {
  std::string name;
  ConnectionStatus status = ConnectionStatus::Connecting;
  std::string last_error;  // the last failure in one line, kept after recovery until replaced
  std::optional<TimePoint> last_error_at;
  Diagnosis diagnosis;        // of the current state (cleared when connected)
  uint32_t attempts = 0;      // negotiation tries started since the tunnel was loaded
  uint32_t failures = 0;      // consecutive failed tries
  uint32_t dpd_failures = 0;  // times the peer was declared dead
  uint32_t rekeys = 0;        // IKE and CHILD SA rekeys completed
  std::optional<IkeSaStatus> ike_sa;
  std::vector<ChildSaStatus> child_sas;
};

}  // namespace vpngw::ike
