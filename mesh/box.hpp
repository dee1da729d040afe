#pragma once
/// An axis-aligned block of voxels in global (i, j, k) = (x, y, z) indices.
#include <array>
#include <cstdint>

namespace navox {

struct Box {
  std::array<std::int64_t, 3> lo{0, 0, 0}; ///< first voxel of the block
  std::array<std::int64_t, 3> n{0, 0, 0};  ///< voxels along x, y, z

  std::int64_t hi(int d) const { return lo[d] + n[d]; }
  std::int64_t size() const { return n[0] * n[1] * n[2]; }
  bool contains(std::int64_t i, std::int64_t j, std::int64_t k) const {
    return i >= lo[0] && i < hi(0) && j >= lo[1] && j < hi(1) && k >= lo[2] && k < hi(2);
  }
  /// Offset of global voxel (i, j, k) in a block-sized array, x fastest.
  std::int64_t offset(std::int64_t i, std::int64_t j, std::int64_t k) const {
    return ((k - lo[2]) * n[1] + (j - lo[1])) * n[0] + (i - lo[0]);
  }
  /// The inverse of offset: the global voxel at `offset` of a block-sized array.
  std::array<std::int64_t, 3> voxel(std::int64_t offset) const {
    return {lo[0] + offset % n[0], lo[1] + (offset / n[0]) % n[1], lo[2] + offset / (n[0] * n[1])};
  }
};

/// Calls fn(i, j, k) for the voxels of `b` on the plane `plane` normal to `axis`
/// (none if the block does not reach it), x fastest.
template <class Fn>
void for_each_on_plane(const Box& b, int axis, std::int64_t plane, Fn&& fn) {
  if (plane < b.lo[axis] || plane >= b.hi(axis)) return;
  std::array<std::int64_t, 3> lo = b.lo, hi = {b.hi(0), b.hi(1), b.hi(2)};
  lo[axis] = plane;
  hi[axis] = plane + 1;
  for (auto k = lo[2]; k < hi[2]; ++k)
    for (auto j = lo[1]; j < hi[1]; ++j)
      for (auto i = lo[0]; i < hi[0]; ++i) fn(i, j, k);
}

} // namespace navox
