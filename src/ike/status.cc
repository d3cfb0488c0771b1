#include "ike/status.h"

namespace vpngw::ike {

std::string_view toString(ConnectionStatus s) {
  switch (s) {
    case ConnectionStatus::Connecting:
      return "connecting";
    case ConnectionStatus::Connected:
      return "connected";
    case ConnectionStatus::Phase1Failed:
      return "phase1_failed";
    case ConnectionStatus::Phase2Failed:
      return "phase2_failed";
  }
  return "connecting";
}

std::string_view toString(DiagnosisCode c) {
  switch (c) {
    case DiagnosisCode::None:
      return "";
    case DiagnosisCode::PskMismatch:
      return "psk_mismatch";
    case DiagnosisCode::VersionMismatch:
      return "version_mismatch";
    case DiagnosisCode::ModeMismatch:
      return "mode_mismatch";
    case DiagnosisCode::ProposalMismatch:
      return "proposal_mismatch";
    case DiagnosisCode::DhMismatch:
      return "dh_mismatch";
    case DiagnosisCode::IdMismatch:
      return "id_mismatch";
    case DiagnosisCode::TsMismatch:
      return "ts_mismatch";
    case DiagnosisCode::ProtocolMismatch:
      return "protocol_mismatch";
    case DiagnosisCode::PeerUnreachable:
      return "peer_unreachable";
    case DiagnosisCode::NatPeerMustInitiate:
      return "nat_peer_must_initiate";
  }
  return "";
}

}  // namespace vpngw::ike
