#pragma once
// What the store keeps: tenants and their resources (VPCs, VPN gateways, customer gateways,
// tunnels). A resource's settings are one JSON document using the configuration file's field
// names (docs/configuration.md); name and remark live beside it.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"

namespace vpngw::store {

enum class Kind { Vpc, Gateway, CustomerGateway, Tunnel };

// "vpc", "gateway", "customer_gateway", "tunnel" (as stored and shown in events).
std::string_view kindName(Kind kind);
std::optional<Kind> parseKind(std::string_view name);
// Id prefix without the dash: "vpc", "vgw", "cgw", "tun".
std::string_view idPrefix(Kind kind);
// The kind an id's prefix names, if any.
std::optional<Kind> kindOfId(std::string_view id);
// True for text shaped like a resource id ("tun-" and 16 lowercase hex digits).
bool looksLikeResourceId(std::string_view text);

// Resource status (spec §1): creating -> running -> deleting.
inline constexpr std::string_view kStatusCreating = "creating";
inline constexpr std::string_view kStatusRunning = "running";
inline constexpr std::string_view kStatusDeleting = "deleting";

struct Tenant {
  std::string id;
  std::string name;
  Bytes token_hash;  // SHA-256 of the bearer token; the token itself is never stored
  int64_t created_ms = 0;
};

struct Resource {
  int64_t seq = 0;  // creation order, assigned by the store
  std::string id;
  std::string tenant_id;
  Kind kind = Kind::Vpc;
  std::string name;
  std::string remark;
  nlohmann::json doc = nlohmann::json::object();
  std::string status{kStatusCreating};
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

}  // namespace vpngw::store
