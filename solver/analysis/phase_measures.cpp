#include "solver/analysis/phase_measures.hpp"

#include "mesh/block_access.hpp"
#include "mesh/connected_components.hpp"

#include <petsctime.h>

#include <algorithm>
#include <memory>

namespace navox {

namespace {

/// Component labels of the phase; the caller destroys the Vec.
ComponentLabels label_phase(const Grid& grid, const std::vector<double>& mask, int connectivity) {
  return with_scalar_vec(grid, mask, [&](Vec m) { return connected_components(grid, m, connectivity); });
}

/// Voxels, connected and isolated voxels, and clusters of the labelled phase.
ClusterReport count_clusters(const Grid& grid, Vec comps) {
  std::vector<std::int64_t> boundary;
  for (int axis = 0; axis < 3; ++axis)
    for (int side = 0; side < 2; ++side) {
      const auto face = labels_on_face(grid, comps, axis, side);
      boundary.insert(boundary.end(), face.begin(), face.end());
    }
  std::sort(boundary.begin(), boundary.end());
  boundary.erase(std::unique(boundary.begin(), boundary.end()), boundary.end());
  const std::vector<double> lab = scalar_block(grid, comps);
  const Box b = grid.owned();
  const auto& d = grid.spec().dims;
  // Integer counts, so the sums do not depend on the order ranks add them.
  std::int64_t sums[4] = {0, 0, 0, 0}, total[4]; // phase, connected, isolated, clusters
  for (auto k = b.lo[2]; k < b.hi(2); ++k)
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i) {
        const double l = lab[b.offset(i, j, k)];
        if (l < 0) continue;
        sums[0] += 1;
        sums[std::binary_search(boundary.begin(), boundary.end(), std::int64_t(l)) ? 1 : 2] += 1;
        if (l == double(i + d[0] * (j + d[1] * k))) sums[3] += 1; // the component's first voxel
      }
  MPI_Allreduce(sums, total, 4, MPI_INT64_T, MPI_SUM, grid.comm());
  const double voxels = double(grid.voxel_count());
  ClusterReport r;
  r.phase_fraction = double(total[0]) / voxels;
  r.connected_fraction = double(total[1]) / voxels;
  r.isolated_fraction = double(total[2]) / voxels;
  r.clusters = static_cast<long long>(total[3]);
  return r;
}

std::vector<DirectionReport> solve_directions(ConductivitySolver& solver, const std::vector<int>& directions,
                                              const io::Log* log) {
  std::vector<DirectionReport> out;
  for (int axis : directions) {
    DirectionReport dir;
    dir.result.axis = axis;
    try {
      dir.result = solver.solve(axis);
      if (log)
        log->info("  %s: sigma_eff/sigma = %.6g  tau = %.6g  spanning %.4f %%  %d iterations  %.3f s", axis_name(axis),
                  dir.result.ratio, dir.result.tortuosity, 100 * dir.result.active_fraction,
                  int(dir.result.iterations), dir.result.seconds);
    } catch (const NotPercolating& e) {
      dir.percolates = false;
      if (log) log->info("  %s: %s", axis_name(axis), e.what());
    }
    out.push_back(dir);
  }
  return out;
}

} // namespace

std::vector<double> phase_mask(const std::vector<int>& labels, const std::vector<int>& materials) {
  std::vector<double> mask(labels.size(), 0.0);
  for (std::size_t v = 0; v < labels.size(); ++v)
    mask[v] = std::find(materials.begin(), materials.end(), labels[v]) != materials.end() ? 1 : 0;
  return mask;
}

PhaseReport measure_phase(const Grid& grid, std::vector<double> mask, int connectivity,
                          const std::vector<int>& directions, const io::Log* log,
                          const std::function<void(const ClusterReport&, Vec components)>& with_components) {
  PhaseReport r;
  PetscLogDouble t0 = 0, t1 = 0;
  NAVOX_CALL(PetscTime(&t0));
  ComponentLabels cc = label_phase(grid, mask, connectivity);
  try {
    r.clusters = count_clusters(grid, cc.labels);
    NAVOX_CALL(PetscTime(&t1));
    r.clusters.sweeps = cc.sweeps;
    r.clusters.seconds = double(t1 - t0);
    if (with_components) with_components(r.clusters, cc.labels);
    // Current flows through faces only: the solves take face-connected (6) components.
    if (connectivity != 6 && !directions.empty()) {
      NAVOX_CALL(VecDestroy(&cc.labels));
      cc = label_phase(grid, mask, 6);
    }
    std::vector<double>().swap(mask);
    std::unique_ptr<ConductivitySolver> solver;
    if (!directions.empty()) solver = std::make_unique<ConductivitySolver>(grid, cc.labels);
    NAVOX_CALL(VecDestroy(&cc.labels)); // the solver keeps them packed
    if (solver) r.directions = solve_directions(*solver, directions, log);
  } catch (...) {
    (void)VecDestroy(&cc.labels);
    throw;
  }
  return r;
}

} // namespace navox
