#include "mesh/connected_components.hpp"

#include "mesh/block_access.hpp"
#include "mesh/disjoint_sets.hpp"

#include <petscsf.h>

#include <algorithm>
#include <utility>
#include <array>
#include <iterator>
#include <numeric>
#include <string>

namespace navox {

namespace {

/// An owned phase voxel and a neighbour that lies outside the owned block.
struct GhostLink {
  std::int64_t root;  ///< local root of the voxel's component
  std::int64_t other; ///< the neighbour: global index, lateral coordinates wrapped; then its leaf
};

/// The neighbour offsets of a voxel for `connectivity` 6, 18 or 26: those with
/// 1, up to 2, or up to 3 non-zero components.
std::vector<std::array<int, 3>> neighbour_offsets(int connectivity) {
  const int max_nonzero = connectivity == 6 ? 1 : connectivity == 18 ? 2 : connectivity == 26 ? 3 : 0;
  if (max_nonzero == 0)
    throw Error("connected components: connectivity must be 6, 18 or 26, not " + std::to_string(connectivity));
  std::vector<std::array<int, 3>> out;
  for (int dk = -1; dk <= 1; ++dk)
    for (int dj = -1; dj <= 1; ++dj)
      for (int di = -1; di <= 1; ++di) {
        const int nonzero = (di != 0) + (dj != 0) + (dk != 0);
        if (nonzero > 0 && nonzero <= max_nonzero) out.push_back({di, dj, dk});
      }
  return out;
}

/// The offset points "forward" (to a later voxel in x-fastest order): each pair
/// of neighbours inside a block is united once.
bool forward(const std::array<int, 3>& o) { return o[2] > 0 || (o[2] == 0 && (o[1] > 0 || (o[1] == 0 && o[0] > 0))); }

} // namespace

ComponentLabels connected_components(const Grid& grid, Vec mask, int connectivity) {
  const std::vector<std::array<int, 3>> offsets = neighbour_offsets(connectivity);
  std::vector<std::array<int, 3>> ahead;
  std::copy_if(offsets.begin(), offsets.end(), std::back_inserter(ahead), forward);
  const Box b = grid.owned();
  const GridSpec& s = grid.spec();
  // The mask as one byte per voxel: the labelling is the largest transient of a step.
  std::vector<std::uint8_t> in(static_cast<std::size_t>(b.size()));
  {
    PetscInt n = 0;
    NAVOX_CALL(VecGetLocalSize(mask, &n));
    if (n != b.size()) throw Error("connected components: the mask is no cell field of this grid");
    const PetscScalar* m = nullptr;
    NAVOX_CALL(VecGetArrayRead(mask, &m)); // owned values in block order, x fastest
    for (std::size_t v = 0; v < in.size(); ++v) in[v] = m[v] != 0 ? 1 : 0;
    NAVOX_CALL(VecRestoreArrayRead(mask, &m));
  }
  DisjointSets sets(b.size());
  auto inside = [&](std::int64_t i, std::int64_t j, std::int64_t k) { return in[b.offset(i, j, k)] != 0; };

  // Neighbours inside the block: only the forward half of the offsets, so each pair is seen once.
  const std::int64_t sy = b.n[0], sz = b.n[0] * b.n[1];
  if (connectivity == 6) { // the usual case, by strides: +x, +y, +z
    std::int64_t v = 0;
    for (auto k = b.lo[2]; k < b.hi(2); ++k)
      for (auto j = b.lo[1]; j < b.hi(1); ++j)
        for (auto i = b.lo[0]; i < b.hi(0); ++i, ++v) {
          if (!in[static_cast<std::size_t>(v)]) continue;
          if (i + 1 < b.hi(0) && in[static_cast<std::size_t>(v + 1)]) sets.unite(v, v + 1);
          if (j + 1 < b.hi(1) && in[static_cast<std::size_t>(v + sy)]) sets.unite(v, v + sy);
          if (k + 1 < b.hi(2) && in[static_cast<std::size_t>(v + sz)]) sets.unite(v, v + sz);
        }
  } else {
    for (auto k = b.lo[2]; k < b.hi(2); ++k)
      for (auto j = b.lo[1]; j < b.hi(1); ++j)
        for (auto i = b.lo[0]; i < b.hi(0); ++i) {
          if (!inside(i, j, k)) continue;
          const auto v = b.offset(i, j, k);
          for (const auto& o : ahead) {
            const std::int64_t ni = i + o[0], nj = j + o[1], nk = k + o[2];
            if (b.contains(ni, nj, nk) && inside(ni, nj, nk)) sets.unite(v, b.offset(ni, nj, nk));
          }
        }
  }

  // Component label = smallest global index among the block's members, held at the root.
  // The root is the smallest member in block order, which is global order within a block,
  // so the label is the root's own global index. Only the block's outer voxels have
  // neighbours outside it.
  std::vector<double> root_label(static_cast<std::size_t>(b.size()), -1.0);
  std::vector<GhostLink> links;
  {
    std::int64_t v = 0;
    for (auto k = b.lo[2]; k < b.hi(2); ++k)
      for (auto j = b.lo[1]; j < b.hi(1); ++j)
        for (auto i = b.lo[0]; i < b.hi(0); ++i, ++v) {
          if (!in[static_cast<std::size_t>(v)]) continue;
          const auto root = sets.find(v);
          if (root == v) root_label[static_cast<std::size_t>(v)] = double(i + s.dims[0] * (j + s.dims[1] * k));
          const bool outer = i == b.lo[0] || i + 1 == b.hi(0) || j == b.lo[1] || j + 1 == b.hi(1) ||
                             k == b.lo[2] || k + 1 == b.hi(2);
          if (!outer) continue;
          for (const auto& o : offsets) {
            const std::int64_t ni = i + o[0], nj = j + o[1], nk = k + o[2];
            if (b.contains(ni, nj, nk)) continue;
            if (nk < 0 || nk >= s.dims[2]) continue;
            // Periodic lateral ghosts sit at -1 and n in the ghosted array, even on one rank;
            // the box stencil ghosts edge and corner neighbours as well as face neighbours.
            if (!s.periodic_lateral && (ni < 0 || ni >= s.dims[0] || nj < 0 || nj >= s.dims[1])) continue;
            const std::int64_t wi = (ni + s.dims[0]) % s.dims[0], wj = (nj + s.dims[1]) % s.dims[1];
            links.push_back({root, wi + s.dims[0] * (wj + s.dims[1] * nk)});
          }
        }
  }

  // The neighbours' labels travel by a star forest whose leaves are just the voxels the
  // links name (one each), not by the DM's ghost exchange: no ghosted copy of the grid,
  // and only the block's outer neighbours move.
  std::vector<std::int64_t> others(links.size());
  std::transform(links.begin(), links.end(), others.begin(), [](const GhostLink& l) { return l.other; });
  std::sort(others.begin(), others.end());
  others.erase(std::unique(others.begin(), others.end()), others.end());
  std::vector<PetscSFNode> owners(others.size());
  for (std::size_t n = 0; n < others.size(); ++n) {
    const std::int64_t g = others[n], i = g % s.dims[0], j = g / s.dims[0] % s.dims[1], k = g / (s.dims[0] * s.dims[1]);
    const int r = grid.owner(i, j, k);
    owners[n] = {r, static_cast<PetscInt>(grid.blocks()[static_cast<std::size_t>(r)].offset(i, j, k))};
  }
  for (GhostLink& l : links)
    l.other = std::lower_bound(others.begin(), others.end(), l.other) - others.begin();
  std::vector<PetscScalar> ghost(others.size());
  std::vector<std::int64_t>().swap(others);
  PetscSF sf = nullptr;
  NAVOX_CALL(PetscSFCreate(grid.comm(), &sf));
  ComponentLabels out;
  try {
    NAVOX_CALL(PetscSFSetGraph(sf, static_cast<PetscInt>(b.size()), static_cast<PetscInt>(owners.size()), nullptr,
                               PETSC_OWN_POINTER, owners.data(), PETSC_COPY_VALUES));
    std::vector<PetscSFNode>().swap(owners);
    NAVOX_CALL(PetscSFSetUp(sf));
    NAVOX_CALL(DMCreateGlobalVector(grid.scalar_dm(), &out.labels));
    for (;;) {
      PetscScalar* l = nullptr;
      NAVOX_CALL(VecGetArray(out.labels, &l)); // owned values in block order
      for (std::int64_t v = 0; v < b.size(); ++v) l[v] = in[v] != 0 ? root_label[sets.find(v)] : -1.0;
      ++out.sweeps;
      const PetscErrorCode e = PetscSFBcastBegin(sf, MPIU_SCALAR, l, ghost.data(), MPI_REPLACE);
      const PetscErrorCode f = e ? e : PetscSFBcastEnd(sf, MPIU_SCALAR, l, ghost.data(), MPI_REPLACE);
      NAVOX_CALL(VecRestoreArray(out.labels, &l));
      NAVOX_CALL(f);
      int changed = 0;
      for (const GhostLink& k : links) {
        const double other = ghost[static_cast<std::size_t>(k.other)];
        if (other >= 0 && other < root_label[static_cast<std::size_t>(k.root)]) {
          root_label[static_cast<std::size_t>(k.root)] = other;
          changed = 1;
        }
      }
      int any = 0;
      MPI_Allreduce(&changed, &any, 1, MPI_INT, MPI_MAX, grid.comm());
      if (!any) break;
    }
  } catch (...) {
    (void)PetscSFDestroy(&sf);
    (void)VecDestroy(&out.labels);
    throw;
  }
  NAVOX_CALL(PetscSFDestroy(&sf));
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
  return union_of_labels(grid, std::move(mine));
}

std::vector<std::int64_t> union_of_labels(const Grid& grid, std::vector<std::int64_t> mine) {
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
