#pragma once
// The JSON type of the control protocol: keys keep the order they were written in, so
// documents read like the status contract.
#include <nlohmann/json.hpp>

namespace vpngw::engine {

using Json = nlohmann::ordered_json;

}  // namespace vpngw::engine
