#pragma once
/// Products of voxel counts and sample sizes that refuse to overflow.
///
/// Dims come from a deck or a file header, so they may be anything up to 2^63:
/// 4000000000 x 4000000000 x 8 voxels of 8 bytes wraps a 64-bit product to a
/// small or negative number that would then size an allocation or a file check.
/// Every product of dims goes through here and overflow is an input error.
#include "mesh/error.hpp"

#include <array>
#include <cstdint>
#include <string>

namespace navox::io {

/// a * b, or false when it does not fit in an int64 (out untouched then).
inline bool checked_multiply(std::int64_t a, std::int64_t b, std::int64_t& out) {
  std::int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) return false;
  out = r;
  return true;
}

/// dims[0] * dims[1] * dims[2] * sample_bytes; throws navox::Error
/// "<what> dims AxBxC x N bytes overflows 64-bit sizes" when it does not fit.
inline std::int64_t checked_volume_bytes(const std::array<std::int64_t, 3>& dims, std::int64_t sample_bytes,
                                         const std::string& what) {
  std::int64_t n = 1;
  for (std::int64_t f : {dims[0], dims[1], dims[2], sample_bytes}) {
    if (!checked_multiply(n, f, n))
      throw Error(what + " dims " + std::to_string(dims[0]) + "x" + std::to_string(dims[1]) + "x" +
                  std::to_string(dims[2]) + " x " + std::to_string(sample_bytes) +
                  " bytes overflows 64-bit sizes");
  }
  return n;
}

} // namespace navox::io
