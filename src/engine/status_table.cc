#include "engine/status_table.h"

#include <algorithm>
#include <array>
#include <vector>

namespace vpngw::engine {

namespace {

constexpr size_t kColumns = 6;
using Row = std::array<std::string, kColumns>;

std::string stringField(const Json& object, const char* key) {
  if (!object.is_object()) {
    return {};
  }
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string orDash(std::string s) { return s.empty() ? "-" : s; }

std::string ikeSaCell(const Json& tunnel) {
  auto it = tunnel.find("ike_sa");
  if (it == tunnel.end() || !it->is_object()) {
    return "-";
  }
  return stringField(*it, "version") + " " + stringField(*it, "spi_i") + ":" +
         stringField(*it, "spi_r");
}

std::string childSasCell(const Json& tunnel) {
  auto it = tunnel.find("child_sas");
  if (it == tunnel.end() || !it->is_array() || it->empty()) {
    return "-";
  }
  std::string cell;
  // Iterate the underlying vector: GCC 12 reports a false null dereference inside
  // nlohmann's iterator here.
  for (const Json& sa : it->get_ref<const Json::array_t&>()) {
    if (!cell.empty()) {
      cell += ",";
    }
    cell += stringField(sa, "spi_in") + "/" + stringField(sa, "spi_out");
  }
  return cell;
}

std::string healthCell(const Json& tunnel) {
  auto it = tunnel.find("health");
  return it != tunnel.end() && it->is_number_integer() ? std::to_string(it->get<int64_t>()) : "-";
}

Row rowOf(const Json& tunnel) {
  return {orDash(stringField(tunnel, "name")),
          orDash(stringField(tunnel, "connection_status")),
          healthCell(tunnel),
          ikeSaCell(tunnel),
          childSasCell(tunnel),
          orDash(stringField(tunnel.value("diagnosis", Json::object()), "code"))};
}

std::string formatRows(const std::vector<Row>& rows) {
  std::array<size_t, kColumns> width{};
  for (const Row& r : rows) {
    for (size_t i = 0; i < kColumns; ++i) {
      width[i] = std::max(width[i], r[i].size());
    }
  }
  std::string out;
  for (const Row& r : rows) {
    std::string line;
    for (size_t i = 0; i < kColumns; ++i) {
      line += r[i];
      if (i + 1 < kColumns) {
        line.append(width[i] - r[i].size() + 2, ' ');
      }
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace

std::string renderStatusTable(const Json& status) {
  const Json tunnels = status.is_object() ? status.value("tunnels", Json::array()) : Json();
  if (!tunnels.is_array()) {
    return "unexpected status document\n";
  }
  if (tunnels.empty()) {
    return "no tunnels\n";
  }
  std::vector<Row> rows{{"NAME", "STATUS", "HEALTH", "IKE SA", "CHILD SAs", "DIAGNOSIS"}};
  std::string notes;
  for (const Json& t : tunnels.get_ref<const Json::array_t&>()) {
    if (!t.is_object()) {
      continue;
    }
    rows.push_back(rowOf(t));
    std::string text = stringField(t.value("diagnosis", Json::object()), "text");
    std::string status_text = stringField(t, "connection_status");
    bool failed = status_text.ends_with("_failed");
    if (text.empty() && failed) {
      text = stringField(t, "last_error");
    }
    if (!text.empty() && (failed || status_text != "connected")) {
      notes += "\n" + orDash(stringField(t, "name")) + ": " + text + "\n";
    }
  }
  return formatRows(rows) + notes;
}

}  // namespace vpngw::engine
