#include "io/readers/sample_format.hpp"

#include "mesh/error.hpp"

#include <algorithm>
#include <cstring>

namespace navox::io {

namespace {

// memcpy rather than a pointer cast: samples in a file buffer need not be aligned.
template <typename T>
void convert(const unsigned char* src, std::int64_t count, bool swap, double* dst) {
  unsigned char bytes[sizeof(T)];
  for (std::int64_t i = 0; i < count; ++i) {
    std::memcpy(bytes, src + i * static_cast<std::int64_t>(sizeof(T)), sizeof(T));
    if (swap) std::reverse(bytes, bytes + sizeof(T));
    T v;
    std::memcpy(&v, bytes, sizeof(T));
    dst[i] = static_cast<double>(v);
  }
}

} // namespace

std::string SampleType::name() const {
  const char* prefix = kind == SampleKind::unsigned_int ? "uint" : kind == SampleKind::signed_int ? "int" : "float";
  return prefix + std::to_string(8 * bytes);
}

bool make_sample_type(SampleKind kind, int bits, SampleType& out) {
  const bool ok = kind == SampleKind::floating ? (bits == 32 || bits == 64)
                                               : (bits == 8 || bits == 16 || bits == 32 || bits == 64);
  if (ok) out = SampleType{kind, bits / 8};
  return ok;
}

SampleType parse_sample_type(const std::string& dtype, const std::string& file) {
  using K = SampleKind;
  static const struct {
    const char* name;
    SampleType type;
  } table[] = {{"uint8", {K::unsigned_int, 1}},  {"int8", {K::signed_int, 1}},  {"uint16", {K::unsigned_int, 2}},
               {"int16", {K::signed_int, 2}},    {"uint32", {K::unsigned_int, 4}}, {"int32", {K::signed_int, 4}},
               {"float32", {K::floating, 4}},    {"float64", {K::floating, 8}}};
  for (const auto& entry : table)
    if (dtype == entry.name) return entry.type;
  throw Error("file " + file + ": unknown dtype '" + dtype +
              "' (known: uint8 int8 uint16 int16 uint32 int32 float32 float64)");
}

bool host_is_little_endian() {
  const std::uint16_t probe = 1;
  unsigned char first;
  std::memcpy(&first, &probe, 1);
  return first == 1;
}

void decode_samples(const unsigned char* src, std::int64_t count, SampleType type, bool swap, double* dst) {
  switch (type.kind) {
  case SampleKind::unsigned_int:
    switch (type.bytes) {
    case 1: return convert<std::uint8_t>(src, count, false, dst);
    case 2: return convert<std::uint16_t>(src, count, swap, dst);
    case 4: return convert<std::uint32_t>(src, count, swap, dst);
    case 8: return convert<std::uint64_t>(src, count, swap, dst);
    }
    break;
  case SampleKind::signed_int:
    switch (type.bytes) {
    case 1: return convert<std::int8_t>(src, count, false, dst);
    case 2: return convert<std::int16_t>(src, count, swap, dst);
    case 4: return convert<std::int32_t>(src, count, swap, dst);
    case 8: return convert<std::int64_t>(src, count, swap, dst);
    }
    break;
  case SampleKind::floating:
    switch (type.bytes) {
    case 4: return convert<float>(src, count, swap, dst);
    case 8: return convert<double>(src, count, swap, dst);
    }
    break;
  }
  throw Error("internal: no decoder for sample type " + type.name());
}

} // namespace navox::io
