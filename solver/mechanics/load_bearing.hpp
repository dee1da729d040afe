#pragma once
/// The SE and CC voxels the elastic solve treats as solids (docs/model.md, "Elasticity":
/// "Loose solid").
///
/// A solid voxel carries load in the elastic model when a chain of SE and CC voxels,
/// each sharing a face with the next, joins it to the support (the layer z = 0), or,
/// where no such chain reaches the pressure plate (a collector lifted off the SE onto
/// Na and gaps), to the plate (the top layer). A piece of solid joined to the rest only
/// along an edge or at a corner of a voxel (a hinge of one Q1 edge or a ball joint at one
/// node), or only through pores and Na, is *loose*: nothing but the ersatz material
/// (1e-6 of the softest solid's E) holds it, so it has rigid motions of ~1e-6 of a
/// solid's energy. Each is a near-null mode of the operator that neither the
/// point-block smoother nor the coarse levels resolve: in the Cu pellet of
/// inputs/bench/plating.yaml the elastic CG took 42 iterations at 64³ and 60 at 128³
/// with them, 29 and 29 without (docs/performance.md, "Loose solid").
/// The elastic solve gives loose voxels the ersatz material: they carry no load, no
/// load is put on them (stack pressure, Na pressure), and their stresses are not
/// solved. A piece under the plate that only the plate holds leaves its share of the
/// stack load to the solid the support holds.
///
/// A voxelisation artefact in the main: a neck thinner than a voxel in the real
/// microstructure is cut, or is a single edge, on the voxel grid; the pieces are small
/// (a few voxels each in the generated pellets).
#include "mesh/grid.hpp"
#include "physics/materials/material.hpp"

#include <petscvec.h>

#include <cstdint>

namespace navox {

struct LoadBearing {
  std::int64_t loose = 0; ///< loose voxels over all ranks
  /// Bodies that only the plate holds (a collector lifted off the SE: held solid that no
  /// chain of solid joins to the support), the largest kMaxPlateBodies of them: numbered
  /// 0, 1, ... by size (voxels, then component label) in `bodies`.
  int plate_bodies = 0;
};
constexpr int kMaxPlateBodies = 8;

/// `labels` (material indices) into `out` (a global Vec of grid.scalar_dm()) with every
/// loose SE or CC voxel labelled `ersatz` (an index past the materials); where `bodies`
/// is given (a global Vec of grid.scalar_dm()), each voxel of a body only the plate
/// holds gets its number there, every other voxel −1. Throws a CollectiveError where a
/// label is not a material index. The same on any partition
/// (mesh/connected_components.hpp). Collective.
LoadBearing load_bearing_labels(const Grid& grid, Vec labels, const MaterialTable& materials, int ersatz, Vec out,
                                Vec bodies = nullptr);

} // namespace navox
