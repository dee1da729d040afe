#pragma once
// The acceptance criterion of Na settling in a porous collector: Na voxels whose
// component of Na-holding space (6-connected, periodic in x and y) has no voxel with
// an SE face neighbour, i.e. Na that has only solid CC between it and the Na at the SE.
#include "mesh/stencil.hpp"
#include "physics/sodium/sodium_metal.hpp"

#include <cstdint>
#include <vector>

namespace navox::test {

/// xi and labels: the whole volume in natural order (x fastest), dims nx, ny, nz;
/// `holding` the label of the Na-holding (PORE) material, `se` the SE's.
inline int na_cut_off_from_se(const std::vector<double>& xi, const std::vector<double>& labels,
                              const std::int64_t dims[3], int holding, int se) {
  const std::int64_t nx = dims[0], ny = dims[1], nz = dims[2];
  auto at = [&](std::int64_t i, std::int64_t j, std::int64_t k) {
    return std::size_t(((k * ny + (j + ny) % ny) * nx) + (i + nx) % nx);
  };
  auto holds = [&](std::size_t g) { return int(labels[g]) == holding; };
  // Breadth first from every Na-holding voxel with an SE face.
  std::vector<char> reached(xi.size(), 0);
  std::vector<std::size_t> queue;
  for (std::int64_t k = 0; k < nz; ++k)
    for (std::int64_t j = 0; j < ny; ++j)
      for (std::int64_t i = 0; i < nx; ++i)
        for (int f = 0; f < 6; ++f) {
          const std::int64_t nk = k + kFaceOffset[f][2];
          const std::size_t g = at(i, j, k);
          if (!holds(g) || nk < 0 || nk >= nz || reached[g]) continue;
          if (int(labels[at(i + kFaceOffset[f][0], j + kFaceOffset[f][1], nk)]) == se) reached[g] = 1, queue.push_back(g);
        }
  for (std::size_t q = 0; q < queue.size(); ++q) {
    const std::int64_t g = std::int64_t(queue[q]), i = g % nx, j = (g / nx) % ny, k = g / (nx * ny);
    for (int f = 0; f < 6; ++f) {
      const std::int64_t nk = k + kFaceOffset[f][2];
      if (nk < 0 || nk >= nz) continue;
      const std::size_t m = at(i + kFaceOffset[f][0], j + kFaceOffset[f][1], nk);
      if (holds(m) && !reached[m]) reached[m] = 1, queue.push_back(m);
    }
  }
  int count = 0;
  for (std::size_t g = 0; g < xi.size(); ++g)
    if (holds(g) && physics::SodiumMetal::holds(xi[g]) && !reached[g]) ++count;
  return count;
}

} // namespace navox::test
