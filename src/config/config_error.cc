#include "config/config_error.h"

namespace vpngw::config {

std::string ConfigError::toString() const {
  if (field.empty()) {
    // File-level problems: the value (if any) is the file name.
    return value.empty() ? rule : value + ": " + rule;
  }
  if (value.empty()) {
    return field + ": " + rule;
  }
  return field + ": value '" + value + "' " + rule;
}

}  // namespace vpngw::config
