#include "base/byte_io.h"

namespace vpngw {

bool ByteReader::need(size_t n) {
  if (failed_ || data_.size() - pos_ < n) {
    failed_ = true;
    return false;
  }
  return true;
}

uint8_t ByteReader::u8() {
  if (!need(1)) {
    return 0;
  }
  return data_[pos_++];
}

uint16_t ByteReader::u16() {
  if (!need(2)) {
    return 0;
  }
  uint16_t v = loadU16(data_.data() + pos_);
  pos_ += 2;
  return v;
}

uint32_t ByteReader::u32() {
  if (!need(4)) {
    return 0;
  }
  uint32_t v = loadU32(data_.data() + pos_);
  pos_ += 4;
  return v;
}

uint64_t ByteReader::u64() {
  uint64_t hi = u32();
  uint64_t lo = u32();
  return hi << 32 | lo;
}

ByteView ByteReader::take(size_t n) {
  if (!need(n)) {
    return {};
  }
  ByteView v = data_.subspan(pos_, n);
  pos_ += n;
  return v;
}

void ByteWriter::u16(uint16_t v) {
  out_.push_back(static_cast<uint8_t>(v >> 8));
  out_.push_back(static_cast<uint8_t>(v));
}

void ByteWriter::u32(uint32_t v) {
  u16(static_cast<uint16_t>(v >> 16));
  u16(static_cast<uint16_t>(v));
}

void ByteWriter::u64(uint64_t v) {
  u32(static_cast<uint32_t>(v >> 32));
  u32(static_cast<uint32_t>(v));
}

void ByteWriter::patchU16(size_t pos, uint16_t v) { storeU16(out_.data() + pos, v); }
void ByteWriter::patchU32(size_t pos, uint32_t v) { storeU32(out_.data() + pos, v); }

}  // namespace vpngw
