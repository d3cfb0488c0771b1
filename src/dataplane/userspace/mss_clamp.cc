#include "dataplane/userspace/mss_clamp.h"

#include "dataplane/userspace/checksum.h"
#include "dataplane/userspace/ipv4_packet.h"

namespace vpngw::dataplane::userspace {

namespace {

constexpr uint8_t kOptEnd = 0;
constexpr uint8_t kOptNop = 1;
constexpr uint8_t kOptMss = 2;

// RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), on values as they lie in memory.
void updateChecksum(uint8_t* field, const uint8_t* old_word, const uint8_t* new_word) {
  uint64_t sum = static_cast<uint16_t>(~loadChecksum(field));
  sum += static_cast<uint16_t>(~loadChecksum(old_word));
  sum += loadChecksum(new_word);
  storeChecksum(field, checksumFinish(sum));
}

}  // namespace

bool clampMss(std::span<uint8_t> packet, uint16_t max_mss) {
  auto ip = parseIpv4(packet);
  if (!ip || ip->protocol != kProtoTcp || ip->fragment) {
    return false;
  }
  uint8_t* tcp = packet.data() + ip->header_len;
  size_t tcp_len = ip->total_len - ip->header_len;
  if (tcp_len < 20 || (tcp[13] & kTcpSyn) == 0) {
    return false;
  }
  size_t thl = static_cast<size_t>(tcp[12] >> 4) * 4;
  if (thl < 20 || thl > tcp_len) {
    return false;
  }
  size_t i = 20;
  while (i < thl) {
    uint8_t kind = tcp[i];
    if (kind == kOptEnd) {
      break;
    }
    if (kind == kOptNop) {
      ++i;
      continue;
    }
    if (i + 1 >= thl) {
      break;
    }
    size_t len = tcp[i + 1];
    if (len < 2 || i + len > thl) {
      break;  // malformed options: leave the packet alone
    }
    if (kind == kOptMss && len == 4) {
      uint16_t mss = load16(tcp + i + 2);
      if (mss <= max_mss) {
        return false;
      }
      uint8_t old_word[2] = {tcp[i + 2], tcp[i + 3]};
      store16(tcp + i + 2, max_mss);
      // The option sits at an even offset from the TCP header in every sane SYN, but a
      // sender may pad differently: an odd offset changes which bytes pair into words.
      if ((i & 1) == 0) {
        updateChecksum(tcp + 16, old_word, tcp + i + 2);
      } else {
        tcp[16] = 0;
        tcp[17] = 0;
        uint64_t sum = pseudoHeaderSum(packet.data(), kProtoTcp, static_cast<uint16_t>(tcp_len));
        storeChecksum(tcp + 16, checksumFinish(checksumAdd(tcp, tcp_len, sum)));
      }
      return true;
    }
    i += len;
  }
  return false;
}

}  // namespace vpngw::dataplane::userspace
