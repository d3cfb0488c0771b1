#pragma once
// Source of random bytes (SPIs, nonces, IVs, jitter). Injected so tests can be deterministic.
#include <cstdint>
#include <memory>
#include <span>

namespace vpngw {

class Random {
 public:
  virtual ~Random() = default;
  virtual void fill(std::span<uint8_t> out) = 0;

  uint32_t u32() {
    uint8_t b[4];
    fill(b);
    return uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | b[3];
  }
  uint64_t u64() { return uint64_t{u32()} << 32 | u32(); }
  // Uniform-enough value in [0, bound) for jitter; bound > 0.
  uint32_t below(uint32_t bound) { return static_cast<uint32_t>(u64() % bound); }
};

using RandomPtr = std::unique_ptr<Random>;

// Deterministic generator (xorshift) for tests only; never for keys.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(uint64_t seed) : state_(seed ? seed : 0x9e3779b97f4a7c15ull) {}
  void fill(std::span<uint8_t> out) override {
    for (auto& b : out) {
      state_ ^= state_ << 13;
      state_ ^= state_ >> 7;
      state_ ^= state_ << 17;
      b = static_cast<uint8_t>(state_ >> 24);
    }
  }

 private:
  uint64_t state_;
};

}  // namespace vpngw
