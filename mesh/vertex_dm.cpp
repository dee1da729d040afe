#include "mesh/vertex_dm.hpp"

#include "mesh/error.hpp"

#include <vector>

namespace navox {

DM create_vertex_dm(const Grid& grid, PetscInt dof) {
  const GridSpec& spec = grid.spec();
  const bool periodic = spec.periodic_lateral;
  PetscInt m = 0, n = 0, p = 0;
  NAVOX_CALL(DMDAGetInfo(grid.scalar_dm(), nullptr, nullptr, nullptr, nullptr, &m, &n, &p, nullptr, nullptr,
                         nullptr, nullptr, nullptr, nullptr));
  const PetscInt *lx = nullptr, *ly = nullptr, *lz = nullptr;
  NAVOX_CALL(DMDAGetOwnershipRanges(grid.scalar_dm(), &lx, &ly, &lz));
  std::vector<PetscInt> nx(lx, lx + m), ny(ly, ly + n), nz(lz, lz + p);
  const PetscInt extra = periodic ? 0 : 1;
  nx.back() += extra;
  ny.back() += extra;
  nz.back() += 1;
  const DMBoundaryType lateral = periodic ? DM_BOUNDARY_PERIODIC : DM_BOUNDARY_NONE;
  DM dm = nullptr;
  NAVOX_CALL(DMDACreate3d(grid.comm(), lateral, lateral, DM_BOUNDARY_NONE, DMDA_STENCIL_BOX,
                          PetscInt(spec.dims[0]) + extra, PetscInt(spec.dims[1]) + extra, PetscInt(spec.dims[2]) + 1,
                          m, n, p, dof, 1, nx.data(), ny.data(), nz.data(), &dm));
  const PetscErrorCode e = DMSetUp(dm);
  if (e) {
    (void)DMDestroy(&dm);
    NAVOX_CALL(e);
  }
  return dm;
}

VectorSizes dmda_vector_sizes(DM dm) {
  PetscInt nodes[3], dof = 0, owned[3];
  NAVOX_CALL(DMDAGetInfo(dm, nullptr, &nodes[0], &nodes[1], &nodes[2], nullptr, nullptr, nullptr, &dof, nullptr, nullptr,
                         nullptr, nullptr, nullptr));
  NAVOX_CALL(DMDAGetCorners(dm, nullptr, nullptr, nullptr, &owned[0], &owned[1], &owned[2]));
  return {owned[0] * owned[1] * owned[2] * dof, nodes[0] * nodes[1] * nodes[2] * dof};
}

VertexHierarchy vertex_mg_hierarchy(const Grid& grid, DM dm, PetscInt min_nodes, PetscInt enough_nodes) {
  const GridSpec& spec = grid.spec();
  PetscInt procs[3] = {0, 0, 0};
  NAVOX_CALL(DMDAGetInfo(dm, nullptr, nullptr, nullptr, nullptr, &procs[0], &procs[1], &procs[2], nullptr, nullptr,
                         nullptr, nullptr, nullptr, nullptr));
  const PetscInt* ranges[3] = {nullptr, nullptr, nullptr};
  NAVOX_CALL(DMDAGetOwnershipRanges(dm, &ranges[0], &ranges[1], &ranges[2]));
  // Halving c times keeps the voxel counts n/2^c (nodes n/2^c, +1 on a bounded axis) and
  // each rank's range r nodes about r/2^c of them.
  VertexHierarchy h; // no halving: the fine grid's nodes
  h.coarse_nodes = 1;
  for (int a = 0; a < 3; ++a) h.coarse_nodes *= PetscInt(spec.dims[a]) + (a < 2 && spec.periodic_lateral ? 0 : 1);
  for (int c = 1;; ++c) {
    const PetscInt f = PetscInt(1) << c;
    PetscInt nodes = 1;
    bool ok = true;
    for (int a = 0; a < 3 && ok; ++a) {
      const auto n = PetscInt(spec.dims[a]);
      const PetscInt coarse = n / f + (a < 2 && spec.periodic_lateral ? 0 : 1);
      ok = n % f == 0 && coarse >= min_nodes;
      for (PetscInt r = 0; r < procs[a] && ok; ++r) ok = ranges[a][r] >= 2 * f;
      nodes *= coarse;
    }
    if (!ok) break;
    h = {c + 1, nodes};
    if (nodes <= enough_nodes) break;
  }
  return h;
}

} // namespace navox
