#pragma once
/// Scalar sample types stored in volume files (raw dtypes, TIFF sample formats)
/// and their conversion to double, shared by the volume readers.
#include <cstdint>
#include <string>

namespace navox::io {

enum class SampleKind { unsigned_int, signed_int, floating };

struct SampleType {
  SampleKind kind = SampleKind::unsigned_int;
  int bytes = 1; ///< 1, 2, 4 or 8 (floating: 4 or 8)

  std::string name() const; ///< "uint8", "int16", "float32", ...
  bool operator==(const SampleType& o) const { return kind == o.kind && bytes == o.bytes; }
  bool operator!=(const SampleType& o) const { return !(*this == o); }
};

/// Parses a raw dtype ("uint8", "int16", "float32", ...); throws navox::Error
/// naming `file` and the accepted names otherwise.
SampleType parse_sample_type(const std::string& dtype, const std::string& file);

/// The type for a kind and width in bits, if navox reads it (no 24-bit
/// integers, no half floats); false otherwise.
bool make_sample_type(SampleKind kind, int bits, SampleType& out);

bool host_is_little_endian();

/// Converts `count` packed samples at `src` to double, byte-swapping each
/// sample first when `swap` (data stored in the other byte order).
void decode_samples(const unsigned char* src, std::int64_t count, SampleType type, bool swap, double* dst);

} // namespace navox::io
