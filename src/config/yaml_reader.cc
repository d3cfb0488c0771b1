#include "config/yaml_reader.h"

#include <algorithm>
#include <charconv>

namespace vpngw::config {

std::string joinPath(std::string_view path, std::string_view key) {
  if (path.empty()) {
    return std::string(key);
  }
  std::string out(path);
  out += '.';
  out += key;
  return out;
}

std::string indexPath(std::string_view path, size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence:
      return "<list>";
    case YAML::NodeType::Map:
      return "<map>";
    case YAML::NodeType::Scalar:
      return node.Scalar();
    default:
      return "";
  }
}

std::optional<uint64_t> parseUnsigned(std::string_view text) {
  if (text.empty() || text.size() > 19 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) {
    return std::nullopt;
  }
  return v;
}

void Reader::fail(std::string field, std::string value, std::string rule) {
  errors_.push_back(ConfigError{std::move(field), std::move(value), std::move(rule)});
}

bool Reader::hasErrorAt(std::string_view field) const {
  return std::any_of(errors_.begin(), errors_.end(),
                     [&](const ConfigError& e) { return e.field == field; });
}

bool Reader::hasErrorUnder(std::string_view prefix) const {
  return std::any_of(errors_.begin(), errors_.end(), [&](const ConfigError& e) {
    return std::string_view(e.field).substr(0, prefix.size()) == prefix;
  });
}

bool Reader::checkMap(const YAML::Node& node, const std::string& path,
                      std::initializer_list<std::string_view> allowed) {
  if (!node.IsMap()) {
    fail(path, describe(node), "must be a map of fields");
    return false;
  }
  std::string allowed_text;
  for (std::string_view a : allowed) {
    allowed_text += allowed_text.empty() ? "" : ", ";
    allowed_text += a;
  }
  std::vector<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) {
      fail(path, describe(it->first), "is not a valid field name: keys must be plain names");
      continue;
    }
    const std::string& key = it->first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      fail(joinPath(path, key), "", "is not a known field (allowed: " + allowed_text + ")");
      continue;
    }
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      fail(joinPath(path, key), "", "is given more than once");
      continue;
    }
    seen.push_back(key);
  }
  return true;
}

std::optional<YAML::Node> Reader::field(const YAML::Node& map, const std::string& path,
                                        std::string_view key, bool required) {
  YAML::Node value = map[std::string(key)];  // const operator[]: never inserts
  if (!value.IsDefined() || value.IsNull()) {
    if (required) {
      fail(joinPath(path, key), "", "is required but missing");
    }
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> Reader::text(const YAML::Node& map, const std::string& path,
                                        std::string_view key, bool required, bool secret) {
  auto node = field(map, path, key, required);
  if (!node) {
    return std::nullopt;
  }
  if (!node->IsScalar()) {
    fail(joinPath(path, key), secret ? std::string(kRedacted) : describe(*node),
         "must be a single value, not a list or map");
    return std::nullopt;
  }
  return node->Scalar();
}

std::optional<Ipv4> Reader::ipv4(const YAML::Node& map, const std::string& path,
                                 std::string_view key, bool required) {
  auto t = text(map, path, key, required);
  if (!t) {
    return std::nullopt;
  }
  auto address = Ipv4::parse(*t);
  if (!address) {
    fail(joinPath(path, key), *t, "is not a valid IPv4 address (dotted quad such as 192.0.2.1)");
  }
  return address;
}

std::optional<bool> Reader::boolean(const YAML::Node& map, const std::string& path,
                                    std::string_view key) {
  auto t = text(map, path, key, false);
  if (!t) {
    return std::nullopt;
  }
  // YAML 1.2 core schema booleans only: "yes"/"on" are YAML 1.1 and too easy to mistype.
  if (*t == "true" || *t == "True" || *t == "TRUE") {
    return true;
  }
  if (*t == "false" || *t == "False" || *t == "FALSE") {
    return false;
  }
  fail(joinPath(path, key), *t, "is not a boolean: use true or false");
  return std::nullopt;
}

std::optional<uint64_t> Reader::integer(const YAML::Node& map, const std::string& path,
                                        std::string_view key, std::string_view what) {
  auto t = text(map, path, key, false);
  if (!t) {
    return std::nullopt;
  }
  auto v = parseUnsigned(*t);
  if (!v) {
    fail(joinPath(path, key), *t, "is not " + std::string(what) + " (a whole decimal number)");
  }
  return v;
}

std::vector<Located<Subnet>> Reader::subnets(const YAML::Node& map, const std::string& path,
                                             std::string_view key, bool required) {
  std::vector<Located<Subnet>> out;
  const std::string list_path = joinPath(path, key);
  auto node = field(map, path, key, required);
  if (!node) {
    return out;
  }
  if (!node->IsSequence()) {
    fail(list_path, describe(*node), "must be a list of CIDRs such as [10.1.0.0/24]");
    return out;
  }
  if (node->size() == 0 && required) {
    fail(list_path, "", "must list at least one subnet");
  }
  for (size_t i = 0; i < node->size(); ++i) {
    const YAML::Node& list = *node;
    const YAML::Node item = list[i];
    std::string item_path = indexPath(list_path, i);
    if (!item.IsScalar()) {
      fail(item_path, describe(item), "must be a CIDR such as 10.1.0.0/24");
      continue;
    }
    const std::string& t = item.Scalar();
    auto subnet = Subnet::parse(t);
    if (!subnet) {
      if (auto loose = Subnet::parseLoose(t)) {
        fail(item_path, t, "has host bits set: use the canonical form '" + loose->toString() + "'");
      } else {
        fail(item_path, t, "is not a valid IPv4 CIDR (a.b.c.d/len such as 10.1.0.0/24)");
      }
      continue;
    }
    auto dup = std::find_if(out.begin(), out.end(),
                            [&](const Located<Subnet>& s) { return s.value == *subnet; });
    if (dup != out.end()) {
      fail(item_path, t, "is listed twice (also " + dup->path + ")");
      continue;
    }
    out.push_back({*subnet, std::move(item_path)});
  }
  return out;
}

}  // namespace vpngw::config
