#include "store/resource.h"

#include <algorithm>
#include <array>

namespace vpngw::store {

namespace {

constexpr size_t kIdHexDigits = 16;

struct KindInfo {
  Kind kind;
  std::string_view name;
  std::string_view prefix;
};

constexpr std::array<KindInfo, 4> kKinds{{
    {Kind::Vpc, "vpc", "vpc"},
    {Kind::Gateway, "gateway", "vgw"},
    {Kind::CustomerGateway, "customer_gateway", "cgw"},
    {Kind::Tunnel, "tunnel", "tun"},
}};

const KindInfo& info(Kind kind) { return kKinds[static_cast<size_t>(kind)]; }

}  // namespace

std::string_view kindName(Kind kind) { return info(kind).name; }

std::optional<Kind> parseKind(std::string_view name) {
  for (const auto& k : kKinds) {
    if (k.name == name) {
      return k.kind;
    }
  }
  return std::nullopt;
}

std::string_view idPrefix(Kind kind) { return info(kind).prefix; }

std::optional<Kind> kindOfId(std::string_view id) {
  for (const auto& k : kKinds) {
    if (id.size() > k.prefix.size() && id.substr(0, k.prefix.size()) == k.prefix &&
        id[k.prefix.size()] == '-') {
      return k.kind;
    }
  }
  return std::nullopt;
}

bool looksLikeResourceId(std::string_view text) {
  auto kind = kindOfId(text);
  if (!kind) {
    return false;
  }
  std::string_view hex = text.substr(idPrefix(*kind).size() + 1);
  return hex.size() == kIdHexDigits && std::all_of(hex.begin(), hex.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace vpngw::store
