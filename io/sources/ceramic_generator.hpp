#pragma once
/// A dense sintered ceramic SE (NZSP, MODEL.md §0) with an optional grain-boundary network.
///
/// Grains are the Voronoi cells of seeds on a jittered lattice: one seed per cubic
/// lattice cell of edge `grain_size` (so the mean grain volume is grain_size^3),
/// placed uniformly in the cell from a hash of (seed, cell). A voxel belongs to a
/// grain boundary when its centre x lies within half the boundary thickness w of
/// the bisector plane between its nearest seed s_1 and some other seed s:
///     (|x - s|^2 - |x - s_1|^2) / (2 |s - s_1|) < w / 2.
/// Boundary voxels take the grain-boundary material (a second SE material of the
/// material table, usually of lower conductivity), all others the grain material.
/// The boundary volume fraction is about S_V w, with S_V the grain-boundary area per
/// volume (about 2.7 / grain_size for these grains, 2.91 / grain_size for Poisson
/// seeds); thick boundaries overlap along triple lines and fall below S_V w.
///
/// A voxel's nearest seed is within sqrt(3) grain_size (the seed of its own cell);
/// seeds three or more lattice cells away along an axis are more than 2 grain_size
/// away, so their bisector lies more than (2 - sqrt(3)) / 2 grain_size = 0.134
/// grain_size from the voxel. With w <= grain_size / 4 they can neither be its
/// nearest seed nor make it a boundary voxel: each voxel searches the 7^3 cells
/// around its own, and the labels are a pure function of (seed, voxel index).
#include "io/sources/microstructure.hpp"

#include <array>
#include <cstdint>
#include <memory>

namespace navox::io {

struct CeramicSpec {
  std::array<std::int64_t, 3> dims{0, 0, 0}; ///< voxels
  std::array<double, 3> spacing{1, 1, 1};    ///< voxel size [m]
  double grain_size = 3e-6;                  ///< cube root of the mean grain volume [m]
  double gb_thickness = 0;                   ///< grain-boundary thickness w [m], <= grain_size / 4
  std::uint64_t seed = 0;
  int material = 0;     ///< the grain (bulk) SE material
  int gb_material = -1; ///< the grain-boundary SE material; -1: no boundaries (uniform ceramic)
};

std::unique_ptr<LabelSource> ceramic(const CeramicSpec& spec);

} // namespace navox::io
