#pragma once
// Helpers for the configuration tests: a valid baseline document whose tunnel fields can be
// replaced one at a time, and assertions on the errors a document produces.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/loader.h"

namespace vpngw::config::testing {

// Two gateways, three customer gateways (one 0.0.0.0); no tunnels.
inline constexpr std::string_view kResources = R"(gateways:
  - name: gw-a
    public_ip: 198.18.1.1
    vpc_subnets: [10.1.0.0/16]
  - name: gw-b
    public_ip: 198.18.1.3
    vpc_subnets: [10.1.0.0/16]
customer_gateways:
  - name: site-b
    ip: 198.18.1.2
  - name: site-c
    ip: 198.18.1.4
  - name: roaming
    ip: 0.0.0.0
)";

// One tunnel entry, rendered as a YAML list item. Values are YAML text ("[10.1.0.0/24]").
class Tunnel {
 public:
  explicit Tunnel(std::string name = "t1") {
    fields_ = {{"name", std::move(name)},           {"gateway", "gw-a"},
               {"customer_gateway", "site-b"},      {"local_subnets", "[10.1.0.0/24]"},
               {"remote_subnets", "[10.2.0.0/24]"}, {"psk", "s3cret-Key"}};
  }
  Tunnel& set(const std::string& key, std::string value) {
    for (auto& [k, v] : fields_) {
      if (k == key) {
        v = std::move(value);
        return *this;
      }
    }
    fields_.emplace_back(key, std::move(value));
    return *this;
  }
  Tunnel& erase(const std::string& key) {
    std::erase_if(fields_, [&](const auto& f) { return f.first == key; });
    return *this;
  }
  std::string render() const {
    std::string out;
    for (const auto& [k, v] : fields_) {
      out += (out.empty() ? "  - " : "    ") + k + ": " + v + "\n";
    }
    return out;
  }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

inline std::string withTunnels(const std::vector<Tunnel>& tunnels) {
  std::string out(kResources);
  out += "tunnels:\n";
  for (const auto& t : tunnels) {
    out += t.render();
  }
  return out;
}

inline std::string withTunnel(const Tunnel& t) { return withTunnels({t}); }

inline std::string describe(const std::vector<ConfigError>& errors) {
  std::string out;
  for (const auto& e : errors) {
    out += "  " + e.toString() + "\n";
  }
  return out;
}

// The errors of a document that must not load (a test failure if it loads).
inline std::vector<ConfigError> errorsOf(std::string_view yaml, const LoadOptions& opts = {}) {
  auto result = parseConfig(yaml, opts);
  if (auto* errors = std::get_if<std::vector<ConfigError>>(&result)) {
    return *errors;
  }
  ADD_FAILURE() << "expected errors, but the configuration loaded:\n" << yaml;
  return {};
}

// The configuration of a document that must load (a test failure listing the errors if not).
inline ike::Config configOf(std::string_view yaml, const LoadOptions& opts = {}) {
  auto result = parseConfig(yaml, opts);
  if (auto* errors = std::get_if<std::vector<ConfigError>>(&result)) {
    ADD_FAILURE() << "expected the configuration to load, got:\n" << describe(*errors) << yaml;
    return {};
  }
  return std::get<ike::Config>(std::move(result));
}

// Exactly one error, at `field`, whose rule mentions `fragment`.
inline ::testing::AssertionResult onlyError(const std::vector<ConfigError>& errors,
                                            std::string_view field, std::string_view fragment) {
  if (errors.size() != 1 || errors[0].field != field ||
      errors[0].rule.find(fragment) == std::string::npos) {
    return ::testing::AssertionFailure()
           << "wanted one error at '" << field << "' mentioning '" << fragment << "', got:\n"
           << describe(errors);
  }
  return ::testing::AssertionSuccess();
}

// Some error at `field` whose rule mentions `fragment`.
inline ::testing::AssertionResult hasError(const std::vector<ConfigError>& errors,
                                           std::string_view field, std::string_view fragment) {
  for (const auto& e : errors) {
    if (e.field == field && e.rule.find(fragment) != std::string::npos) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure()
         << "wanted an error at '" << field << "' mentioning '" << fragment << "', got:\n"
         << describe(errors);
}

}  // namespace vpngw::config::testing
