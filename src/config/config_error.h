#pragma once
// One problem found in a configuration: where it is, what was written there, and which rule it
// breaks. Loading reports every problem it finds, not just the first.
#include <string>
#include <string_view>

namespace vpngw::config {

// Shown instead of a secret's value (the PSK) in every error.
inline constexpr std::string_view kRedacted = "<redacted>";

struct ConfigError {
  std::string field;  // path such as "tunnels[0].ike.lifetime"; empty for file/syntax problems
  std::string value;  // the value as written; kRedacted for a PSK; empty when absent
  std::string rule;   // reads after the value: "is out of range: lifetime must be ..."

  // "tunnels[0].ike.lifetime: value '60' is out of range: lifetime must be 3600-86400 seconds"
  std::string toString() const;
  bool operator==(const ConfigError&) const = default;
};

}  // namespace vpngw::config
