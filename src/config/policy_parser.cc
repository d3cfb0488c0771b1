#include "config/policy_parser.h"

namespace vpngw::config {

namespace {

constexpr std::string_view kEncryptions = "3des, aes128, aes192, aes256, aes128gcm16, aes256gcm16";
constexpr std::string_view kHashes = "md5, sha1, sha2-256, sha2-384, sha2-512";
constexpr std::string_view kDhGroups = "1, 2, 5, 14, 15, 16, 19, 20, 21, 24, 31";

std::optional<std::chrono::seconds> readLifetime(Reader& r, const YAML::Node& map,
                                                 const std::string& path, const LoadOptions& opts) {
  auto t = r.text(map, path, "lifetime", false);
  if (!t) {
    return std::nullopt;
  }
  const std::string range = "lifetime must be " + std::to_string(opts.min_lifetime.count()) + "-" +
                            std::to_string(opts.max_lifetime.count()) + " seconds";
  auto v = parseUnsigned(*t);
  if (!v) {
    r.fail(joinPath(path, "lifetime"), *t, "is not a whole number of seconds: " + range);
    return std::nullopt;
  }
  // Compare as unsigned before converting, so a huge number cannot overflow seconds' rep.
  if (*v < static_cast<uint64_t>(opts.min_lifetime.count()) ||
      *v > static_cast<uint64_t>(opts.max_lifetime.count())) {
    r.fail(joinPath(path, "lifetime"), *t, "is out of range: " + range);
    return std::nullopt;
  }
  return std::chrono::seconds(static_cast<std::chrono::seconds::rep>(*v));
}

// A DH group number, or (when `allow_disable`) the word "disable" -> group 0.
std::optional<uint16_t> readDhGroup(Reader& r, const YAML::Node& map, const std::string& path,
                                    std::string_view key, bool allow_disable) {
  auto t = r.text(map, path, key, false);
  if (!t) {
    return std::nullopt;
  }
  if (allow_disable && *t == "disable") {
    return uint16_t{0};
  }
  auto v = parseUnsigned(*t);
  if (!v || *v > 0xffff || !ike::isSupportedDhGroup(static_cast<uint16_t>(*v))) {
    r.fail(joinPath(path, key), *t,
           "is not a supported DH group: use " + std::string(kDhGroups) +
               (allow_disable ? " or disable" : ""));
    return std::nullopt;
  }
  return static_cast<uint16_t>(*v);
}

std::optional<ike::Identity> readIdentity(Reader& r, const YAML::Node& map, const std::string& path,
                                          std::string_view key) {
  auto t = r.text(map, path, key, false);
  if (!t) {
    return std::nullopt;
  }
  auto id = ike::Identity::parse(*t);
  if (!id) {
    r.fail(joinPath(path, key), *t,
           "is not a valid identity: use an IPv4 address or a DNS name (letters, digits, "
           "hyphens and dots; labels of 1-63 characters, at most 253 in all)");
  }
  return id;
}

}  // namespace

ike::IkePolicy parseIkePolicy(Reader& r, const YAML::Node& tunnel, const std::string& tunnel_path,
                              const LoadOptions& opts) {
  ike::IkePolicy policy;
  const std::string path = joinPath(tunnel_path, "ike");
  auto node = r.field(tunnel, tunnel_path, "ike", false);
  if (!node || !r.checkMap(*node, path,
                           {"version", "encryption", "authentication", "dh_group", "mode",
                            "local_id", "remote_id", "lifetime"})) {
    return policy;
  }
  const YAML::Node& m = *node;
  const bool has_version = r.field(m, path, "version", false).has_value();
  auto version = r.keyword<ike::IkeVersion>(m, path, "version", ike::parseIkeVersion, "v1, v2");
  if (version) {
    policy.version = *version;
  }
  if (auto e =
          r.keyword<ike::Encryption>(m, path, "encryption", ike::parseEncryption, kEncryptions)) {
    policy.encryption = *e;
    // RFC 5282 defines AEAD ciphers for the IKEv2 Encrypted payload; IKEv1 phase 1 has none.
    if (ike::isAead(*e) && policy.version == ike::IkeVersion::V1) {
      r.fail(joinPath(path, "encryption"), std::string(ike::toString(*e)),
             "is not available with IKEv1: AEAD ciphers protect IKEv2 messages only (RFC 5282)");
    }
  }
  // With an AEAD cipher this names only the PRF; otherwise both PRF and integrity.
  if (auto h = r.keyword<ike::Hash>(m, path, "authentication", ike::parseHash, kHashes)) {
    policy.authentication = *h;
  }
  if (auto g = readDhGroup(r, m, path, "dh_group", false)) {
    policy.dh_group = *g;
  }
  // An invalid version is reported already; do not guess which mode rule applies then.
  const bool version_known = !has_version || version.has_value();
  if (r.field(m, path, "mode", false) && version_known && policy.version != ike::IkeVersion::V1) {
    r.fail(joinPath(path, "mode"), describe(m["mode"]),
           "is a v1-only field: the negotiation mode applies to IKEv1 only (remove it or set "
           "version: v1)");
  } else if (auto mode =
                 r.keyword<ike::V1Mode>(m, path, "mode", ike::parseV1Mode, "main, aggressive")) {
    policy.mode = *mode;
  }
  policy.local_id = readIdentity(r, m, path, "local_id");
  policy.remote_id = readIdentity(r, m, path, "remote_id");
  if (auto l = readLifetime(r, m, path, opts)) {
    policy.lifetime = *l;
  }
  return policy;
}

ike::IpsecPolicy parseIpsecPolicy(Reader& r, const YAML::Node& tunnel,
                                  const std::string& tunnel_path, const LoadOptions& opts) {
  ike::IpsecPolicy policy;
  const std::string path = joinPath(tunnel_path, "ipsec");
  auto node = r.field(tunnel, tunnel_path, "ipsec", false);
  if (!node || !r.checkMap(*node, path,
                           {"protocol", "encryption", "authentication", "pfs", "lifetime",
                            "lifetime_kilobytes"})) {
    return policy;
  }
  const YAML::Node& m = *node;
  if (auto p =
          r.keyword<ike::IpsecProtocol>(m, path, "protocol", ike::parseIpsecProtocol, "esp, ah")) {
    policy.protocol = *p;
  }
  const bool has_encryption = r.field(m, path, "encryption", false).has_value();
  const bool has_authentication = r.field(m, path, "authentication", false).has_value();

  if (policy.protocol == ike::IpsecProtocol::Ah) {
    policy.encryption = std::nullopt;
    if (has_encryption) {
      r.fail(joinPath(path, "encryption"), describe(m["encryption"]),
             "must be omitted with protocol ah: AH authenticates only and does not encrypt");
    }
  } else if (auto e = r.keyword<ike::Encryption>(m, path, "encryption", ike::parseEncryption,
                                                 kEncryptions)) {
    policy.encryption = *e;
  }

  if (policy.encryption && ike::isAead(*policy.encryption)) {
    // RFC 4106: GCM provides integrity itself, so ESP carries no separate integrity algorithm.
    policy.authentication = std::nullopt;
    if (has_authentication) {
      r.fail(joinPath(path, "authentication"), describe(m["authentication"]),
             "must be omitted with an AEAD cipher (" +
                 std::string(ike::toString(*policy.encryption)) +
                 "): GCM provides integrity itself");
    }
  } else if (auto h = r.keyword<ike::Hash>(m, path, "authentication", ike::parseHash, kHashes)) {
    policy.authentication = *h;
  }

  if (r.field(m, path, "pfs", false)) {
    if (auto g = readDhGroup(r, m, path, "pfs", true)) {
      policy.pfs_group = *g == 0 ? std::nullopt : std::optional<uint16_t>(*g);
    }
  }
  if (auto l = readLifetime(r, m, path, opts)) {
    policy.lifetime = *l;
  }
  if (auto kb = r.integer(m, path, "lifetime_kilobytes", "a number of kilobytes")) {
    // Below 1 MB an SA would rekey every few packets; 2^32 KB is IKEv1's attribute limit.
    if (*kb != 0 && (*kb < 1024 || *kb > 4294967295ULL)) {
      r.fail(joinPath(path, "lifetime_kilobytes"), std::to_string(*kb),
             "is out of range: use 0 (unlimited) or 1024-4294967295 kilobytes");
    } else {
      policy.lifetime_kilobytes = *kb;
    }
  }
  return policy;
}

}  // namespace vpngw::config
