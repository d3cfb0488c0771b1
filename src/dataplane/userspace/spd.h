#pragma once
// The outbound policy table (SPD, RFC 4301 §4.4.1) for the userspace data plane: which CHILD
// SA a packet from the TUN device belongs to, by destination and source address.
//
// Each policy lists destination ranges (policy mode: the SA's remote traffic selectors; route
// mode, where the selectors are 0.0.0.0/0: the tunnel's remote subnets) and source ranges (the
// SA's local selectors). Lookup is longest-prefix match on the destination (ranges are split
// into prefixes), then the first policy at that prefix whose sources contain the packet's
// source; among equally specific policies the one added last wins (after a rekey the new SA
// carries the traffic). A miss at one prefix length falls back to shorter ones.
//
// Immutable once built: the data plane builds a new table on every install/remove and the
// workers read it without locks.
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "base/ip.h"

namespace vpngw::dataplane::userspace {

// The prefixes that exactly cover an address range (at most 62).
std::vector<Subnet> rangeToPrefixes(const Ipv4Range& range);

class Spd {
 public:
  // target: the caller's handle for the SA. Empty src: any source.
  void add(uint32_t target, const std::vector<Ipv4Range>& dst, std::vector<Ipv4Range> src);
  std::optional<uint32_t> lookup(Ipv4 src, Ipv4 dst) const;
  size_t policies() const { return policies_.size(); }

 private:
  struct Policy {
    uint32_t target;
    std::vector<Ipv4Range> src;
  };
  struct Level {
    uint8_t prefix_len;
    uint32_t mask;
    // masked destination -> policies (indices into policies_), newest first
    std::unordered_map<uint32_t, std::vector<uint32_t>> buckets;
  };
  bool sourceMatches(const Policy& p, Ipv4 src) const;

  std::vector<Policy> policies_;
  std::vector<Level> levels_;  // longest prefix first
};

}  // namespace vpngw::dataplane::userspace
