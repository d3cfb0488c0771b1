#include "ike/config.h"

#include <algorithm>
#include <array>
#include <utility>

namespace vpngw::ike {

namespace {

// One table per enum keeps toString and parse in step: a name added to one is in both.
constexpr std::array<std::pair<IkeVersion, std::string_view>, 2> kVersions{{
    {IkeVersion::V1, "v1"},
    {IkeVersion::V2, "v2"},
}};
constexpr std::array<std::pair<V1Mode, std::string_view>, 2> kModes{{
    {V1Mode::Main, "main"},
    {V1Mode::Aggressive, "aggressive"},
}};
constexpr std::array<std::pair<Encryption, std::string_view>, 6> kEncryptions{{
    {Encryption::Des3, "3des"},
    {Encryption::Aes128, "aes128"},
    {Encryption::Aes192, "aes192"},
    {Encryption::Aes256, "aes256"},
    {Encryption::Aes128Gcm16, "aes128gcm16"},
    {Encryption::Aes256Gcm16, "aes256gcm16"},
}};
constexpr std::array<std::pair<Hash, std::string_view>, 5> kHashes{{
    {Hash::Md5, "md5"},
    {Hash::Sha1, "sha1"},
    {Hash::Sha256, "sha2-256"},
    {Hash::Sha384, "sha2-384"},
    {Hash::Sha512, "sha2-512"},
}};
constexpr std::array<std::pair<IpsecProtocol, std::string_view>, 2> kProtocols{{
    {IpsecProtocol::Esp, "esp"},
    {IpsecProtocol::Ah, "ah"},
}};
constexpr std::array<std::pair<RouteMode, std::string_view>, 2> kRouteModes{{
    {RouteMode::Policy, "policy"},
    {RouteMode::Route, "route"},
}};

constexpr std::array<uint16_t, 11> kDhGroups{1, 2, 5, 14, 15, 16, 19, 20, 21, 24, 31};

template <typename E, size_t N>
std::string_view nameOf(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [e, name] : table) {
    if (e == value) {
      return name;
    }
  }
  return "unknown";
}

template <typename E, size_t N>
std::optional<E> valueOf(const std::array<std::pair<E, std::string_view>, N>& table,
                         std::string_view text) {
  for (const auto& [e, name] : table) {
    if (name == text) {
      return e;
    }
  }
  return std::nullopt;
}

bool isLetterOrDigit(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 1123 §2.1 host name: labels of 1-63 letters, digits and inner hyphens, at most 253
// characters in all. An all-numeric last label is refused (RFC 3696 §2) so that a mistyped
// address such as "10.0.0.256" is not taken for a name.
bool isDnsName(std::string_view text) {
  if (text.empty() || text.size() > 253) {
    return false;
  }
  std::string_view last_label;
  while (true) {
    size_t dot = text.find('.');
    std::string_view label = text.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    if (!std::all_of(label.begin(), label.end(),
                     [](char c) { return isLetterOrDigit(c) || c == '-'; })) {
      return false;
    }
    last_label = label;
    if (dot == std::string_view::npos) {
      break;
    }
    text.remove_prefix(dot + 1);
  }
  return !std::all_of(last_label.begin(), last_label.end(),
                      [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string_view toString(IkeVersion v) { return nameOf(kVersions, v); }
std::string_view toString(V1Mode m) { return nameOf(kModes, m); }
std::string_view toString(Encryption e) { return nameOf(kEncryptions, e); }
std::string_view toString(Hash h) { return nameOf(kHashes, h); }
std::string_view toString(IpsecProtocol p) { return nameOf(kProtocols, p); }
std::string_view toString(RouteMode m) { return nameOf(kRouteModes, m); }

std::optional<IkeVersion> parseIkeVersion(std::string_view s) { return valueOf(kVersions, s); }
std::optional<V1Mode> parseV1Mode(std::string_view s) { return valueOf(kModes, s); }
std::optional<Encryption> parseEncryption(std::string_view s) { return valueOf(kEncryptions, s); }
std::optional<Hash> parseHash(std::string_view s) { return valueOf(kHashes, s); }
std::optional<IpsecProtocol> parseIpsecProtocol(std::string_view s) {
  return valueOf(kProtocols, s);
}
std::optional<RouteMode> parseRouteMode(std::string_view s) { return valueOf(kRouteModes, s); }

bool isAead(Encryption e) { return e == Encryption::Aes128Gcm16 || e == Encryption::Aes256Gcm16; }

bool isSupportedDhGroup(uint16_t group) {
  return std::find(kDhGroups.begin(), kDhGroups.end(), group) != kDhGroups.end();
}

std::optional<Identity> Identity::parse(std::string_view text) {
  if (auto address = Ipv4::parse(text)) {
    return ofAddress(*address);
  }
  if (isDnsName(text)) {
    return Identity{Type::Fqdn, std::string(text)};
  }
  return std::nullopt;
}

const GatewayConfig* Config::findGateway(std::string_view name) const {
  auto it = std::find_if(gateways.begin(), gateways.end(),
                         [&](const GatewayConfig& g) { return g.name == name; });
  return it == gateways.end() ? nullptr : &*it;
}

const CustomerGatewayConfig* Config::findCustomerGateway(std::string_view name) const {
  auto it = std::find_if(customer_gateways.begin(), customer_gateways.end(),
                         [&](const CustomerGatewayConfig& c) { return c.name == name; });
  return it == customer_gateways.end() ? nullptr : &*it;
}

}  // namespace vpngw::ike

namespace vpngw::ike {

std::string_view toString(DpdAction a) {
  switch (a) {
    case DpdAction::Restart:
      return "restart";
    case DpdAction::Clear:
      return "clear";
    case DpdAction::Hold:
      return "hold";
  }
  return "restart";
}

std::optional<DpdAction> parseDpdAction(std::string_view s) {
  for (DpdAction a : {DpdAction::Restart, DpdAction::Clear, DpdAction::Hold}) {
    if (toString(a) == s) {
      return a;
    }
  }
  return std::nullopt;
}

}  // namespace vpngw::ike
