#pragma once
/// How many ranks split each axis when neither `grid.processors` nor PETSc's
/// -da_processors_x/y/z name any: the lateral axes first.
///
/// A step's work outside the linear solves lies in an x-y slab: the SE, the Na at its
/// face and the pores just above it, where the settling's sweeps and searches run. Split
/// along z (PETSc's choice for a cube on 2 ranks) that slab falls to the lowest ranks, and
/// the ionic solve's SE rows all start on them before they are spread evenly. Split along
/// x and y every rank holds a share of the slab: at 128^3 on 2 ranks the plating bench
/// ran in 0.94 of the time split along z (docs/performance.md, "A lateral split by
/// default"). z is split as well only once the lateral blocks would be narrower than
/// kMinLateral voxels (their halo then outweighs the balance); where no split keeps them
/// that wide, PETSc decides.
#include <array>
#include <cstdint>

namespace navox {

/// Lateral blocks at least this many voxels wide along x and along y.
constexpr std::int64_t kMinLateral = 32;

/// The ranks along x, y and z for `ranks` ranks over `dims` voxels: the fewest along z
/// (a divisor of `ranks`) for which ranks / pz split x and y into blocks at least
/// kMinLateral wide, x and y split so that the faces between the blocks of a layer are
/// the fewest (x first on a tie). {-1, -1, -1} when there is none: PETSc decides.
std::array<int, 3> lateral_first(int ranks, const std::array<std::int64_t, 3>& dims);

} // namespace navox
