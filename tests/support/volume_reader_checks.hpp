#pragma once
// What the volume reader tests share: boxes and probe blocks compared against a
// whole-volume read, value statistics, specs, raw files and caught error messages.
#include "io/readers/volume_source.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <vector>

// A namespace of its own: other test helpers have an error_of of another type.
namespace navox::test::volume {

using navox::Box;
using navox::io::AxisOrder;
using navox::io::Endian;
using navox::io::open_volume;
using navox::io::VolumeSource;
using navox::io::VolumeSpec;
using Dims = std::array<std::int64_t, 3>;

inline Box make_box(std::int64_t x, std::int64_t y, std::int64_t z, std::int64_t nx, std::int64_t ny, std::int64_t nz) {
  Box b;
  b.lo = {x, y, z};
  b.n = {nx, ny, nz};
  return b;
}

inline Box whole(const VolumeSource& s) {
  Box b;
  b.n = s.dims();
  return b;
}

/// The values of `block` cut out of a whole-volume read.
inline std::vector<double> cut(const std::vector<double>& all, const Dims& dims, const Box& block) {
  std::vector<double> out;
  for (std::int64_t k = block.lo[2]; k < block.hi(2); ++k)
    for (std::int64_t j = block.lo[1]; j < block.hi(1); ++j)
      for (std::int64_t i = block.lo[0]; i < block.hi(0); ++i) out.push_back(all[(k * dims[1] + j) * dims[0] + i]);
  return out;
}

/// A few blocks that straddle edges, single rows/columns and single voxels.
inline std::vector<Box> probe_blocks(const Dims& d) {
  return {make_box(0, 0, 0, d[0], d[1], 1),
          make_box(d[0] / 3, d[1] / 4, d[2] / 2, d[0] / 2, d[1] / 2, (d[2] + 1) / 2),
          make_box(d[0] - 1, d[1] - 1, d[2] - 1, 1, 1, 1),
          make_box(0, d[1] / 2, 0, d[0], 1, d[2]),
          make_box(d[0] / 2, 0, d[2] - 1, 1, d[1], 1),
          make_box(1 % d[0], 1 % d[1], 0, d[0] - 1 % d[0], d[1] - 1 % d[1], d[2])};
}

/// Every probe block must equal the same voxels of a whole-volume read.
inline void expect_blocks_match_whole(const VolumeSource& s) {
  const auto all = s.read_block(whole(s));
  ASSERT_EQ(static_cast<std::int64_t>(all.size()), whole(s).size());
  for (const Box& b : probe_blocks(s.dims())) EXPECT_EQ(s.read_block(b), cut(all, s.dims(), b)) << s.describe();
}

inline std::set<double> value_set(const std::vector<double>& v) { return {v.begin(), v.end()}; }

inline double fraction_of(const std::vector<double>& v, double value) {
  std::int64_t n = 0;
  for (double x : v) n += x == value;
  return static_cast<double>(n) / static_cast<double>(v.size());
}

/// Runs `f` and returns the navox::Error message it throws ("" if none).
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const navox::Error& e) {
    return e.what();
  }
  return "";
}

inline VolumeSpec spec_of(const std::string& format, const std::string& path) {
  VolumeSpec s;
  s.format = format;
  s.path = path;
  return s;
}

inline void write_file(const std::string& path, const std::vector<unsigned char>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

/// The OpenImpala sample stack in the shared data set: raw encodings and a 1-bit TIFF.
inline constexpr const char* kImpala = "openimpala_sample/SampleData_2Phase_stack_3d_";

} // namespace navox::test::volume
