#pragma once
// A refused request: HTTP status and every problem found, each naming the field, the value and
// the rule (issue 5). Rendered as
//   {"error": {"resource", "field", "value", "rule", "message"}, "errors": [ ... ]}
// where "error" is the first problem and "errors" all of them.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace vpngw::api {

struct FieldError {
  std::string resource;  // id of the resource the field belongs to; empty for the request itself
  std::string field;     // "ike.lifetime", "local_subnets[0]", "name", "Authorization", ...
  std::string value;     // as given; "<redacted>" for a PSK or token
  std::string rule;      // reads after the value, as in the configuration loader
  bool operator==(const FieldError&) const = default;
};

struct ApiError {
  int status = 400;
  std::vector<FieldError> errors;  // never empty

  static ApiError one(int status, std::string field, std::string value, std::string rule,
                      std::string resource = "");
  nlohmann::json toJson() const;
};

// "field: value 'v' rule" (the configuration loader's wording).
std::string describe(const FieldError& e);

}  // namespace vpngw::api
