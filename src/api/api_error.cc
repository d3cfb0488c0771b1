#include "api/api_error.h"

namespace vpngw::api {

ApiError ApiError::one(int status, std::string field, std::string value, std::string rule,
                       std::string resource) {
  return ApiError{
      status,
      {FieldError{std::move(resource), std::move(field), std::move(value), std::move(rule)}}};
}

std::string describe(const FieldError& e) {
  std::string out = e.field.empty() ? std::string() : e.field + ": ";
  if (!e.value.empty()) {
    out += "value '" + e.value + "' ";
  }
  return out + e.rule;
}

nlohmann::json ApiError::toJson() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& e : errors) {
    nlohmann::json item = {
        {"field", e.field}, {"value", e.value}, {"rule", e.rule}, {"message", describe(e)}};
    if (!e.resource.empty()) {
      item["resource"] = e.resource;
    }
    list.push_back(std::move(item));
  }
  nlohmann::json first = list.empty() ? nlohmann::json::object() : list.front();
  return {{"error", first}, {"errors", list}};
}

}  // namespace vpngw::api
