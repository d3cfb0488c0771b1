#include "cli/resource_commands.h"

#include <httplib.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <functional>
#include <iomanip>
#include <sstream>

#include "cli/exit_codes.h"

namespace vpngw::cli {

namespace {

using ApiJson = nlohmann::json;

std::string readFile(const std::string& path, bool& ok) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  ok = static_cast<bool>(f);
  return s.str();
}

ApiJson fromYaml(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      ApiJson o = ApiJson::object();
      for (const auto& kv : n) {
        o[kv.first.as<std::string>()] = fromYaml(kv.second);
      }
      return o;
    }
    case YAML::NodeType::Sequence: {
      ApiJson a = ApiJson::array();
      for (const auto& v : n) {
        a.push_back(fromYaml(v));
      }
      return a;
    }
    case YAML::NodeType::Scalar:
      return n.as<std::string>();  // the API validates scalars by their text, as the file
    default:
      return nullptr;
  }
}

// A --set value: JSON when it parses as JSON (numbers, true, lists), else the text itself.
ApiJson setValue(const std::string& text) {
  ApiJson j = ApiJson::parse(text, nullptr, false);
  return j.is_discarded() ? ApiJson(text) : j;
}

std::optional<ApiJson> buildBody(const ResourceCommand& cmd, std::ostream& err) {
  ApiJson body = ApiJson::object();
  if (!cmd.from_file.empty()) {
    bool ok = false;
    std::string text = readFile(cmd.from_file, ok);
    if (!ok) {
      err << "vpngw: cannot read " << cmd.from_file << "\n";
      return std::nullopt;
    }
    body = ApiJson::parse(text, nullptr, false);
    if (body.is_discarded()) {
      try {
        body = fromYaml(YAML::Load(text));
      } catch (const YAML::Exception& e) {
        err << "vpngw: " << cmd.from_file << ": neither JSON nor YAML: " << e.what() << "\n";
        return std::nullopt;
      }
    }
    if (!body.is_object()) {
      err << "vpngw: " << cmd.from_file << ": expected one object (the resource's fields)\n";
      return std::nullopt;
    }
  }
  for (const auto& [k, v] : cmd.scalars) {
    body[k] = v;
  }
  for (const auto& [k, v] : cmd.lists) {
    body[k] = v;
  }
  for (const auto& s : cmd.sets) {
    auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      err << "vpngw: --set " << s << ": expected KEY=VALUE\n";
      return std::nullopt;
    }
    ApiJson* at = &body;
    std::string key = s.substr(0, eq);
    for (size_t dot; (dot = key.find('.')) != std::string::npos; key = key.substr(dot + 1)) {
      at = &(*at)[key.substr(0, dot)];
    }
    (*at)[key] = setValue(s.substr(eq + 1));
  }
  return body;
}

std::string text(const ApiJson& j) {
  if (j.is_null()) {
    return "-";
  }
  if (j.is_string()) {
    return j.get<std::string>();
  }
  if (j.is_array()) {
    std::string out;
    for (const auto& v : j) {
      out += (out.empty() ? "" : ",") + text(v);
    }
    return out.empty() ? "-" : out;
  }
  return j.dump();
}

struct Column {
  const char* title;
  const char* field;
};

std::vector<Column> columnsOf(ResourceKind k) {
  switch (k) {
    case ResourceKind::Vpc:
      return {{"ID", "id"},
              {"NAME", "name"},
              {"STATUS", "status"},
              {"SUBNETS", "subnets"},
              {"GATEWAYS", "gateway_count"}};
    case ResourceKind::Gateway:
      return {{"ID", "id"},
              {"NAME", "name"},
              {"STATUS", "status"},
              {"PUBLIC IP", "public_ip"},
              {"VPC", "vpc"},
              {"VPC SUBNETS", "vpc_subnets"},
              {"TUNNELS", "tunnel_count"}};
    case ResourceKind::CustomerGateway:
      return {{"ID", "id"},
              {"NAME", "name"},
              {"STATUS", "status"},
              {"IP", "ip"},
              {"TUNNELS", "tunnel_count"}};
    case ResourceKind::Tunnel:
      return {{"ID", "id"},
              {"NAME", "name"},
              {"STATUS", "status"},
              {"CONNECTION", "connection_status"},
              {"LOCAL", "local_subnets"},
              {"REMOTE", "remote_subnets"}};
  }
  return {};
}

void printTable(ResourceKind kind, const ApiJson& items, std::ostream& out) {
  auto cols = columnsOf(kind);
  std::vector<std::vector<std::string>> rows;
  std::vector<size_t> width;
  for (const auto& c : cols) {
    width.push_back(std::string(c.title).size());
  }
  for (const auto& item : items) {
    std::vector<std::string> row;
    for (size_t i = 0; i < cols.size(); ++i) {
      row.push_back(text(item.value(cols[i].field, ApiJson())));
      width[i] = std::max(width[i], row.back().size());
    }
    rows.push_back(std::move(row));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i + 1 < cells.size()) {
        out << std::left << std::setw(static_cast<int>(width[i]) + 2) << cells[i];
      } else {
        out << cells[i];
      }
    }
    out << "\n";
  };
  std::vector<std::string> titles;
  for (const auto& c : cols) {
    titles.emplace_back(c.title);
  }
  line(titles);
  for (const auto& r : rows) {
    line(r);
  }
}

void printObject(const ApiJson& j, const std::string& prefix, std::ostream& out) {
  for (const auto& [k, v] : j.items()) {
    if (v.is_object()) {
      printObject(v, prefix + k + ".", out);
    } else {
      out << prefix << k << ": " << text(v) << "\n";
    }
  }
}

// Answers with the API's JSON (--json) or a short human line / table; returns the exit code.
int finish(const ApiResponse& r, bool json, std::ostream& out, std::ostream& err,
           const std::function<void(const ApiJson&)>& human) {
  int code = exitCodeFor(r);
  if (code != kExitOk) {
    printApiError(r, err);
    return code;
  }
  if (json) {
    out << (r.json.is_null() ? ApiJson::object() : r.json).dump(2) << "\n";
  } else {
    human(r.json);
  }
  return kExitOk;
}

std::string queryOf(const ResourceCommand& cmd) {
  httplib::Params params;
  if (!cmd.search.empty()) {
    params.emplace("q", cmd.search);
  }
  if (!cmd.sort.empty()) {
    params.emplace("sort", cmd.sort);
  }
  if (cmd.page > 0) {
    params.emplace("page", std::to_string(cmd.page));
  }
  if (cmd.per_page > 0) {
    params.emplace("per_page", std::to_string(cmd.per_page));
  }
  if (cmd.csv) {
    params.emplace("format", "csv");
  }
  std::string s = httplib::detail::params_to_query_str(params);
  return s.empty() ? "" : "?" + s;
}

}  // namespace

std::string collectionOf(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::Vpc:
      return "vpcs";
    case ResourceKind::Gateway:
      return "gateways";
    case ResourceKind::CustomerGateway:
      return "customer-gateways";
    case ResourceKind::Tunnel:
      return "tunnels";
  }
  return "";
}

int runResource(const ApiOptions& api, const ResourceCommand& cmd, std::ostream& out,
                std::ostream& err) {
  ApiClient client(api);
  const std::string base = "/v1/" + collectionOf(cmd.kind);
  auto one = [&]() -> std::string { return cmd.refs.empty() ? "" : cmd.refs.front(); };
  if (cmd.verb == "create" || cmd.verb == "update") {
    auto body = buildBody(cmd, err);
    if (!body) {
      return kExitUsage;
    }
    auto r = cmd.verb == "create" ? client.call("POST", base, *body)
                                  : client.call("PATCH", base + "/" + one(), *body);
    return finish(r, cmd.json, out, err, [&](const ApiJson& j) {
      out << (cmd.verb == "create" ? "created " : "updated ") << j.value("id", "") << " ("
          << j.value("name", "") << ")\n";
    });
  }
  if (cmd.verb == "list") {
    auto r = client.call("GET", base + queryOf(cmd));
    if (cmd.csv && exitCodeFor(r) == kExitOk) {
      out << r.body;
      return kExitOk;
    }
    return finish(r, cmd.json, out, err, [&](const ApiJson& j) {
      printTable(cmd.kind, j.value("items", ApiJson::array()), out);
      out << j.value("total", 0) << " total";
      if (j.value("total", size_t{0}) > j.value("items", ApiJson::array()).size()) {
        out << " (page " << j.value("page", 1) << ", " << j.value("per_page", 0) << " per page)";
      }
      out << "\n";
    });
  }
  if (cmd.verb == "show") {
    auto r = client.call("GET", base + "/" + one());
    return finish(r, cmd.json, out, err, [&](const ApiJson& j) { printObject(j, "", out); });
  }
  if (cmd.verb == "delete") {
    ApiResponse r = cmd.refs.size() == 1
                        ? client.call("DELETE", base + "/" + one())
                        : client.call("POST", base + ":batch-delete", ApiJson{{"ids", cmd.refs}});
    return finish(r, cmd.json, out, err, [&](const ApiJson&) {
      for (const auto& ref : cmd.refs) {
        out << "deleted " << ref << "\n";
      }
    });
  }
  if (cmd.verb == "reset") {
    auto r = client.call("POST", base + "/" + one() + "/reset", ApiJson::object());
    return finish(r, cmd.json, out, err,
                  [&](const ApiJson&) { out << "reset requested for " << one() << "\n"; });
  }
  if (cmd.verb == "config") {
    auto r = client.call("GET", base + "/" + one() + "/config?format=" + cmd.format);
    int code = exitCodeFor(r);
    if (code != kExitOk) {
      printApiError(r, err);
      return code;
    }
    if (cmd.output.empty()) {
      out << r.body;
    } else {
      std::ofstream f(cmd.output);
      f << r.body;
      if (!f) {
        err << "vpngw: cannot write " << cmd.output << "\n";
        return kExitFailure;
      }
    }
    return kExitOk;
  }
  err << "vpngw: unknown command " << cmd.verb << "\n";
  return kExitUsage;
}

int runApply(const ApiOptions& api, const ApplyCommand& cmd, std::ostream& out, std::ostream& err) {
  bool ok = false;
  std::string text = readFile(cmd.file, ok);
  if (!ok) {
    err << "vpngw: cannot read " << cmd.file << "\n";
    return kExitUsage;
  }
  ApiClient client(api);
  auto r = client.call("POST", std::string("/v1/apply") + (cmd.prune ? "?prune=true" : ""), nullptr,
                       text, "application/yaml");
  return finish(r, cmd.json, out, err, [&](const ApiJson& j) {
    for (const char* what : {"created", "updated", "deleted", "unchanged"}) {
      for (const auto& e : j.value(what, ApiJson::array())) {
        out << what << " " << e.value("kind", "") << " " << e.value("name", "") << " ("
            << e.value("id", "") << ")\n";
      }
    }
  });
}

}  // namespace vpngw::cli
