#pragma once
// The Internet checksum (RFC 1071) for inner IPv4, TCP and UDP headers, written for speed:
// the data plane completes or recomputes a TCP checksum for every segment it cuts from a TSO
// super-packet and verifies one for every segment it coalesces.
//
// Sums are kept over the bytes as they lie in memory (RFC 1071 §2(B): the ones' complement sum
// is byte-order independent), so a folded result is stored back with memcpy, never swapped.
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace vpngw::dataplane::userspace {

// Adds len bytes at data to a running 64-bit sum (not folded; an odd tail is padded with 0).
uint64_t checksumAdd(const uint8_t* data, size_t len, uint64_t sum = 0);

// Folds a running sum to 16 bits (not complemented), in memory byte order.
inline uint16_t checksumFold(uint64_t sum) {
  sum = (sum & 0xffffffff) + (sum >> 32);
  sum = (sum & 0xffffffff) + (sum >> 32);
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

// The checksum to store: the complement of the folded sum.
inline uint16_t checksumFinish(uint64_t sum) { return static_cast<uint16_t>(~checksumFold(sum)); }

// The IPv4 pseudo-header (RFC 793 §3.1, RFC 768) for protocol proto and an L4 length, from
// the source and destination address bytes of an IPv4 header (ip + 12).
uint64_t pseudoHeaderSum(const uint8_t* ip_header, uint8_t proto, uint16_t l4_length);

// The IPv4 header checksum for a header of ihl_bytes (written in place).
void setIpv4HeaderChecksum(uint8_t* ip_header, size_t ihl_bytes);

// Stores/loads a 16-bit checksum value in memory byte order.
inline void storeChecksum(uint8_t* at, uint16_t value) { std::memcpy(at, &value, 2); }
inline uint16_t loadChecksum(const uint8_t* at) {
  uint16_t v;
  std::memcpy(&v, at, 2);
  return v;
}

}  // namespace vpngw::dataplane::userspace
