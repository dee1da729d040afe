#include "mesh/connected_components.hpp"

#include "mesh/block_access.hpp"
#include "mesh/disjoint_sets.hpp"
#include "mesh/stencil.hpp"

#include <algorithm>
#include <numeric>

namespace navox {

namespace {

/// An owned phase voxel and a face neighbour that lies outside the owned block.
struct GhostLink {
  std::int64_t root; ///< local root of the voxel's component
  PetscInt i, j, k;  ///< neighbour, in the ghosted array's indices
};

} // namespace

ComponentLabels connected_components(const Grid& grid, Vec mask) {
  const Box b = grid.owned();
  const GridSpec& s = grid.spec();
  const std::vector<double> in = scalar_block(grid, mask);
  DisjointSets sets(b.size());
  auto inside = [&](std::int64_t i, std::int64_t j, std::int64_t k) { return in[b.offset(i, j, k)] != 0; };

  // Faces inside the block: only the +x, +y, +z neighbour of each voxel, so each face is seen once.
  for (auto k = b.lo[2]; k < b.hi(2); ++k)
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i) {
        if (!inside(i, j, k)) continue;
        const auto v = b.offset(i, j, k);
        if (i + 1 < b.hi(0) && inside(i + 1, j, k)) sets.unite(v, b.offset(i + 1, j, k));
        if (j + 1 < b.hi(1) && inside(i, j + 1, k)) sets.unite(v, b.offset(i, j + 1, k));
        if (k + 1 < b.hi(2) && inside(i, j, k + 1)) sets.unite(v, b.offset(i, j, k + 1));
      }

  // Component label = smallest global index among the block's members, held at the root.
  std::vector<double> root_label(static_cast<std::size_t>(b.size()), -1.0);
  std::vector<GhostLink> links;
  for (auto k = b.lo[2]; k < b.hi(2); ++k)
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i) {
        if (!inside(i, j, k)) continue;
        const auto root = sets.find(b.offset(i, j, k));
        const double g = double(i + s.dims[0] * (j + s.dims[1] * k));
        if (root_label[root] < 0 || g < root_label[root]) root_label[root] = g;
        for (const auto& o : kFaceOffset) {
          const std::int64_t ni = i + o[0], nj = j + o[1], nk = k + o[2];
          if (b.contains(ni, nj, nk)) continue;
          if (nk < 0 || nk >= s.dims[2]) continue;
          // Periodic lateral ghosts sit at -1 and n in the ghosted array, even on one rank.
          if (!s.periodic_lateral && (ni < 0 || ni >= s.dims[0] || nj < 0 || nj >= s.dims[1])) continue;
          links.push_back({root, PetscInt(ni), PetscInt(nj), PetscInt(nk)});
        }
      }

  ComponentLabels out;
  NAVOX_CALL(DMCreateGlobalVector(grid.scalar_dm(), &out.labels));
  Vec local = nullptr;
  NAVOX_CALL(DMCreateLocalVector(grid.scalar_dm(), &local));
  std::vector<double> block(static_cast<std::size_t>(b.size()));
  for (;;) {
    for (std::int64_t v = 0; v < b.size(); ++v) block[v] = in[v] != 0 ? root_label[sets.find(v)] : -1.0;
    set_scalar_block(grid, out.labels, block);
    ++out.sweeps;
    NAVOX_CALL(DMGlobalToLocalBegin(grid.scalar_dm(), out.labels, INSERT_VALUES, local));
    NAVOX_CALL(DMGlobalToLocalEnd(grid.scalar_dm(), out.labels, INSERT_VALUES, local));
    const PetscScalar*** ghost = nullptr;
    NAVOX_CALL(DMDAVecGetArrayRead(grid.scalar_dm(), local, &ghost));
    int changed = 0;
    for (const GhostLink& l : links) {
      const double other = ghost[l.k][l.j][l.i];
      if (other >= 0 && other < root_label[l.root]) {
        root_label[l.root] = other;
        changed = 1;
      }
    }
    NAVOX_CALL(DMDAVecRestoreArrayRead(grid.scalar_dm(), local, &ghost));
    int any = 0;
    MPI_Allreduce(&changed, &any, 1, MPI_INT, MPI_MAX, grid.comm());
    if (!any) break;
  }
  NAVOX_CALL(VecDestroy(&local));
  return out;
}

std::vector<std::int64_t> labels_on_face(const Grid& grid, Vec labels, int axis, int side) {
  const Box b = grid.owned();
  const std::int64_t plane = side == 0 ? 0 : grid.spec().dims[axis] - 1;
  std::vector<std::int64_t> mine;
  // The owned part of a global vector is the block in x-fastest order.
  const PetscScalar* lab = nullptr;
  NAVOX_CALL(VecGetArrayRead(labels, &lab));
  for_each_on_plane(b, axis, plane, [&](std::int64_t i, std::int64_t j, std::int64_t k) {
    const double l = lab[b.offset(i, j, k)];
    if (l >= 0) mine.push_back(static_cast<std::int64_t>(l));
  });
  NAVOX_CALL(VecRestoreArrayRead(labels, &lab));
  std::sort(mine.begin(), mine.end());
  mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
  int count = static_cast<int>(mine.size());
  std::vector<int> counts(grid.size()), displs(grid.size(), 0);
  MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, grid.comm());
  for (int r = 1; r < grid.size(); ++r) displs[r] = displs[r - 1] + counts[r - 1];
  std::vector<std::int64_t> all(static_cast<std::size_t>(displs.back() + counts.back()));
  MPI_Allgatherv(mine.data(), count, MPI_INT64_T, all.data(), counts.data(), displs.data(), MPI_INT64_T,
                 grid.comm());
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

} // namespace navox
