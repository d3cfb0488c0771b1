#pragma once
// IPv4 addresses, prefixes (CIDR) and address ranges as used by traffic selectors.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vpngw {

struct Ipv4 {
  uint32_t value = 0;  // host byte order

  static std::optional<Ipv4> parse(std::string_view text);
  std::string toString() const;
  bool isAny() const { return value == 0; }
  auto operator<=>(const Ipv4&) const = default;
};

// A CIDR prefix. parse() refuses host bits set outside the mask ("10.0.0.1/24"), so every
// Subnet is canonical.
struct Subnet {
  Ipv4 address;
  uint8_t prefix_len = 0;

  static std::optional<Subnet> parse(std::string_view text);
  // Like parse, but accepts host bits and clears them; nullopt only on syntax errors.
  static std::optional<Subnet> parseLoose(std::string_view text);
  std::string toString() const;
  uint32_t mask() const { return prefix_len == 0 ? 0 : ~uint32_t{0} << (32 - prefix_len); }
  Ipv4 first() const { return address; }
  Ipv4 last() const { return Ipv4{address.value | ~mask()}; }
  bool contains(Ipv4 a) const { return (a.value & mask()) == address.value; }
  bool contains(const Subnet& s) const { return s.prefix_len >= prefix_len && contains(s.address); }
  bool overlaps(const Subnet& s) const { return contains(s.address) || s.contains(address); }
  auto operator<=>(const Subnet&) const = default;
};

// An inclusive address range [first, last], the shape of an IKEv2 traffic selector.
struct Ipv4Range {
  Ipv4 first;
  Ipv4 last;

  static Ipv4Range of(const Subnet& s) { return {s.first(), s.last()}; }
  bool contains(Ipv4 a) const { return first <= a && a <= last; }
  bool contains(const Ipv4Range& r) const { return first <= r.first && r.last <= last; }
  // The subnet this range is exactly equal to, if any.
  std::optional<Subnet> toSubnet() const;
  std::string toString() const;  // "10.1.0.0/24" when it is a subnet, else "a-b"
  auto operator<=>(const Ipv4Range&) const = default;
};

// An address and UDP port.
struct Endpoint {
  Ipv4 address;
  uint16_t port = 0;
  std::string toString() const;
  auto operator<=>(const Endpoint&) const = default;
};

}  // namespace vpngw
