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

} // namespace navox
