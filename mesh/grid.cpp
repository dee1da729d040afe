#include "mesh/grid.hpp"

#include "mesh/error.hpp"
#include "mesh/partition.hpp"

#include <algorithm>
#include <limits>

namespace navox {

namespace {

void check_spec(const GridSpec& s) {
  for (int d = 0; d < 3; ++d) {
    if (s.dims[d] < 1) throw Error("grid: every dimension needs at least one voxel");
    if (s.dims[d] > std::numeric_limits<PetscInt>::max()) throw Error("grid: dimension too large for PetscInt");
    if (!(s.spacing[d] > 0)) throw Error("grid: voxel spacing must be positive");
  }
}

} // namespace

Grid::Grid(MPI_Comm comm, const GridSpec& spec, std::vector<std::string> field_names)
    : comm_(comm), spec_(spec), fields_(std::move(field_names)) {
  check_spec(spec_);
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);

  const DMBoundaryType lateral = spec_.periodic_lateral ? DM_BOUNDARY_PERIODIC : DM_BOUNDARY_NONE;
  // grid.processors first, then PETSc's own -da_processors_x/y/z; where neither names
  // any axis, the lateral axes first (mesh/partition.hpp), else PETSc decides.
  auto named = [&](int d) {
    if (spec_.processors[d] > 0) return PetscInt(spec_.processors[d]);
    const char* option[3] = {"-da_processors_x", "-da_processors_y", "-da_processors_z"};
    PetscInt n = PETSC_DECIDE;
    PetscBool set = PETSC_FALSE;
    NAVOX_CALL(PetscOptionsGetInt(nullptr, nullptr, option[d], &n, &set));
    return set && n > 0 ? n : PetscInt(PETSC_DECIDE);
  };
  std::array<PetscInt, 3> chosen{named(0), named(1), named(2)};
  if (chosen[0] == PETSC_DECIDE && chosen[1] == PETSC_DECIDE && chosen[2] == PETSC_DECIDE) {
    const std::array<int, 3> lateral = lateral_first(size_, spec_.dims);
    for (int d = 0; d < 3; ++d) chosen[d] = lateral[d] > 0 ? PetscInt(lateral[d]) : PetscInt(PETSC_DECIDE);
  }
  const PetscInt nx = PetscInt(spec_.dims[0]), ny = PetscInt(spec_.dims[1]), nz = PetscInt(spec_.dims[2]);
  // The first DM fixes the partition; every other DM reuses it exactly.
  NAVOX_CALL(DMDACreate3d(comm_, lateral, lateral, DM_BOUNDARY_NONE, DMDA_STENCIL_BOX, nx, ny, nz, chosen[0],
                          chosen[1], chosen[2], 1, 1, nullptr, nullptr, nullptr, &sdm_));
  NAVOX_CALL(DMSetUp(sdm_));
  NAVOX_CALL(DMDASetFieldName(sdm_, 0, "scalar"));
  PetscInt m = 0, n = 0, p = 0;
  NAVOX_CALL(DMDAGetInfo(sdm_, nullptr, nullptr, nullptr, nullptr, &m, &n, &p, nullptr, nullptr, nullptr,
                         nullptr, nullptr, nullptr));
  const PetscInt *lx = nullptr, *ly = nullptr, *lz = nullptr;
  NAVOX_CALL(DMDAGetOwnershipRanges(sdm_, &lx, &ly, &lz));
  // The field DMs follow on first use (field_dm): a DMDA's scatters and mappings cost
  // ~16 B/voxel, and a run uses only the fields of its modules.
  field_dms_.assign(fields_.size(), nullptr);

  // PETSc numbers ranks x fastest over the process grid.
  boxes_.resize(size_);
  std::vector<std::int64_t> start[3];
  const PetscInt* l[3] = {lx, ly, lz};
  const PetscInt np[3] = {m, n, p};
  for (int d = 0; d < 3; ++d) {
    start[d].assign(np[d] + 1, 0);
    for (PetscInt r = 0; r < np[d]; ++r) start[d][r + 1] = start[d][r] + l[d][r];
    starts_[d].assign(start[d].begin(), start[d].end() - 1);
  }
  for (PetscInt rz = 0; rz < p; ++rz)
    for (PetscInt ry = 0; ry < n; ++ry)
      for (PetscInt rx = 0; rx < m; ++rx) {
        Box& b = boxes_[(rz * n + ry) * m + rx];
        const PetscInt r[3] = {rx, ry, rz};
        for (int d = 0; d < 3; ++d) {
          b.lo[d] = start[d][r[d]];
          b.n[d] = l[d][r[d]];
        }
      }
  // Cross-check the derived layout against what PETSc reports for this rank.
  PetscInt xs, ys, zs, xm, ym, zm;
  NAVOX_CALL(DMDAGetCorners(sdm_, &xs, &ys, &zs, &xm, &ym, &zm));
  const Box& mine = boxes_[rank_];
  if (mine.lo != std::array<std::int64_t, 3>{xs, ys, zs} || mine.n != std::array<std::int64_t, 3>{xm, ym, zm})
    throw Error("grid: internal error, rank layout does not match the DMDA");
}

int Grid::owner(std::int64_t i, std::int64_t j, std::int64_t k) const {
  // PETSc numbers ranks x fastest over the process grid of slabs.
  const std::int64_t c[3] = {i, j, k};
  std::size_t at[3];
  for (int d = 0; d < 3; ++d)
    at[d] = static_cast<std::size_t>(std::upper_bound(starts_[d].begin(), starts_[d].end(), c[d]) -
                                     starts_[d].begin() - 1);
  return static_cast<int>(at[0] + starts_[0].size() * (at[1] + starts_[1].size() * at[2]));
}

Grid::~Grid() {
  // Destructors must not throw; a failure here would only leak.
  if (sdm_) (void)DMDestroy(&sdm_);
  for (DM& dm : field_dms_) (void)DMDestroy(&dm);
}

DM Grid::field_dm(const std::string& name) const {
  auto it = std::find(fields_.begin(), fields_.end(), name);
  if (it == fields_.end()) throw Error("no solution field named \"" + name + "\"");
  DM& dm = field_dms_[static_cast<std::size_t>(it - fields_.begin())];
  if (dm) return dm;
  // The scalar DM's partition exactly: its process grid and ownership ranges.
  PetscInt m = 0, n = 0, p = 0;
  NAVOX_CALL(DMDAGetInfo(sdm_, nullptr, nullptr, nullptr, nullptr, &m, &n, &p, nullptr, nullptr, nullptr, nullptr,
                         nullptr, nullptr));
  const PetscInt *lx = nullptr, *ly = nullptr, *lz = nullptr;
  NAVOX_CALL(DMDAGetOwnershipRanges(sdm_, &lx, &ly, &lz));
  const DMBoundaryType lateral = spec_.periodic_lateral ? DM_BOUNDARY_PERIODIC : DM_BOUNDARY_NONE;
  NAVOX_CALL(DMDACreate3d(comm_, lateral, lateral, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, PetscInt(spec_.dims[0]),
                          PetscInt(spec_.dims[1]), PetscInt(spec_.dims[2]), m, n, p, 1, 1, lx, ly, lz, &dm));
  NAVOX_CALL(DMSetUp(dm));
  NAVOX_CALL(DMDASetFieldName(dm, 0, name.c_str()));
  // No coordinates: a coordinate DM and vector (3 values per voxel) cost ~60 B/voxel,
  // for PETSc viewers only; the output files carry the geometry themselves.
  return dm;
}

} // namespace navox
