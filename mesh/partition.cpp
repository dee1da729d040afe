#include "mesh/partition.hpp"

#include <limits>

namespace navox {

std::array<int, 3> lateral_first(int ranks, const std::array<std::int64_t, 3>& dims) {
  for (int pz = 1; pz <= ranks && pz <= dims[2]; ++pz) {
    if (ranks % pz != 0) continue;
    const int lateral = ranks / pz;
    std::array<int, 3> best{-1, -1, -1};
    std::int64_t best_halo = std::numeric_limits<std::int64_t>::max();
    for (int px = 1; px <= lateral; ++px) {
      if (lateral % px != 0) continue;
      const int py = lateral / px;
      // The narrowest block (DMDA gives the first n % p blocks one voxel more).
      const std::int64_t wx = dims[0] / px, wy = dims[1] / py;
      if (wx < kMinLateral || wy < kMinLateral) continue;
      // The faces between blocks in a layer, in voxels: the smaller, the less an exchange
      // moves (x first on a tie: the larger px).
      const std::int64_t halo = (px - 1) * dims[1] + (py - 1) * dims[0];
      if (halo <= best_halo) best = {px, py, pz}, best_halo = halo;
    }
    if (best[0] > 0) return best;
  }
  return {-1, -1, -1};
}

} // namespace navox
