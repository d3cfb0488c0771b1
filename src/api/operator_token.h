#pragma once
// The state directory's API files (issue 5 contract): the unix socket <state-dir>/api.sock and
// the operator token <state-dir>/operator.token, written (mode 0600) at first start and read
// at every later one.
#include <filesystem>
#include <string>

#include "base/result.h"

namespace vpngw::api {

std::filesystem::path apiSocketPath(const std::filesystem::path& state_dir);
std::filesystem::path operatorTokenPath(const std::filesystem::path& state_dir);

// The operator token: read from operator.token, or created there (64 random hex digits,
// mode 0600) when the file does not exist.
Result<std::string> loadOrCreateOperatorToken(const std::filesystem::path& state_dir);

}  // namespace vpngw::api
