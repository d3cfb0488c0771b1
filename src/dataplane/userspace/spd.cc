#include "dataplane/userspace/spd.h"

#include <algorithm>

namespace vpngw::dataplane::userspace {

std::vector<Subnet> rangeToPrefixes(const Ipv4Range& range) {
  std::vector<Subnet> out;
  if (range.last < range.first) {
    return out;
  }
  uint64_t start = range.first.value;
  const uint64_t end = uint64_t{range.last.value} + 1;  // exclusive
  while (start < end) {
    // The largest block aligned at start that does not pass end.
    int len = 32;
    while (len > 0) {
      uint64_t size = uint64_t{1} << (32 - (len - 1));
      if ((start & (size - 1)) != 0 || start + size > end) {
        break;
      }
      --len;
    }
    out.push_back(Subnet{Ipv4{static_cast<uint32_t>(start)}, static_cast<uint8_t>(len)});
    start += uint64_t{1} << (32 - len);
  }
  return out;
}

void Spd::add(uint32_t target, const std::vector<Ipv4Range>& dst, std::vector<Ipv4Range> src) {
  const auto index = static_cast<uint32_t>(policies_.size());
  policies_.push_back({target, std::move(src)});
  for (const Ipv4Range& r : dst) {
    for (const Subnet& s : rangeToPrefixes(r)) {
      auto level = std::find_if(levels_.begin(), levels_.end(),
                                [&](const Level& l) { return l.prefix_len == s.prefix_len; });
      if (level == levels_.end()) {
        levels_.push_back({s.prefix_len, s.mask(), {}});
        std::sort(levels_.begin(), levels_.end(),
                  [](const Level& a, const Level& b) { return a.prefix_len > b.prefix_len; });
        level = std::find_if(levels_.begin(), levels_.end(),
                             [&](const Level& l) { return l.prefix_len == s.prefix_len; });
      }
      std::vector<uint32_t>& bucket = level->buckets[s.address.value];
      if (bucket.empty() || bucket.front() != index) {
        bucket.insert(bucket.begin(), index);  // newest first
      }
    }
  }
}

bool Spd::sourceMatches(const Policy& p, Ipv4 src) const {
  if (p.src.empty()) {
    return true;
  }
  return std::any_of(p.src.begin(), p.src.end(),
                     [src](const Ipv4Range& r) { return r.contains(src); });
}

std::optional<uint32_t> Spd::lookup(Ipv4 src, Ipv4 dst) const {
  for (const Level& level : levels_) {
    auto it = level.buckets.find(dst.value & level.mask);
    if (it == level.buckets.end()) {
      continue;
    }
    for (uint32_t index : it->second) {
      const Policy& p = policies_[index];
      if (sourceMatches(p, src)) {
        return p.target;
      }
    }
  }
  return std::nullopt;
}

}  // namespace vpngw::dataplane::userspace
