#include "config/loader.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "config/cross_checks.h"
#include "config/resource_parser.h"
#include "config/yaml_reader.h"

namespace vpngw::config {

namespace {

// Far above any real configuration (20 tunnels per gateway); bounds what a mistaken path
// (a log file, a disk image) can make us read.
constexpr size_t kMaxFileSize = 16 * 1024 * 1024;

std::string where(const YAML::Mark& mark) {
  // yaml-cpp counts from 0; editors count from 1.
  return "line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1);
}

// Reads a top-level list, calling `parse(node, path)` for every entry.
template <typename Parse>
void readList(Reader& r, const YAML::Node& root, std::string_view key, Parse parse) {
  auto node = r.field(root, "", key, false);
  if (!node) {
    return;  // absent or empty: no entries
  }
  if (!node->IsSequence()) {
    r.fail(std::string(key), describe(*node), "must be a list");
    return;
  }
  const YAML::Node& list = *node;
  for (size_t i = 0; i < list.size(); ++i) {
    parse(list[i], indexPath(key, i));
  }
}

std::optional<ConfigError> checkOptions(const LoadOptions& opts) {
  if (opts.min_lifetime.count() <= 0 || opts.min_lifetime > opts.max_lifetime) {
    return ConfigError{"", "",
                       "invalid load options: the minimum lifetime (" +
                           std::to_string(opts.min_lifetime.count()) +
                           " s) must be positive and at most the maximum (" +
                           std::to_string(opts.max_lifetime.count()) + " s)"};
  }
  return std::nullopt;
}

LoadResult validate(const YAML::Node& root, const LoadOptions& opts) {
  Reader r;
  if (!root.IsMap()) {
    r.fail("", describe(root),
           "the top level must be a map with gateways, customer_gateways and tunnels "
           "(an empty configuration is written {})");
    return r.takeErrors();
  }
  r.checkMap(root, "", {"gateways", "customer_gateways", "tunnels"});

  ike::Config config;
  readList(r, root, "gateways", [&](const YAML::Node& n, const std::string& path) {
    config.gateways.push_back(parseGateway(r, n, path));
  });
  readList(r, root, "customer_gateways", [&](const YAML::Node& n, const std::string& path) {
    config.customer_gateways.push_back(parseCustomerGateway(r, n, path));
  });
  std::vector<ParsedTunnel> tunnels;
  readList(r, root, "tunnels", [&](const YAML::Node& n, const std::string& path) {
    tunnels.push_back(parseTunnel(r, n, path, opts));
  });

  auto names = [](const auto& items) {
    std::vector<std::string> out;
    for (const auto& i : items) {
      out.push_back(i.name);
    }
    return out;
  };
  checkUniqueNames(r, "gateways", names(config.gateways));
  checkUniqueNames(r, "customer_gateways", names(config.customer_gateways));
  std::vector<std::string> tunnel_names;
  for (const auto& t : tunnels) {
    tunnel_names.push_back(t.config.name);
  }
  checkUniqueNames(r, "tunnels", tunnel_names);
  checkTunnels(r, config.gateways, config.customer_gateways, tunnels, opts);

  if (r.errorCount() > 0) {
    return r.takeErrors();
  }
  for (auto& t : tunnels) {
    config.tunnels.push_back(std::move(t.config));
  }
  return config;
}

}  // namespace

LoadResult parseConfig(std::string_view yaml_text, const LoadOptions& opts) {
  if (auto bad = checkOptions(opts)) {
    return std::vector<ConfigError>{*bad};
  }
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    return std::vector<ConfigError>{
        ConfigError{"", "", "YAML syntax error at " + where(e.mark) + ": " + e.msg}};
  }
  if (documents.size() != 1) {
    return std::vector<ConfigError>{ConfigError{
        "", "",
        "the configuration must be exactly one YAML document (found " +
            std::to_string(documents.size()) + "; an empty configuration is written {})"}};
  }
  try {
    return validate(documents.front(), opts);
  } catch (const YAML::Exception& e) {
    // Not expected (fields are type-checked before use), but a tree we cannot walk is a
    // configuration error, not a crash.
    return std::vector<ConfigError>{
        ConfigError{"", "", "cannot read the YAML structure at " + where(e.mark) + ": " + e.msg}};
  }
}

LoadResult parseConfigTree(const YAML::Node& root, const LoadOptions& opts) {
  if (auto bad = checkOptions(opts)) {
    return std::vector<ConfigError>{*bad};
  }
  try {
    return validate(root, opts);
  } catch (const YAML::Exception& e) {
    return std::vector<ConfigError>{
        ConfigError{"", "", "cannot read the YAML structure at " + where(e.mark) + ": " + e.msg}};
  }
}

LoadResult loadConfigFile(const std::string& path, const LoadOptions& opts) {
  auto unreadable = [&](const std::string& why) {
    return std::vector<ConfigError>{ConfigError{"", path, "cannot read file: " + why}};
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return unreadable("it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return unreadable(std::error_code(errno, std::generic_category()).message());
  }
  std::string text;
  std::array<char, 65536> buffer{};
  while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
    text.append(buffer.data(), static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxFileSize) {
      return unreadable("larger than " + std::to_string(kMaxFileSize) + " bytes");
    }
  }
  if (in.bad()) {
    return unreadable("read error");
  }
  return parseConfig(text, opts);
}

}  // namespace vpngw::config
