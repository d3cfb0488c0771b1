#pragma once
// The CLI's connection to a running daemon's REST API: the unix socket <state-dir>/api.sock
// (or --api http://host:port), the bearer token from --token, $VPNGW_TOKEN or
// <state-dir>/operator.token, and X-Tenant for an operator acting on a tenant.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace vpngw::cli {

struct ApiOptions {
  std::string state_dir = "/var/lib/vpngw";
  std::string api_url;  // "http://host:port" instead of the unix socket
  std::string token;    // empty: $VPNGW_TOKEN, then <state-dir>/operator.token
  std::string tenant;   // X-Tenant (operator token only)
};

struct ApiResponse {
  int status = 0;       // 0: no answer (daemon not running, socket missing)
  std::string error;    // why there was no answer
  std::string body;     // raw body
  nlohmann::json json;  // parsed body, null when not JSON
  std::string content_type;
};

class ApiClient {
 public:
  explicit ApiClient(ApiOptions options);
  // method: GET POST PATCH DELETE; body sent as JSON when not null (text when `text` is set).
  ApiResponse call(const std::string& method, const std::string& path,
                   const nlohmann::json& body = nullptr,
                   const std::optional<std::string>& text = std::nullopt,
                   const std::string& content_type = "application/json") const;

 private:
  ApiOptions options_;
  std::string token_;
};

// The CLI exit status for an API answer (cli/exit_codes.h): 2xx ok; 400/413/422 refused
// (validation); 404 not found; 409 conflict; 401/403 and 5xx failure; no answer: no daemon.
int exitCodeFor(const ApiResponse& r);

// Prints an API error as "field: value: rule" lines (or the raw body) on err.
void printApiError(const ApiResponse& r, std::ostream& err);

}  // namespace vpngw::cli
