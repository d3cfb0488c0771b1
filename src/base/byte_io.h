#pragma once
// Bounds-checked big-endian reading and writing of wire data.
// ByteReader never reads past its view: every read reports failure instead, and the reader
// stays failed, so a parser can read a whole structure and check ok() once.
#include <cstdint>
#include <optional>

#include "base/bytes.h"

namespace vpngw {

class ByteReader {
 public:
  explicit ByteReader(ByteView data) : data_(data) {}

  size_t remaining() const { return failed_ ? 0 : data_.size() - pos_; }
  size_t position() const { return pos_; }
  bool ok() const { return !failed_; }
  bool empty() const { return remaining() == 0; }

  uint8_t u8();
  uint16_t u16();
  uint32_t u32();
  uint64_t u64();
  // Returns a view of the next n bytes (empty view and failure when fewer remain).
  ByteView take(size_t n);
  ByteView rest() { return take(remaining()); }
  void skip(size_t n) { take(n); }

 private:
  bool need(size_t n);
  ByteView data_;
  size_t pos_ = 0;
  bool failed_ = false;
};

class ByteWriter {
 public:
  ByteWriter() = default;
  explicit ByteWriter(Bytes initial) : out_(std::move(initial)) {}

  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v);
  void u32(uint32_t v);
  void u64(uint64_t v);
  void bytes(ByteView v) { out_.insert(out_.end(), v.begin(), v.end()); }
  void zeros(size_t n) { out_.insert(out_.end(), n, 0); }
  size_t size() const { return out_.size(); }
  // Overwrites a big-endian 16-bit value already written at pos (for length fields).
  void patchU16(size_t pos, uint16_t v);
  void patchU32(size_t pos, uint32_t v);
  Bytes& buffer() { return out_; }
  Bytes take() { return std::move(out_); }

 private:
  Bytes out_;
};

inline uint16_t loadU16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint32_t loadU32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]};
}
inline void storeU16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void storeU32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

}  // namespace vpngw
