#pragma once
// Typed, error-collecting access to a parsed YAML tree. Every problem becomes a ConfigError
// naming the field's path, and reading carries on, so one pass reports all of a file's errors.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/ip.h"
#include "config/config_error.h"

namespace vpngw::config {

// A value read from a list, with the path it came from ("tunnels[0].local_subnets[1]").
template <typename T>
struct Located {
  T value;
  std::string path;
};

// "a.b" (or "b" at the top level) and "a[3]".
std::string joinPath(std::string_view path, std::string_view key);
std::string indexPath(std::string_view path, size_t index);

class Reader {
 public:
  void fail(std::string field, std::string value, std::string rule);
  size_t errorCount() const { return errors_.size(); }
  bool hasErrorAt(std::string_view field) const;
  // Any error whose field starts with `prefix` ("tunnels[0].ike.").
  bool hasErrorUnder(std::string_view prefix) const;
  std::vector<ConfigError> takeErrors() { return std::move(errors_); }

  // True when `node` is a map. Reports non-string keys, keys that are not in `allowed` and
  // keys given twice (yaml-cpp keeps both, and silently using one would hide a mistake).
  bool checkMap(const YAML::Node& node, const std::string& path,
                std::initializer_list<std::string_view> allowed);

  // The value of map[key]; nullopt when absent or null (reported when `required`).
  std::optional<YAML::Node> field(const YAML::Node& map, const std::string& path,
                                  std::string_view key, bool required);

  // Scalar text. A `secret` field never has its value echoed in an error.
  std::optional<std::string> text(const YAML::Node& map, const std::string& path,
                                  std::string_view key, bool required, bool secret = false);
  std::optional<Ipv4> ipv4(const YAML::Node& map, const std::string& path, std::string_view key,
                           bool required);
  std::optional<bool> boolean(const YAML::Node& map, const std::string& path, std::string_view key);
  // A non-negative decimal integer; `what` names it in the rule ("a DH group number").
  std::optional<uint64_t> integer(const YAML::Node& map, const std::string& path,
                                  std::string_view key, std::string_view what);

  // A list of canonical CIDRs. Bad entries and repeats are reported and left out; an empty
  // list is reported when `required`.
  std::vector<Located<Subnet>> subnets(const YAML::Node& map, const std::string& path,
                                       std::string_view key, bool required);

  // A keyword from a closed set: `parse` maps the text, `allowed` lists the names for the rule.
  template <typename E, typename Parse>
  std::optional<E> keyword(const YAML::Node& map, const std::string& path, std::string_view key,
                           Parse parse, std::string_view allowed) {
    auto t = text(map, path, key, false);
    if (!t) {
      return std::nullopt;
    }
    std::optional<E> value = parse(*t);
    if (!value) {
      fail(joinPath(path, key), *t,
           "is not allowed: " + std::string(key) + " must be one of " + std::string(allowed));
    }
    return value;
  }

 private:
  std::vector<ConfigError> errors_;
};

// Short description of a non-scalar node for error values: "<list>", "<map>".
std::string describe(const YAML::Node& node);

// Parses a decimal integer that fills the whole text (no sign, no spaces).
std::optional<uint64_t> parseUnsigned(std::string_view text);

}  // namespace vpngw::config
