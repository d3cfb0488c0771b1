#pragma once
// Byte buffers. SecureBytes wipes its memory whenever it is released or reallocated, so key
// material never lingers in freed heap blocks.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vpngw {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

// Overwrites memory in a way the optimiser may not remove.
void secureWipe(void* p, size_t n);

template <typename T>
struct WipingAllocator {
  using value_type = T;
  WipingAllocator() = default;
  template <typename U>
  WipingAllocator(const WipingAllocator<U>&) {}  // NOLINT
  T* allocate(size_t n) { return std::allocator<T>{}.allocate(n); }
  void deallocate(T* p, size_t n) {
    secureWipe(p, n * sizeof(T));
    std::allocator<T>{}.deallocate(p, n);
  }
  template <typename U>
  bool operator==(const WipingAllocator<U>&) const {
    return true;
  }
};

using SecureBytes = std::vector<uint8_t, WipingAllocator<uint8_t>>;

inline ByteView view(const Bytes& b) { return {b.data(), b.size()}; }
inline ByteView view(const SecureBytes& b) { return {b.data(), b.size()}; }
inline ByteView view(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline Bytes toBytes(ByteView v) { return Bytes(v.begin(), v.end()); }
inline SecureBytes toSecure(ByteView v) { return SecureBytes(v.begin(), v.end()); }

// Appends each view to one buffer: concat<Bytes>(a, b, c).
template <typename Out = Bytes, typename... Views>
Out concat(const Views&... parts) {
  Out out;
  out.reserve((ByteView(parts).size() + ... + 0));
  (out.insert(out.end(), ByteView(parts).begin(), ByteView(parts).end()), ...);
  return out;
}

std::string toHex(ByteView v);
// Parses hex (upper or lower case, no separators); nullopt on odd length or a bad digit.
std::optional<Bytes> fromHex(std::string_view hex);

// Constant-time comparison of two equal-length buffers (false when the lengths differ).
bool constantTimeEqual(ByteView a, ByteView b);

}  // namespace vpngw
