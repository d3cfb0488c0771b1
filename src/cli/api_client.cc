#include "cli/api_client.h"

#include <httplib.h>
#include <sys/socket.h>

#include <cstdlib>
#include <fstream>
#include <ostream>
#include <sstream>

#include "cli/exit_codes.h"

namespace vpngw::cli {

namespace {

std::string readToken(const ApiOptions& o) {
  if (!o.token.empty()) {
    return o.token;
  }
  if (const char* env = std::getenv("VPNGW_TOKEN"); env != nullptr && *env != '\0') {
    return env;
  }
  std::ifstream f(o.state_dir + "/operator.token");
  std::string token;
  std::getline(f, token);
  return token;
}

}  // namespace

ApiClient::ApiClient(ApiOptions options) : options_(std::move(options)) {
  token_ = readToken(options_);
}

ApiResponse ApiClient::call(const std::string& method, const std::string& path,
                            const nlohmann::json& body, const std::optional<std::string>& text,
                            const std::string& content_type) const {
  std::unique_ptr<httplib::Client> client;
  if (!options_.api_url.empty()) {
    client = std::make_unique<httplib::Client>(options_.api_url);
  } else {
    client = std::make_unique<httplib::Client>(options_.state_dir + "/api.sock", 80);
    client->set_address_family(AF_UNIX);
  }
  client->set_connection_timeout(5, 0);
  client->set_read_timeout(60, 0);
  httplib::Headers headers;
  if (!token_.empty()) {
    headers.emplace("Authorization", "Bearer " + token_);
  }
  if (!options_.tenant.empty()) {
    headers.emplace("X-Tenant", options_.tenant);
  }
  // Always a body on POST/PATCH (an empty JSON object) so that every server accepts it.
  std::string payload = text ? *text : (body.is_null() ? "{}" : body.dump());
  httplib::Result res = method == "GET"     ? client->Get(path, headers)
                        : method == "POST"  ? client->Post(path, headers, payload, content_type)
                        : method == "PATCH" ? client->Patch(path, headers, payload, content_type)
                        : body.is_null()    ? client->Delete(path, headers)
                                            : client->Delete(path, headers, payload, content_type);
  ApiResponse out;
  if (!res) {
    out.error = httplib::to_string(res.error());
    return out;
  }
  out.status = res->status;
  out.body = res->body;
  out.content_type = res->get_header_value("Content-Type");
  out.json = nlohmann::json::parse(res->body, nullptr, false);
  if (out.json.is_discarded()) {
    out.json = nullptr;
  }
  return out;
}

int exitCodeFor(const ApiResponse& r) {
  if (r.status == 0) {
    return kExitNoDaemon;
  }
  if (r.status >= 200 && r.status < 300) {
    return kExitOk;
  }
  if (r.status == 404) {
    return kExitNotFound;
  }
  if (r.status == 409) {
    return kExitConflict;
  }
  if (r.status == 400 || r.status == 413 || r.status == 422) {
    return kExitConfigError;
  }
  return kExitFailure;
}

void printApiError(const ApiResponse& r, std::ostream& err) {
  if (r.status == 0) {
    err << "vpngw: no daemon answers (" << r.error << "); is `vpngw serve` running with this "
        << "--state-dir?\n";
    return;
  }
  const nlohmann::json& j = r.json;
  if (j.is_object() && j.contains("errors") && j["errors"].is_array()) {
    for (const auto& e : j["errors"]) {
      std::string field = e.value("field", "");
      std::string value = e.contains("value") && e["value"].is_string()
                              ? e["value"].get<std::string>()
                              : (e.contains("value") ? e["value"].dump() : "");
      err << "vpngw: " << (field.empty() ? "" : field + ": ")
          << (value.empty() ? "" : "value '" + value + "' ")
          << e.value("rule", e.value("message", "")) << "\n";
    }
    return;
  }
  err << "vpngw: HTTP " << r.status << ": " << r.body << "\n";
}

}  // namespace vpngw::cli
