#pragma once
// The human form of `vpngw status`: one row per tunnel (NAME, STATUS, HEALTH, IKE SA,
// CHILD SAs, DIAGNOSIS) and, below the table, the diagnosis of each tunnel that has one.
// Renders the JSON document the daemon sends, tolerating missing or mistyped fields (the
// daemon may be a different version than the CLI).
#include <string>

#include "engine/json.h"

namespace vpngw::engine {

std::string renderStatusTable(const Json& status);

}  // namespace vpngw::engine
