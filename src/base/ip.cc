#include "base/ip.h"

#include <charconv>

namespace vpngw {

namespace {
// Parses a decimal number in [0, max] that fills the whole text (no sign, no leading '+').
std::optional<uint32_t> parseDecimal(std::string_view t, uint32_t max) {
  if (t.empty() || t.size() > 10) {
    return std::nullopt;
  }
  uint32_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || p != t.data() + t.size() || v > max) {
    return std::nullopt;
  }
  return v;
}
}  // namespace

std::optional<Ipv4> Ipv4::parse(std::string_view text) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    size_t dot = text.find('.');
    std::string_view part = i < 3 ? text.substr(0, dot) : text;
    if ((i < 3 && dot == std::string_view::npos) || part.size() > 3) {
      return std::nullopt;
    }
    auto octet = parseDecimal(part, 255);
    if (!octet) {
      return std::nullopt;
    }
    value = value << 8 | *octet;
    if (i < 3) {
      text.remove_prefix(dot + 1);
    }
  }
  return Ipv4{value};
}

std::string Ipv4::toString() const {
  return std::to_string(value >> 24) + "." + std::to_string(value >> 16 & 0xff) + "." +
         std::to_string(value >> 8 & 0xff) + "." + std::to_string(value & 0xff);
}

std::optional<Subnet> Subnet::parseLoose(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return std::nullopt;
  }
  auto addr = Ipv4::parse(text.substr(0, slash));
  auto len = parseDecimal(text.substr(slash + 1), 32);
  if (!addr || !len) {
    return std::nullopt;
  }
  Subnet s{*addr, static_cast<uint8_t>(*len)};
  s.address.value &= s.mask();
  return s;
}

std::optional<Subnet> Subnet::parse(std::string_view text) {
  auto s = parseLoose(text);
  if (!s) {
    return std::nullopt;
  }
  auto addr = Ipv4::parse(text.substr(0, text.find('/')));
  if (addr->value != s->address.value) {
    return std::nullopt;  // host bits set: not canonical
  }
  return s;
}

std::string Subnet::toString() const {
  return address.toString() + "/" + std::to_string(prefix_len);
}

std::optional<Subnet> Ipv4Range::toSubnet() const {
  if (first > last) {
    return std::nullopt;
  }
  uint32_t span = last.value - first.value;
  if (span == 0xffffffffu) {
    return Subnet{Ipv4{0}, 0};
  }
  uint32_t size = span + 1;
  if ((size & (size - 1)) != 0 || (first.value & span) != 0) {
    return std::nullopt;
  }
  uint8_t len = 32;
  while (size > 1) {
    size >>= 1;
    --len;
  }
  return Subnet{first, len};
}

std::string Ipv4Range::toString() const {
  if (auto s = toSubnet()) {
    return s->toString();
  }
  return first.toString() + "-" + last.toString();
}

std::string Endpoint::toString() const { return address.toString() + ":" + std::to_string(port); }

}  // namespace vpngw
