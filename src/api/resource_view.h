#pragma once
// How resources are shown: the JSON of get/list (never the PSK), the list query (fuzzy search,
// sort, paging) and the CSV export.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "api/api_error.h"
#include "api/candidate.h"
#include "store/resource.h"

namespace vpngw::api {

// RFC 3339 UTC with milliseconds: "2024-05-01T12:00:00.123Z".
std::string formatTime(int64_t unix_ms);

// The resource as a client sees it: id, name, remark, status, created_at, updated_at, the
// document's fields (without "psk"), and per kind: a gateway's effective vpc_subnets and
// tunnel_count, a customer gateway's tunnel_count, a VPC's gateway_count, and a tunnel's
// connection status (`connection` is ServiceHooks::tunnelStatus(), null when unknown).
nlohmann::json resourceView(const store::Resource& r, const ResourceMap& resources,
                            const nlohmann::json& connection);

struct ListQuery {
  std::string q;     // case-insensitive substring of id, name, remark or an address/subnet
  std::string sort;  // a column name, "-column" for descending; default: creation order
  size_t page = 1;
  size_t per_page = 50;
  bool csv = false;
};

inline constexpr size_t kMaxPerPage = 1000;

// From the query parameters q, sort, page, per_page, format (json|csv).
std::variant<ListQuery, ApiError> parseListQuery(
    const std::multimap<std::string, std::string>& params, store::Kind kind);

// The columns of a kind's CSV export, which are also the fields `sort` accepts.
const std::vector<std::string>& listColumns(store::Kind kind);

// Filters and sorts (seq, view) pairs; ties keep creation order.
std::vector<nlohmann::json> selectViews(std::vector<std::pair<int64_t, nlohmann::json>> views,
                                        const ListQuery& query);

// RFC 4180 CSV with a header row of listColumns(kind); lists are joined with spaces.
std::string toCsv(const std::vector<nlohmann::json>& views, store::Kind kind);

}  // namespace vpngw::api
