#include "solver/mechanics/load_bearing.hpp"

#include "mesh/collective.hpp"
#include "mesh/connected_components.hpp"
#include "mesh/error.hpp"
#include "mesh/voxel_walk.hpp"
#include "solver/app/log_events.hpp"

#include <algorithm>
#include <vector>

namespace navox {

std::int64_t load_bearing_labels(const Grid& grid, Vec labels, const MaterialTable& materials, int ersatz, Vec out) {
  ScopedEvent event(Event::loose_solid);
  const double nm = double(materials.size());
  ScalarVector solid(grid);
  collectively(grid.comm(), [&] {
    OwnedRead lab(grid, labels);
    Owned mask(grid, solid);
    for_owned(grid, [&](auto i, auto j, auto k) {
      const double v = lab(i, j, k);
      if (!(v >= 0 && v < nm)) throw Error("elasticity: a voxel's label is not a material index");
      const Phase p = materials[static_cast<std::size_t>(v)].phase;
      mask(i, j, k) = p == Phase::SE || p == Phase::CC ? 1.0 : 0.0;
    });
  });
  ComponentLabels comp = connected_components(grid, solid, 6);
  solid.release();
  std::int64_t loose = 0, all = 0;
  try {
    // The components that reach the support; the plate's too where none of them reaches
    // the plate (a collector lifted off the SE); every other one is loose.
    std::vector<std::int64_t> held = labels_on_face(grid, comp.labels, 2, 0);
    const std::vector<std::int64_t> top = labels_on_face(grid, comp.labels, 2, 1);
    const bool plate_on_support = std::any_of(top.begin(), top.end(), [&](std::int64_t l) {
      return std::binary_search(held.begin(), held.end(), l);
    });
    if (!plate_on_support) {
      held.insert(held.end(), top.begin(), top.end());
      std::sort(held.begin(), held.end());
    }
    NAVOX_CALL(VecCopy(labels, out));
    OwnedRead c(grid, comp.labels);
    Owned lab(grid, out);
    for_owned(grid, [&](auto i, auto j, auto k) {
      const double l = c(i, j, k);
      if (l >= 0 && !std::binary_search(held.begin(), held.end(), static_cast<std::int64_t>(l))) {
        lab(i, j, k) = ersatz;
        ++loose;
      }
    });
  } catch (...) {
    (void)VecDestroy(&comp.labels);
    throw;
  }
  NAVOX_CALL(VecDestroy(&comp.labels));
  MPI_Allreduce(&loose, &all, 1, MPI_INT64_T, MPI_SUM, grid.comm());
  return all;
}

} // namespace navox
