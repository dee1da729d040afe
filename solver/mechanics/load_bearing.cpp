#include "solver/mechanics/load_bearing.hpp"

#include "mesh/collective.hpp"
#include "mesh/connected_components.hpp"
#include "mesh/error.hpp"
#include "mesh/voxel_walk.hpp"
#include "solver/app/log_events.hpp"

#include <algorithm>
#include <vector>

namespace navox {

LoadBearing load_bearing_labels(const Grid& grid, Vec labels, const MaterialTable& materials, int ersatz, Vec out,
                                Vec bodies) {
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
  std::int64_t loose = 0;
  LoadBearing result;
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
    {
      OwnedRead c(grid, comp.labels);
      Owned lab(grid, out);
      for_owned(grid, [&](auto i, auto j, auto k) {
        const double l = c(i, j, k);
        if (l >= 0 && !std::binary_search(held.begin(), held.end(), static_cast<std::int64_t>(l))) {
          lab(i, j, k) = ersatz;
          ++loose;
        }
      });
    }
    if (bodies) {
      // The plate's bodies, where the plate holds any (top is sorted and the same on
      // every rank): the largest first, numbered by their sizes summed over the ranks.
      // The component's index in top, or −1: not one of the plate's bodies.
      auto plate_body = [&](double l) -> std::ptrdiff_t {
        const auto at = std::lower_bound(top.begin(), top.end(), static_cast<std::int64_t>(l));
        return !plate_on_support && at != top.end() && *at == static_cast<std::int64_t>(l) ? at - top.begin() : -1;
      };
      std::vector<std::int64_t> size(plate_on_support ? 0 : top.size(), 0);
      {
        OwnedRead c(grid, comp.labels);
        for_owned(grid, [&](auto i, auto j, auto k) {
          const std::ptrdiff_t t = plate_body(c(i, j, k));
          if (t >= 0) ++size[std::size_t(t)];
        });
      }
      MPI_Allreduce(MPI_IN_PLACE, size.data(), int(size.size()), MPI_INT64_T, MPI_SUM, grid.comm());
      std::vector<std::size_t> order(size.size());
      for (std::size_t n = 0; n < order.size(); ++n) order[n] = n;
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return size[a] > size[b]; });
      if (order.size() > std::size_t(kMaxPlateBodies)) order.resize(std::size_t(kMaxPlateBodies));
      std::vector<int> number(size.size(), -1);
      for (std::size_t n = 0; n < order.size(); ++n) number[order[n]] = int(n);
      result.plate_bodies = int(order.size());
      OwnedRead c(grid, comp.labels);
      Owned body(grid, bodies);
      for_owned(grid, [&](auto i, auto j, auto k) {
        const std::ptrdiff_t t = plate_body(c(i, j, k));
        body(i, j, k) = t >= 0 ? number[std::size_t(t)] : -1;
      });
    }
  } catch (...) {
    (void)VecDestroy(&comp.labels);
    throw;
  }
  NAVOX_CALL(VecDestroy(&comp.labels));
  MPI_Allreduce(&loose, &result.loose, 1, MPI_INT64_T, MPI_SUM, grid.comm());
  return result;
}

} // namespace navox
