#include "dataplane/userspace/tx_batch.h"

#include <netinet/udp.h>
#include <poll.h>

#include <cerrno>
#include <cstring>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103  // linux/udp.h; older libc headers lack it
#endif

namespace vpngw::dataplane::userspace {

namespace {

constexpr size_t kControlSize = CMSG_SPACE(sizeof(uint16_t));
// How long a full socket buffer may hold the worker before the rest of the batch is dropped.
constexpr int kPollMs = 20;
constexpr int kMaxRetries = 5;

sockaddr_in toSockaddr(const Endpoint& e) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(e.port);
  sa.sin_addr.s_addr = htonl(e.address.value);
  return sa;
}

}  // namespace

TxBatch::TxBatch(CounterSet& counters, size_t slots, size_t slot_size, bool udp_gso)
    : counters_(counters),
      slots_(slots),
      slot_size_(slot_size),
      udp_gso_(udp_gso),
      memory_(std::make_unique_for_overwrite<uint8_t[]>(slots * slot_size)),
      msgs_(slots),
      iovs_(slots),
      addrs_(slots),
      segments_(slots),
      control_(std::make_unique<uint8_t[]>(slots * kControlSize)) {
  entries_.reserve(slots);
}

std::span<uint8_t> TxBatch::buffer() {
  if (entries_.size() >= slots_) {
    flush();
  }
  return {memory_.get() + entries_.size() * slot_size_, slot_size_};
}

void TxBatch::commit(const Destination& d, size_t len) { entries_.push_back({d, len}); }

void TxBatch::flush() {
  size_t i = 0;
  const size_t n = entries_.size();
  while (i < n) {
    // One sendmmsg() per run of entries on the same socket.
    const int fd = entries_[i].d.fd;
    size_t count = 0;
    while (i < n && entries_[i].d.fd == fd) {
      const Entry& first = entries_[i];
      size_t j = i + 1;
      if (first.d.udp && udp_gso_) {
        // Equal-size datagrams to the same peer; the last of a GSO send may be shorter.
        size_t bytes = first.len;
        while (j < n && j - i < kMaxGsoSegments && entries_[j].d.fd == fd && entries_[j].d.udp &&
               entries_[j].d.remote == first.d.remote && entries_[j].len <= first.len &&
               entries_[j - 1].len == first.len && bytes + entries_[j].len <= kMaxGsoBytes) {
          bytes += entries_[j].len;
          ++j;
        }
      }
      for (size_t k = i; k < j; ++k) {
        iovs_[k] = {memory_.get() + k * slot_size_, entries_[k].len};
      }
      mmsghdr& m = msgs_[count];
      m = mmsghdr{};
      addrs_[count] = toSockaddr(first.d.remote);
      m.msg_hdr.msg_name = &addrs_[count];
      m.msg_hdr.msg_namelen = sizeof(sockaddr_in);
      m.msg_hdr.msg_iov = &iovs_[i];
      m.msg_hdr.msg_iovlen = j - i;
      segments_[count] = static_cast<uint32_t>(j - i);
      if (j - i > 1) {
        uint8_t* control = control_.get() + count * kControlSize;
        std::memset(control, 0, kControlSize);
        m.msg_hdr.msg_control = control;
        m.msg_hdr.msg_controllen = kControlSize;
        cmsghdr* c = CMSG_FIRSTHDR(&m.msg_hdr);
        c->cmsg_level = SOL_UDP;
        c->cmsg_type = UDP_SEGMENT;
        c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
        auto seg = static_cast<uint16_t>(first.len);
        std::memcpy(CMSG_DATA(c), &seg, sizeof seg);
        counters_.add(Counter::kUdpGsoSends);
      }
      ++count;
      i = j;
    }
    sendAll(fd, count);
  }
  entries_.clear();
}

void TxBatch::sendAll(int fd, size_t count) {
  size_t sent = 0;
  int retries = 0;
  while (sent < count) {
    int r = ::sendmmsg(fd, &msgs_[sent], static_cast<unsigned>(count - sent), MSG_DONTWAIT);
    counters_.add(Counter::kSendCalls);
    if (r > 0) {
      sent += static_cast<size_t>(r);
      continue;
    }
    if (r < 0 && errno == EINTR) {
      continue;
    }
    if (r < 0 && (errno == EAGAIN || errno == ENOBUFS) && retries < kMaxRetries) {
      ++retries;
      pollfd p{fd, POLLOUT, 0};
      (void)::poll(&p, 1, kPollMs);
      continue;
    }
    // This message cannot go (too large, no route, buffer full for too long): drop it and
    // carry on with the next one. A kernel that refuses UDP GSO (EINVAL/EIO: e.g. a path MTU
    // below the segment size) gets plain datagrams from now on.
    if (r < 0 && (errno == EINVAL || errno == EIO) && segments_[sent] > 1) {
      udp_gso_ = false;
    }
    counters_.add(Counter::kDroppedSendFailed, segments_[sent]);
    ++sent;
  }
}

}  // namespace vpngw::dataplane::userspace
