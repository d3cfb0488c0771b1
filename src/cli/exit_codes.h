#pragma once
// Process exit statuses of the vpngw commands (part of the CLI contract).
namespace vpngw::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;      // runtime failure: cannot bind, daemon error
inline constexpr int kExitConfigError = 2;  // the configuration (or an API request) is invalid
inline constexpr int kExitNoDaemon = 3;     // `status`: nothing answers on the control socket
inline constexpr int kExitNotFound = 4;     // the API answered 404: no such resource
inline constexpr int kExitConflict = 5;     // the API answered 409 (e.g. delete with dependants)
inline constexpr int kExitUsage = 64;       // bad command line (sysexits.h EX_USAGE)

}  // namespace vpngw::cli
