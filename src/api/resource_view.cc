#include "api/resource_view.h"

#include <algorithm>
#include <charconv>
#include <ctime>

namespace vpngw::api {

namespace {

using store::Kind;
using store::Resource;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Fields searched by ?q= besides id, name and remark: the addresses and subnets.
constexpr const char* kSearchFields[] = {
    "public_ip", "bind_ip",     "lan_ip",        "ip",
    "subnets",   "vpc_subnets", "local_subnets", "remote_subnets"};

bool matches(const nlohmann::json& view, const std::string& needle) {
  auto hit = [&](const nlohmann::json& v) {
    return v.is_string() && lower(v.get<std::string>()).find(needle) != std::string::npos;
  };
  for (const char* key : {"id", "name", "remark"}) {
    if (auto it = view.find(key); it != view.end() && hit(*it)) {
      return true;
    }
  }
  for (const char* key : kSearchFields) {
    auto it = view.find(key);
    if (it == view.end()) {
      continue;
    }
    if (hit(*it)) {
      return true;
    }
    if (it->is_array() && std::any_of(it->begin(), it->end(), hit)) {
      return true;
    }
  }
  return false;
}

// "ike.version" looks inside nested objects.
const nlohmann::json* lookup(const nlohmann::json& view, const std::string& column) {
  const nlohmann::json* cur = &view;
  size_t start = 0;
  while (start <= column.size()) {
    size_t dot = column.find('.', start);
    std::string key = column.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!cur->is_object()) {
      return nullptr;
    }
    auto it = cur->find(key);
    if (it == cur->end() || it->is_null()) {
      return nullptr;
    }
    cur = &*it;
    if (dot == std::string::npos) {
      return cur;
    }
    start = dot + 1;
  }
  return nullptr;
}

std::string cellText(const nlohmann::json* v) {
  if (v == nullptr) {
    return "";
  }
  if (v->is_string()) {
    return v->get<std::string>();
  }
  if (v->is_array()) {
    std::string out;
    for (const auto& item : *v) {
      if (!out.empty()) {
        out += ' ';
      }
      out += item.is_string() ? item.get<std::string>() : item.dump();
    }
    return out;
  }
  return v->dump();
}

std::string csvCell(std::string text) {
  // Spreadsheets run cells that start with = + @ (or a tab/CR) as formulas: neutralise them.
  if (!text.empty() &&
      (text[0] == '=' || text[0] == '+' || text[0] == '@' || text[0] == '\t' || text[0] == '\r')) {
    text.insert(0, "'");
  }
  if (text.find_first_of(",\"\r\n") == std::string::npos) {
    return text;
  }
  std::string out = "\"";
  for (char c : text) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  return out + "\"";
}

// Missing values sort last; numbers by value; everything else by text.
bool lessByColumn(const nlohmann::json* a, const nlohmann::json* b) {
  if (a == nullptr || b == nullptr) {
    return a != nullptr && b == nullptr;
  }
  if (a->is_number() && b->is_number()) {
    return a->get<double>() < b->get<double>();
  }
  return cellText(a) < cellText(b);
}

bool parseCount(const std::string& text, size_t& out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && p == text.data() + text.size();
}

size_t countRefs(const ResourceMap& resources, Kind kind, const char* key, const std::string& id) {
  return static_cast<size_t>(std::count_if(resources.begin(), resources.end(), [&](const auto& e) {
    const Resource& r = e.second;
    auto it = r.doc.find(key);
    return r.kind == kind && it != r.doc.end() && it->is_string() && *it == id;
  }));
}

}  // namespace

std::string formatTime(int64_t unix_ms) {
  std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char ms[8];
  std::snprintf(ms, sizeof ms, ".%03dZ", static_cast<int>(unix_ms % 1000));
  return std::string(buf) + ms;
}

nlohmann::json resourceView(const Resource& r, const ResourceMap& resources,
                            const nlohmann::json& connection) {
  nlohmann::json v = r.doc;
  v.erase("psk");  // only the tenant's own peer configuration download carries the PSK
  v["id"] = r.id;
  v["name"] = r.name;
  v["remark"] = r.remark;
  v["status"] = r.status;
  v["created_at"] = formatTime(r.created_ms);
  v["updated_at"] = formatTime(r.updated_ms);
  switch (r.kind) {
    case Kind::Vpc:
      v["gateway_count"] = countRefs(resources, Kind::Gateway, "vpc", r.id);
      break;
    case Kind::Gateway:
      if (auto eff = effectiveGatewayDoc(r, resources); eff.contains("vpc_subnets")) {
        v["vpc_subnets"] = eff["vpc_subnets"];
      }
      v["tunnel_count"] = countRefs(resources, Kind::Tunnel, "gateway", r.id);
      break;
    case Kind::CustomerGateway:
      v["tunnel_count"] = countRefs(resources, Kind::Tunnel, "customer_gateway", r.id);
      break;
    case Kind::Tunnel: {
      bool known = connection.is_object();
      v["connection_status"] =
          known ? connection.value("connection_status", "unknown") : std::string("unknown");
      v["health"] = known ? connection.value("health", 0) : 0;
      v["connection"] = connection;
      break;
    }
  }
  return v;
}

const std::vector<std::string>& listColumns(Kind kind) {
  static const std::vector<std::string> kVpc{
      "id", "name", "remark", "status", "subnets", "gateway_count", "created_at", "updated_at"};
  static const std::vector<std::string> kGateway{
      "id",     "name", "remark",      "status",       "vpc",        "public_ip", "bind_ip",
      "lan_ip", "mtu",  "vpc_subnets", "tunnel_count", "created_at", "updated_at"};
  static const std::vector<std::string> kCustomerGateway{
      "id", "name", "remark", "status", "ip", "tunnel_count", "created_at", "updated_at"};
  static const std::vector<std::string> kTunnel{
      "id",          "name",       "remark",           "status",        "connection_status",
      "health",      "gateway",    "customer_gateway", "local_subnets", "remote_subnets",
      "ike.version", "route_mode", "created_at",       "updated_at"};
  switch (kind) {
    case Kind::Vpc:
      return kVpc;
    case Kind::Gateway:
      return kGateway;
    case Kind::CustomerGateway:
      return kCustomerGateway;
    case Kind::Tunnel:
      return kTunnel;
  }
  return kVpc;
}

std::variant<ListQuery, ApiError> parseListQuery(
    const std::multimap<std::string, std::string>& params, Kind kind) {
  ListQuery q;
  auto get = [&](const char* key) -> const std::string* {
    auto it = params.find(key);
    return it == params.end() ? nullptr : &it->second;
  };
  if (const auto* v = get("q")) {
    q.q = *v;
  }
  if (const auto* v = get("sort")) {
    q.sort = *v;
    std::string column = (!v->empty() && v->front() == '-') ? v->substr(1) : *v;
    const auto& cols = listColumns(kind);
    if (std::find(cols.begin(), cols.end(), column) == cols.end()) {
      std::string allowed;
      for (const auto& c : cols) {
        allowed += (allowed.empty() ? "" : ", ") + c;
      }
      return ApiError::one(
          400, "sort", *v,
          "is not a sortable field (allowed: " + allowed + "; prefix '-' for descending)");
    }
  }
  if (const auto* v = get("page"); v != nullptr && (!parseCount(*v, q.page) || q.page == 0)) {
    return ApiError::one(400, "page", *v, "must be a whole number from 1");
  }
  if (const auto* v = get("per_page");
      v != nullptr &&
      (!parseCount(*v, q.per_page) || q.per_page == 0 || q.per_page > kMaxPerPage)) {
    return ApiError::one(400, "per_page", *v,
                         "must be a whole number from 1 to " + std::to_string(kMaxPerPage));
  }
  if (const auto* v = get("format")) {
    if (*v != "json" && *v != "csv") {
      return ApiError::one(400, "format", *v, "must be json or csv");
    }
    q.csv = *v == "csv";
  }
  return q;
}

std::vector<nlohmann::json> selectViews(std::vector<std::pair<int64_t, nlohmann::json>> views,
                                        const ListQuery& query) {
  if (!query.q.empty()) {
    const std::string needle = lower(query.q);
    std::erase_if(views, [&](const auto& v) { return !matches(v.second, needle); });
  }
  std::sort(views.begin(), views.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  if (!query.sort.empty()) {
    bool desc = query.sort.front() == '-';
    std::string column = desc ? query.sort.substr(1) : query.sort;
    std::stable_sort(views.begin(), views.end(), [&](const auto& a, const auto& b) {
      const nlohmann::json* x = lookup(a.second, column);
      const nlohmann::json* y = lookup(b.second, column);
      // Descending reverses present values; missing ones stay last either way.
      if (desc && x != nullptr && y != nullptr) {
        return lessByColumn(y, x);
      }
      return lessByColumn(x, y);
    });
  }
  std::vector<nlohmann::json> out;
  out.reserve(views.size());
  for (auto& v : views) {
    out.push_back(std::move(v.second));
  }
  return out;
}

std::string toCsv(const std::vector<nlohmann::json>& views, Kind kind) {
  const auto& cols = listColumns(kind);
  std::string out;
  for (size_t i = 0; i < cols.size(); ++i) {
    out += (i ? "," : "") + csvCell(cols[i]);
  }
  out += "\r\n";
  for (const auto& v : views) {
    for (size_t i = 0; i < cols.size(); ++i) {
      out += (i ? "," : "") + csvCell(cellText(lookup(v, cols[i])));
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace vpngw::api
