#include "solver/mechanics/elasticity.hpp"

#include "mesh/collective.hpp"
#include "mesh/error.hpp"
#include "mesh/option_default.hpp"
#include "mesh/release_free_heap.hpp"
#include "mesh/vertex_dm.hpp"
#include "mesh/voxel_walk.hpp"
#include "solver/mechanics/load_bearing.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace navox {

namespace {

/// u with its ghosts for the readers of a solution, in a local vector borrowed from the
/// DM's pool (the one the matrix-free product borrows during a solve) and filled at each
/// use: a ghosted copy kept beside u held 24 B per node through the solve's peak
/// (docs/performance.md, "The elastic solve's memory"). Collective (the ghost exchange).
class GhostedNodes {
public:
  GhostedNodes(DM dm, Vec u) : dm_(dm) {
    NAVOX_CALL(DMGetLocalVector(dm_, &local_));
    try {
      NAVOX_CALL(DMGlobalToLocalBegin(dm_, u, INSERT_VALUES, local_));
      NAVOX_CALL(DMGlobalToLocalEnd(dm_, u, INSERT_VALUES, local_));
      NAVOX_CALL(DMDAVecGetArrayDOFRead(dm_, local_, &array_));
    } catch (...) {
      (void)DMRestoreLocalVector(dm_, &local_);
      throw;
    }
  }
  ~GhostedNodes() {
    (void)DMDAVecRestoreArrayDOFRead(dm_, local_, &array_);
    (void)DMRestoreLocalVector(dm_, &local_);
  }
  GhostedNodes(const GhostedNodes&) = delete;
  GhostedNodes& operator=(const GhostedNodes&) = delete;
  const PetscScalar* const* const* const* array() const { return array_; }

private:
  DM dm_;
  Vec local_ = nullptr;
  const PetscScalar**** array_ = nullptr;
};

/// Visits every owned voxel (i, j, k) of the grid, x fastest.
template <class Fn> void for_each_owned(const Box& b, Fn&& fn) {
  for (auto k = b.lo[2]; k < b.hi(2); ++k)
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i) fn(i, j, k);
}

} // namespace

Elasticity::Elasticity(const Grid& grid, Vec labels, const MaterialTable& materials)
    : grid_(grid), materials_(materials), h_(grid.spec().spacing) {
  DM sdm = grid_.scalar_dm();
  NAVOX_CALL(DMCreateLocalVector(sdm, &labels_local_));
  NAVOX_CALL(DMCreateLocalVector(sdm, &na_local_));
  NAVOX_CALL(VecSet(na_local_, 0.0));
  try {
    ScalarVector bearing(grid_);
    read_labels(labels, bearing);
    set_up(bearing);
  } catch (...) {
    release(); // no destructor runs for a constructor that throws
    throw;
  }
}

void Elasticity::read_labels(Vec labels, Vec bearing) {
  DM sdm = grid_.scalar_dm();
  if (lab_) NAVOX_CALL(DMDAVecRestoreArrayRead(sdm, labels_local_, &lab_));
  lab_ = nullptr;
  ScalarVector bodies(grid_);
  const LoadBearing held = load_bearing_labels(grid_, labels, materials_, ersatz_label(), bearing, bodies);
  loose_ = held.loose;
  plate_bodies_ = held.plate_bodies;
  if (bodies_local_) NAVOX_CALL(VecDestroy(&bodies_local_));
  if (plate_bodies_ > 0) {
    NAVOX_CALL(DMCreateLocalVector(sdm, &bodies_local_));
    NAVOX_CALL(DMGlobalToLocalBegin(sdm, bodies, INSERT_VALUES, bodies_local_));
    NAVOX_CALL(DMGlobalToLocalEnd(sdm, bodies, INSERT_VALUES, bodies_local_));
  }
  bodies.release();
  NAVOX_CALL(DMGlobalToLocalBegin(sdm, bearing, INSERT_VALUES, labels_local_));
  NAVOX_CALL(DMGlobalToLocalEnd(sdm, bearing, INSERT_VALUES, labels_local_));
  NAVOX_CALL(DMDAVecGetArrayRead(sdm, labels_local_, &lab_));
}

void Elasticity::set_up(Vec labels) {
  material_tables();
  create_vertex_dm();
  // The preconditioner decides the operator (create_solver below): the default two levels
  // where the grid halves once, with K applied node by node; otherwise an assembled
  // matrix (GAMG and the geometric hierarchy's Galerkin products need its entries).
  PetscBool given = PETSC_FALSE;
  NAVOX_CALL(PetscOptionsHasName(nullptr, "displacement_", "-pc_type", &given));
  two_levels_ = !given && vertex_mg_hierarchy(grid_, vdm_, 3, 0).levels >= 2;
  if (two_levels_) {
    create_shell();
    prepare_matrix_free();
  } else {
    // The nodes' coordinates: GAMG's rigid-body modes (create_solver) and the geometric
    // hierarchy's. (The two levels' coarse spaces give their own DMs coordinates: on the
    // vertex grid they would hold ~50 B per node for nothing.)
    set_node_coordinates(vdm_);
    NAVOX_CALL(DMSetMatType(vdm_, MATAIJ));
    // Only the preallocation: DMCreateMatrix would otherwise insert the stencil's zeros
    // first, 2.7 s of a 64^3 assembly on 1 rank; fill() creates the same pattern.
    NAVOX_CALL(DMSetMatrixPreallocateOnly(vdm_, PETSC_TRUE));
    NAVOX_CALL(DMCreateMatrix(vdm_, &a_));
    NAVOX_CALL(MatSetBlockSize(a_, 3));
    fill();
  }
  create_solver(labels);
}

void Elasticity::relabel(Vec labels) {
  ScalarVector bearing(grid_);
  read_labels(labels, bearing);
  material_tables();
  if (two_levels_) {
    prepare_matrix_free(); // the shell reads the new labels by itself
  } else {
    // The same nonzero pattern: the values are refilled in place (the matrix's insertion
    // into existing entries costs a third of creating them).
    NAVOX_CALL(MatZeroEntries(a_));
    fill();
  }
  // A new solver: GAMG set up again in the old KSP keeps parts of its old hierarchy (its
  // CG took 19-25 iterations where a fresh one takes 19-22, tests/parallel/
  // test_elastic_patch.cpp); a fresh one repeats a solver built on these labels to the bit.
  NAVOX_CALL(KSPDestroy(&ksp_));
  if (inner_) NAVOX_CALL(PCDestroy(&inner_));
  deflation_.reset();
  release_free_heap();
  create_solver(bearing);
  forget_solution();
}

void Elasticity::material_tables() {
  // Which materials occur anywhere (the ersatz E follows the softest solid present).
  // (The labels are material indices, checked by load_bearing_labels, or ersatz_label().)
  const std::size_t nm = materials_.size();
  std::vector<int> used(nm + 1, 0), all(nm + 1, 0);
  for_each_owned(grid_.owned(), [&](auto i, auto j, auto k) { used[std::size_t(lab_[k][j][i])] = 1; });
  MPI_Allreduce(used.data(), all.data(), int(nm + 1), MPI_INT, MPI_MAX, grid_.comm());
  double e_min = 0, e_max = 0;
  std::string missing;
  for (std::size_t m = 0; m < nm; ++m) {
    if (!all[m] || !solid(int(m))) continue;
    const double e = materials_[m].youngs_modulus;
    if (!(e > 0)) {
      missing += (missing.empty() ? "" : ", ") + materials_[m].name;
      continue;
    }
    e_min = e_min > 0 ? std::min(e_min, e) : e;
    e_max = std::max(e_max, e);
  }
  if (!missing.empty())
    throw CollectiveError("elasticity: no youngs_modulus for " + missing +
                          " (every SE and CC material needs E and poisson_ratio for mechanics)");
  if (!(e_max > 0)) throw CollectiveError("elasticity: the cell has no SE or CC voxel to carry a load");

  const double h_ref = std::cbrt(h_[0] * h_[1] * h_[2]);
  scale_ = 1.0 / (e_max * h_ref);
  stiffness_.clear();
  c_.clear();
  modulus_.clear();
  for (std::size_t m = 0; m <= nm; ++m) { // m = nm: loose solid, the ersatz
    const bool s = solid(int(m)) && materials_[m].youngs_modulus > 0;
    const double e = s ? materials_[m].youngs_modulus : kErsatz * e_min;
    const double nu = s ? materials_[m].poisson_ratio : kErsatzPoisson;
    modulus_.push_back(e);
    stiffness_.push_back(Hex::stiffness(h_, e, nu));
    c_.push_back(Hex::constitutive(e, nu));
  }
}

Elasticity::~Elasticity() { release(); }

void Elasticity::release() {
  if (ksp_) (void)KSPDestroy(&ksp_);
  if (inner_) (void)PCDestroy(&inner_);
  if (bodies_local_) (void)VecDestroy(&bodies_local_);
  release_coarse_space();
  if (a_) (void)MatDestroy(&a_);
  if (u_) (void)VecDestroy(&u_);
  if (b_) (void)VecDestroy(&b_);
  if (lab_) (void)DMDAVecRestoreArrayRead(grid_.scalar_dm(), labels_local_, &lab_);
  lab_ = nullptr;
  if (labels_local_) (void)VecDestroy(&labels_local_);
  if (na_local_) (void)VecDestroy(&na_local_);
  if (vdm_) (void)DMDestroy(&vdm_);
}

bool Elasticity::solid(int m) const {
  const Phase p = phase(m);
  return p == Phase::SE || p == Phase::CC;
}

Phase Elasticity::phase(int m) const { return m == ersatz_label() ? Phase::PORE : materials_[std::size_t(m)].phase; }

int Elasticity::material(std::int64_t i, std::int64_t j, std::int64_t k) const { return int(lab_[k][j][i]); }

void Elasticity::set_node_coordinates(DM dm) const {
  // Periodic axes: PETSc spaces M nodes over [min, max) (max is node 0's image).
  const GridSpec& spec = grid_.spec();
  const auto& o = spec.origin;
  NAVOX_CALL(DMDASetUniformCoordinates(dm, o[0], o[0] + double(spec.dims[0]) * h_[0], o[1],
                                       o[1] + double(spec.dims[1]) * h_[1], o[2], o[2] + double(spec.dims[2]) * h_[2]));
}

void Elasticity::create_vertex_dm() {
  vdm_ = navox::create_vertex_dm(grid_, 3);
  NAVOX_CALL(DMDASetFieldName(vdm_, 0, "displacement_x"));
  NAVOX_CALL(DMDASetFieldName(vdm_, 1, "displacement_y"));
  NAVOX_CALL(DMDASetFieldName(vdm_, 2, "displacement_z"));
  NAVOX_CALL(DMCreateGlobalVector(vdm_, &u_));
  NAVOX_CALL(VecDuplicate(u_, &b_));
}

void Elasticity::fill() {
  // Row by row: each owned node sums the rows of its (up to) 8 elements into its 27
  // neighbours' columns and inserts 3 full rows at once. Element by element (24 x 24
  // additions per voxel) cost 4.5 s at 64^3 on 1 rank, most of it PETSc's search for
  // each entry (docs/performance.md, "Row-wise assembly"). The elements are summed in
  // ascending (k, j, i) order whatever the partition, so the matrix is the same on any
  // number of ranks, and on 1 rank the same as the element-wise sums.
  // Dirichlet DOFs (zero displacement): a unit diagonal in their rows, zeros in their
  // columns (explicit zeros: the same nonzero pattern as free DOFs).
  const GridSpec& spec = grid_.spec();
  const bool periodic = spec.periodic_lateral;
  PetscInt xs, ys, zs, xm, ym, zm, gxs, gys, gzs, gxm, gym, gzm;
  NAVOX_CALL(DMDAGetCorners(vdm_, &xs, &ys, &zs, &xm, &ym, &zm));
  NAVOX_CALL(DMDAGetGhostCorners(vdm_, &gxs, &gys, &gzs, &gxm, &gym, &gzm));
  auto wrap = [&](PetscInt n, int axis) { // a node index across a periodic side
    const PetscInt m = PetscInt(spec.dims[std::size_t(axis)]);
    return periodic ? (n + m) % m : n;
  };
  auto local = [&](PetscInt i, PetscInt j, PetscInt k) { return ((k - gzs) * gym + (j - gys)) * gxm + (i - gxs); };
  double v[3][27][3];    // [row component][neighbour][column component]
  bool touches[27];      // the neighbour shares an element with the node
  PetscInt rows[3], cols[81];
  double values[3 * 81];
  for (PetscInt k = zs; k < zs + zm; ++k)
    for (PetscInt j = ys; j < ys + ym; ++j)
      for (PetscInt i = xs; i < xs + xm; ++i) {
        std::fill(&v[0][0][0], &v[0][0][0] + 3 * 27 * 3, 0.0);
        std::fill(touches, touches + 27, false);
        for_each_element_of_node(i, j, k, [&](PetscInt ei, PetscInt ej, PetscInt ek, int ex, int ey, int ez) {
          const auto& ke = stiffness_[std::size_t(material(ei, ej, ek))];
          const int a = (1 - ex) + 2 * (1 - ey) + 4 * (1 - ez); // the node in the element
          for (int b = 0; b < 8; ++b) {
            const int n = (ex + (b & 1)) + 3 * (ey + ((b >> 1) & 1)) + 9 * (ez + ((b >> 2) & 1));
            touches[n] = true;
            for (int c = 0; c < 3; ++c)
              for (int d = 0; d < 3; ++d) v[c][n][d] += ke[std::size_t((3 * a + c) * 24 + 3 * b + d)] * scale_;
          }
        });
        int ncols = 0;
        for (int n = 0; n < 27; ++n) {
          if (!touches[n]) continue;
          const PetscInt ni = i - 1 + n % 3, nj = j - 1 + (n / 3) % 3, nk = k - 1 + n / 9;
          for (int d = 0; d < 3; ++d) {
            const bool column_fixed = fixed(wrap(ni, 0), wrap(nj, 1), nk, d);
            for (int c = 0; c < 3; ++c) {
              const bool row_fixed = fixed(i, j, k, c);
              double& x = values[c * 81 + ncols];
              x = row_fixed || column_fixed ? 0.0 : v[c][n][d];
              if (row_fixed && n == 13 && c == d) x = 1.0;
            }
            cols[ncols++] = 3 * local(ni, nj, nk) + d;
          }
        }
        for (int c = 0; c < 3; ++c) {
          rows[c] = 3 * local(i, j, k) + c;
          if (ncols < 81) std::copy(values + c * 81, values + c * 81 + ncols, values + c * ncols);
        }
        NAVOX_CALL(MatSetValuesLocal(a_, 3, rows, ncols, cols, values, ADD_VALUES));
      }
  NAVOX_CALL(MatAssemblyBegin(a_, MAT_FINAL_ASSEMBLY));
  NAVOX_CALL(MatAssemblyEnd(a_, MAT_FINAL_ASSEMBLY));
  // New values clear what PETSc knew of the matrix; GAMG builds a symmetric graph only
  // for a matrix it knows to be symmetric.
  NAVOX_CALL(MatSetOption(a_, MAT_SYMMETRIC, PETSC_TRUE));
  NAVOX_CALL(MatSetOption(a_, MAT_SPD, PETSC_TRUE));
}

void Elasticity::create_solver(Vec labels) {

  if (!two_levels_) { // GAMG's near null space: rigid-body modes from the node coordinates
    Vec coords = nullptr;
    MatNullSpace near = nullptr;
    NAVOX_CALL(DMGetCoordinates(vdm_, &coords));
    NAVOX_CALL(MatNullSpaceCreateRigidBody(coords, &near));
    NAVOX_CALL(MatSetNearNullSpace(a_, near));
    NAVOX_CALL(MatNullSpaceDestroy(&near));
  }

  // The multigrid's level smoothers (Chebyshev on Jacobi) need a safe upper bound of
  // the spectrum: with the 1e-6 contrast of the ersatz material PETSc's default
  // estimate (×1.1) falls short and the preconditioner turns indefinite (CG stops
  // with DIVERGED_INDEFINITE_PC on the asperity test at 24^3, GAMG). ×1.2 unless the
  // user's options say otherwise.
  set_option_default("displacement_", "mg_levels_ksp_chebyshev_esteig", "0,0.1,0,1.2");
  // GAMG (where chosen): drop weak couplings from its aggregation graph (PETSc's default
  // keeps them all): the ersatz voxels' 1e-6 couplings then stop gluing aggregates
  // across pores. On inputs/stack_pressure.yaml, with Na pressing on the pellet, CG went
  // from 100-121 iterations to 26-33 (docs/performance.md).
  set_option_default("displacement_", "pc_gamg_threshold", "0.02");
  NAVOX_CALL(KSPCreate(grid_.comm(), &ksp_));
  NAVOX_CALL(KSPSetOptionsPrefix(ksp_, "displacement_"));
  NAVOX_CALL(KSPSetOperators(ksp_, a_, a_));
  NAVOX_CALL(KSPSetType(ksp_, KSPCG));
  NAVOX_CALL(KSPSetNormType(ksp_, KSP_NORM_UNPRECONDITIONED));
  NAVOX_CALL(KSPSetTolerances(ksp_, 1e-10, 1e-50, PETSC_DEFAULT, 2000));
  NAVOX_CALL(KSPSetInitialGuessNonzero(ksp_, PETSC_TRUE));
  PC pc = nullptr;
  NAVOX_CALL(KSPGetPC(ksp_, &pc));
  char requested[64] = "";
  PetscBool given = PETSC_FALSE;
  NAVOX_CALL(PetscOptionsGetString(nullptr, "displacement_", "-pc_type", requested, sizeof requested, &given));
  const bool geometric = given && std::string(requested) == PCMG;
  // A collector only the plate holds: its rigid motions deflated around the default
  // geometric levels (rigid_deflation.hpp), which keeps the options prefix. (GAMG on the
  // whole grid resolves them itself: its threshold keeps the gap's ersatz couplings out
  // of its aggregates; parallel.plate_deflation, the same iterations with and without.)
  // `-displacement_plate_deflation false` leaves them to the levels.
  PetscBool deflate = PETSC_TRUE;
  NAVOX_CALL(PetscOptionsGetBool(nullptr, "displacement_", "-plate_deflation", &deflate, nullptr));
  if (bodies_local_ && two_levels_ && !geometric && deflate) {
    build_deflation();
    pc = wrap_in_deflation(pc);
  }
  if (bodies_local_) NAVOX_CALL(VecDestroy(&bodies_local_));
  // Three preconditioners (docs/model.md, "Elasticity"; docs/performance.md, "Two
  // levels"):
  // - by default, where the grid halves once, two levels: the vertex grid smoothed by
  //   Chebyshev on point-block Jacobi, over GAMG on the Galerkin operator of the grid
  //   halved (P^T A P with a trilinear interpolation whose weights between materials
  //   follow their stiffness, summed element by element, so material contrasts, thin pore
  //   gaps and fixed nodes carry down; the rigid-body modes of the
  //   coarse nodes as its near null space; elasticity_two_levels.cpp). GAMG's set-up,
  //   its Galerkin products above all, was most of an elastic solve; on an eighth of
  //   the unknowns it costs an eighth, and GAMG's threshold still
  //   keeps the pores' ersatz couplings out of its aggregates, where a geometric hierarchy
  //   all the way down averages them in; on grids that quarter, from ~60^3 voxels, a
  //   third level (the grid halved smoothed in turn, GAMG on the grid quartered, its
  //   interpolation weighted by the grid halved's couplings): GAMG's set-up on the grid
  //   halved grew faster than its nodes;
  // - GAMG on the whole grid where it does not halve (an odd voxel count, or a rank with
  //   too few nodes), or with `-displacement_pc_type gamg`;
  // - `-displacement_pc_type mg`: geometric multigrid all the way down, halved until at
  //   most kEnoughCoarseNodes are left: the fewest iterations on dense cells (the
  //   rough-contact bench: 11 flat from 32^3 to 64^3), more than GAMG's on pellets.
  const auto& d = grid_.spec().dims;
  if (geometric) {
    const VertexHierarchy h = vertex_mg_hierarchy(grid_, vdm_, 3, kEnoughCoarseNodes);
    mg_levels_ = h.levels;
    if (h.levels < 2 || h.coarse_nodes > kMaxCoarseNodes)
      throw CollectiveError("-displacement_pc_type mg: the grid (" + std::to_string(d[0]) + " x " +
                            std::to_string(d[1]) + " x " + std::to_string(d[2]) +
                            " voxels on these ranks) does not halve down to " + std::to_string(kMaxCoarseNodes) +
                            " nodes; leave the elastic solve to GAMG");
    // The DM gives the interpolations only: the operators are navox's (DMActive false).
    NAVOX_CALL(KSPSetDM(ksp_, vdm_));
    NAVOX_CALL(KSPSetDMActive(ksp_, PETSC_FALSE));
    NAVOX_CALL(PCSetType(pc, PCMG));
    NAVOX_CALL(PCMGSetLevels(pc, mg_levels_, nullptr));
    NAVOX_CALL(PCMGSetGalerkin(pc, PC_MG_GALERKIN_BOTH));
  } else if (two_levels_) {
    set_up_two_levels(labels);
  } else {
    NAVOX_CALL(PCSetType(pc, PCGAMG));
  }
  NAVOX_CALL(KSPSetFromOptions(ksp_));
  if (inner_) NAVOX_CALL(PCSetFromOptions(inner_));
}

ElasticResult Elasticity::solve(const ElasticLoad& load) {
  const Box box = grid_.owned();
  const GridSpec& spec = grid_.spec();
  DM sdm = grid_.scalar_dm();
  if (load.na_pressure) {
    NAVOX_CALL(DMGlobalToLocalBegin(sdm, load.na_pressure, INSERT_VALUES, na_local_));
    NAVOX_CALL(DMGlobalToLocalEnd(sdm, load.na_pressure, INSERT_VALUES, na_local_));
  } else {
    NAVOX_CALL(VecSet(na_local_, 0.0));
  }
  const std::int64_t top = spec.dims[2] - 1;
  // The pressure plate is pressed onto the solid of the top layer only (an open pore
  // under it takes no load): the stack load P A_xy spread evenly over the solid top
  // faces, counted over all ranks.
  std::int64_t solid_top = 0;
  if (load.stack_pressure != 0) {
    std::int64_t mine = 0;
    if (box.hi(2) == spec.dims[2])
      for (auto j = box.lo[1]; j < box.hi(1); ++j)
        for (auto i = box.lo[0]; i < box.hi(0); ++i) mine += solid(material(i, j, spec.dims[2] - 1)) ? 1 : 0;
    MPI_Allreduce(&mine, &solid_top, 1, MPI_INT64_T, MPI_SUM, grid_.comm());
    if (solid_top == 0)
      throw CollectiveError("stack pressure: the top layer of the cell has no SE or CC voxel for the pressure "
                            "plate to rest on");
  }
  const double top_force = solid_top == 0 ? 0.0
                                          : -load.stack_pressure * h_[0] * h_[1] / 4.0 *
                                                double(spec.dims[0] * spec.dims[1]) / double(solid_top); // per face node
  const double det = h_[0] * h_[1] * h_[2] / 8.0;
  // Each owned node sums what its (up to) eight voxels put on it, voxel by voxel in
  // (z, y, x) order, from the labels' and Na's ghosts: the load is the same bits on any
  // partition (a ghosted copy summed onto its owners added other ranks' parts in the
  // scatter's order).
  const bool periodic = spec.periodic_lateral;
  auto exists = [&](int axis, std::int64_t v) {
    return (periodic && axis < 2) || (v >= 0 && v < spec.dims[std::size_t(axis)]);
  };
  const PetscScalar*** na = nullptr;
  NAVOX_CALL(DMDAVecGetArrayRead(sdm, na_local_, &na));
  // What voxel (i, j, k) puts on its corner a (bit x of a: the corner's side along x).
  auto corner_load = [&](std::int64_t i, std::int64_t j, std::int64_t k, int a, double (&sum)[3]) {
    if (k == top && top_force != 0 && ((a >> 2) & 1) && solid(material(i, j, k))) sum[2] += top_force * scale_;
    if (const double p = na[k][j][i]; p != 0) {
      // The Na presses on the solids it touches: p A / 4 on each node of every face it
      // shares with SE or CC, along the Na voxel's outward normal. Faces to Na cancel
      // and faces to empty pores are free surfaces (the eigenstress −p I of the Na
      // voxel minus those faces). Only the faces the corner lies on: their other voxel
      // is one of the node's eight too, within the ghosts.
      for (int face = 0; face < 6; ++face) {
        const int axis = face / 2, side = face % 2;
        if (((a >> axis) & 1) != side) continue;
        std::int64_t ni, nj, nk;
        if (!neighbour(grid_, i, j, k, face, ni, nj, nk) || !solid(material(ni, nj, nk))) continue;
        const double area = h_[(axis + 1) % 3] * h_[(axis + 2) % 3];
        sum[axis] += (side ? 1.0 : -1.0) * p * area / 4.0 * scale_;
      }
    }
    if (load.body_force)
      for (int q = 0; q < 8; ++q) {
        const double g[3] = {(q & 1) ? Hex::kGauss : -Hex::kGauss, (q & 2) ? Hex::kGauss : -Hex::kGauss,
                             (q & 4) ? Hex::kGauss : -Hex::kGauss};
        const double x = spec.origin[0] + (double(i) + 0.5 * (1 + g[0])) * h_[0];
        const double y = spec.origin[1] + (double(j) + 0.5 * (1 + g[1])) * h_[1];
        const double z = spec.origin[2] + (double(k) + 0.5 * (1 + g[2])) * h_[2];
        const std::array<double, 3> bf = load.body_force(x, y, z);
        const std::array<double, 8> n = Hex::shape(g[0], g[1], g[2]);
        for (int c = 0; c < 3; ++c) sum[c] += n[std::size_t(a)] * bf[std::size_t(c)] * det * scale_;
      }
  };
  PetscScalar**** fb = nullptr;
  PetscInt xs, ys, zs, xm, ym, zm;
  NAVOX_CALL(DMDAGetCorners(vdm_, &xs, &ys, &zs, &xm, &ym, &zm));
  NAVOX_CALL(DMDAVecGetArrayDOF(vdm_, b_, &fb));
  for (PetscInt k = zs; k < zs + zm; ++k)
    for (PetscInt j = ys; j < ys + ym; ++j)
      for (PetscInt i = xs; i < xs + xm; ++i) {
        double sum[3] = {0, 0, 0};
        for (int dk = 0; dk < 2; ++dk)
          for (int dj = 0; dj < 2; ++dj)
            for (int di = 0; di < 2; ++di) {
              const std::int64_t vi = i - 1 + di, vj = j - 1 + dj, vk = k - 1 + dk;
              if (exists(0, vi) && exists(1, vj) && exists(2, vk))
                corner_load(vi, vj, vk, (1 - di) + 2 * (1 - dj) + 4 * (1 - dk), sum);
            }
        for (int c = 0; c < 3; ++c) fb[k][j][i][c] = sum[c];
      }
  NAVOX_CALL(DMDAVecRestoreArrayRead(sdm, na_local_, &na));
  // Prescribed (zero) displacements: the unit-diagonal rows get the value itself.
  for (PetscInt k = zs; k < zs + zm; ++k)
    for (PetscInt j = ys; j < ys + ym; ++j)
      for (PetscInt i = xs; i < xs + xm; ++i)
        for (int c = 0; c < 3; ++c)
          if (fixed(i, j, k, c)) fb[k][j][i][c] = 0.0;
  NAVOX_CALL(DMDAVecRestoreArrayDOF(vdm_, b_, &fb));

  // The last solution is the first guess: from one step to the next the loads change
  // little (u_ starts at zero).
  {
    // GAMG's Galerkin products (set up here, in the first solve after the operator
    // changed) on three or more ranks: PETSc's default (scalable) adds each rank's part of
    // a row owned elsewhere through the matrix stash, in the order the messages arrive,
    // and a row with parts from two other ranks came out different in its last bits from
    // run to run (and with it every elastic result: the contact pressure of
    // inputs/cycling_pellet.yaml on 4 ranks; cli.same_twice_elastic.np4). The all-at-once
    // product sums them in a fixed order, for ~2x the set-up time and ~20 % less memory
    // (docs/performance.md, "The elastic solve, run to run"). On one or two ranks a row
    // has at most one other part: PETSc's default stays. Not for `-displacement_pc_type
    // mg`, whose products with the DMDA's interpolation the all-at-once product does not
    // take; for this set-up only (the option is PETSc's global one), unless the user's
    // options name it.
    int ranks = 1;
    MPI_Comm_size(grid_.comm(), &ranks);
    PetscBool given = PETSC_TRUE;
    if (ranks >= 3 && mg_levels_ == 0) NAVOX_CALL(PetscOptionsHasName(nullptr, nullptr, "-matptap_via", &given));
    if (!given) NAVOX_CALL(PetscOptionsSetValue(nullptr, "-matptap_via", "allatonce_merged"));
    const PetscErrorCode set_up = set_up_preconditioner_first();
    if (!given) NAVOX_CALL(PetscOptionsClearValue(nullptr, "-matptap_via"));
    NAVOX_CALL(set_up);
  }
  NAVOX_CALL(KSPSolve(ksp_, b_, u_));
  KSPConvergedReason reason;
  ElasticResult r;
  NAVOX_CALL(KSPGetConvergedReason(ksp_, &reason));
  KSPType type = nullptr;
  NAVOX_CALL(KSPGetType(ksp_, &type));
  if (reason == KSP_DIVERGED_INDEFINITE_PC && std::string(type) == KSPCG) {
    // The preconditioner is not positive definite in every state: on the 64^3 bench pellet
    // plated 0.3 mAh/cm^2 under 5 MPa (docs/model.md, "Pressed Na and the collector's
    // lift") CG stopped after 3 iterations at the collector's second lift, where the
    // collector rests on Na alone. FGMRES, which does not ask it to be, converges with
    // the same preconditioner: the solve goes on from where CG stopped, then CG again.
    PetscInt before = 0;
    NAVOX_CALL(KSPGetIterationNumber(ksp_, &before));
    NAVOX_CALL(KSPSetType(ksp_, KSPFGMRES));
    NAVOX_CALL(KSPGMRESSetRestart(ksp_, 100));
    NAVOX_CALL(KSPSolve(ksp_, b_, u_));
    NAVOX_CALL(KSPGetConvergedReason(ksp_, &reason));
    NAVOX_CALL(KSPGetIterationNumber(ksp_, &r.iterations));
    r.iterations += before;
    NAVOX_CALL(KSPSetType(ksp_, KSPCG));
  } else {
    NAVOX_CALL(KSPGetIterationNumber(ksp_, &r.iterations));
  }
  NAVOX_CALL(KSPGetResidualNorm(ksp_, &r.residual_norm));
  r.converged = reason > 0;
  if (reason < 0)
    throw CollectiveError(std::string("displacement solve failed: ") + KSPConvergedReasons[reason] + " after " +
                          std::to_string(r.iterations) +
                          " iterations (try -displacement_ksp_monitor, -displacement_pc_type)");
  return r;
}

PetscErrorCode Elasticity::set_up_preconditioner_first() {
  PetscFunctionBeginUser;
  // Under the two levels the preconditioner is set up before the outer CG's vectors
  // exist, and each level's Chebyshev smoother then lets go of the CG that estimated its
  // eigenvalues at its set-up (three vectors of the level's size, which PETSc would keep
  // with the smoother for nothing; the smoother keeps the estimate). The outer CG
  // allocates its three vectors after that, so the two sets never coexist: ~70 B per
  // voxel less at the peak (docs/performance.md, "The elastic solve's memory, by stage").
  // The same estimate, so the same results to the bit; a relabel builds a new solver,
  // which does the same. (Later solves find the preconditioner set up: PCSetUp returns.)
  // The outer CG's vectors are left to KSPSolve, which makes them from the solution's:
  // KSPSetUp before it makes a template vector first, and held four at the peak.
  if (two_levels_) {
    PC pc = multigrid_pc();
    PetscInt levels = 0;
    PetscCall(PCSetUp(pc));
    PetscCall(PCMGGetLevels(pc, &levels));
    for (PetscInt l = 1; l < levels; ++l) {
      KSP smoother = nullptr;
      PetscCall(PCMGGetSmoother(pc, l, &smoother));
      PetscCall(KSPChebyshevEstEigSet(smoother, 0, 0, 0, 0)); // a no-op for other smoothers
    }
    // The deflation's products too, before the CG's vectors (two vectors of its own).
    if (deflation_ && !deflation_->ready()) PetscCall(deflation_->set_up(a_));
    PetscFunctionReturn(0);
  }
  PetscCall(KSPSetUp(ksp_));
  PetscFunctionReturn(0);
}

Elasticity::Hex::Nodal Elasticity::element_displacement(const PetscScalar* const* const* const* u, std::int64_t i,
                                                        std::int64_t j, std::int64_t k) const {
  Hex::Nodal ue{};
  for (int a = 0; a < 8; ++a)
    for (int c = 0; c < 3; ++c) ue[std::size_t(3 * a + c)] = u[k + ((a >> 2) & 1)][j + ((a >> 1) & 1)][i + (a & 1)][c];
  return ue;
}

template <class Put> void Elasticity::mean_displacement(Put&& put) const {
  const GhostedNodes ghosted(vdm_, u_);
  const auto u = ghosted.array();
  for_each_owned(grid_.owned(), [&](auto i, auto j, auto k) {
    const Hex::Nodal ue = element_displacement(u, i, j, k);
    double mean[3] = {0, 0, 0};
    for (int n = 0; n < 24; ++n) mean[n % 3] += ue[std::size_t(n)] / 8.0;
    put(i, j, k, mean);
  });
}

void Elasticity::displacement(Vec ux, Vec uy, Vec uz) const {
  DM sdm = grid_.scalar_dm();
  PetscScalar ***x = nullptr, ***y = nullptr, ***z = nullptr;
  NAVOX_CALL(DMDAVecGetArray(sdm, ux, &x));
  NAVOX_CALL(DMDAVecGetArray(sdm, uy, &y));
  NAVOX_CALL(DMDAVecGetArray(sdm, uz, &z));
  mean_displacement([&](auto i, auto j, auto k, const double* mean) {
    x[k][j][i] = mean[0];
    y[k][j][i] = mean[1];
    z[k][j][i] = mean[2];
  });
  NAVOX_CALL(DMDAVecRestoreArray(sdm, uz, &z));
  NAVOX_CALL(DMDAVecRestoreArray(sdm, uy, &y));
  NAVOX_CALL(DMDAVecRestoreArray(sdm, ux, &x));
}

std::vector<double> Elasticity::displacement_block() const {
  const Box b = grid_.owned();
  std::vector<double> out(3 * static_cast<std::size_t>(b.size()));
  mean_displacement([&](auto i, auto j, auto k, const double* mean) {
    const auto at = 3 * static_cast<std::size_t>(b.offset(i, j, k));
    for (std::size_t d = 0; d < 3; ++d) out[at + d] = mean[d];
  });
  return out;
}

void Elasticity::stress_invariants(Vec hydrostatic, Vec von_mises) const {
  DM sdm = grid_.scalar_dm();
  const Hex::StrainMatrix b0 = Hex::strain_matrix(h_, 0, 0, 0);
  const GhostedNodes ghosted(vdm_, u_);
  const auto u = ghosted.array();
  PetscScalar ***hy = nullptr, ***vm = nullptr;
  NAVOX_CALL(DMDAVecGetArray(sdm, hydrostatic, &hy));
  NAVOX_CALL(DMDAVecGetArray(sdm, von_mises, &vm));
  for_each_owned(grid_.owned(), [&](auto i, auto j, auto k) {
    const int m = material(i, j, k);
    if (!solid(m)) { // pores and Na 0, loose solid NaN (not solved)
      hy[k][j][i] = vm[k][j][i] = m == ersatz_label() ? std::numeric_limits<double>::quiet_NaN() : 0.0;
      return;
    }
    const auto s = Hex::stress(c_[std::size_t(m)], b0, element_displacement(u, i, j, k));
    hy[k][j][i] = Hex::hydrostatic(s);
    vm[k][j][i] = Hex::von_mises(s);
  });
  NAVOX_CALL(DMDAVecRestoreArray(sdm, von_mises, &vm));
  NAVOX_CALL(DMDAVecRestoreArray(sdm, hydrostatic, &hy));
}

void Elasticity::contact_pressure(Vec pressure) const {
  DM sdm = grid_.scalar_dm();
  const GridSpec& spec = grid_.spec();
  const Hex::StrainMatrix b0 = Hex::strain_matrix(h_, 0, 0, 0);
  const GhostedNodes ghosted(vdm_, u_);
  const auto u = ghosted.array();
  const PetscScalar*** na = nullptr;
  PetscScalar*** p = nullptr;
  NAVOX_CALL(DMDAVecGetArrayRead(sdm, na_local_, &na));
  NAVOX_CALL(DMDAVecGetArray(sdm, pressure, &p));
  for_each_owned(grid_.owned(), [&](auto i, auto j, auto k) {
    p[k][j][i] = 0;
    const int m = material(i, j, k);
    if (phase(m) != Phase::SE) return;
    double sum = 0;
    int faces = 0;
    std::array<double, 6> s{};
    bool have_stress = false;
    for (int face = 0; face < 6; ++face) {
      const int axis = face / 2;
      const std::int64_t step = face % 2 ? 1 : -1;
      std::int64_t n[3] = {i, j, k};
      n[axis] += step;
      const bool wraps = spec.periodic_lateral && axis < 2;
      if (!wraps && (n[axis] < 0 || n[axis] >= spec.dims[std::size_t(axis)])) continue;
      const Phase other = phase(material(n[0], n[1], n[2]));
      if (!(other == Phase::CC || other == Phase::NA || na[n[2]][n[1]][n[0]] > 0)) continue;
      if (!have_stress) {
        s = Hex::stress(c_[std::size_t(m)], b0, element_displacement(u, i, j, k));
        have_stress = true;
      }
      sum += -s[std::size_t(axis)];
      ++faces;
    }
    if (faces) p[k][j][i] = sum / faces;
  });
  NAVOX_CALL(DMDAVecRestoreArray(sdm, pressure, &p));
  NAVOX_CALL(DMDAVecRestoreArrayRead(sdm, na_local_, &na));
}

double Elasticity::transmitted_force(std::int64_t plane) const {
  const std::int64_t nz = grid_.spec().dims[2];
  if (plane < 0 || plane > nz) throw Error("transmitted_force: node plane out of range");
  // Elements of the layer just below the plane (their top nodes, sign −), or at
  // the bottom the layer above (its bottom nodes, the support's reaction).
  const std::int64_t layer = plane > 0 ? plane - 1 : 0;
  const int side = plane > 0 ? 1 : 0;
  const double sign = plane > 0 ? -1.0 : 1.0;
  const Box b = grid_.owned();
  double local = 0;
  const GhostedNodes ghosted(vdm_, u_); // on every rank: the exchange is collective
  if (layer >= b.lo[2] && layer < b.hi(2)) {
    const auto u = ghosted.array();
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i) {
        const auto& ke = stiffness_[std::size_t(material(i, j, layer))];
        const Hex::Nodal ue = element_displacement(u, i, j, layer);
        for (int a = 4 * side; a < 4 * side + 4; ++a) {
          const int row = 3 * a + 2;
          double f = 0;
          for (int n = 0; n < 24; ++n) f += ke[std::size_t(row * 24 + n)] * ue[std::size_t(n)];
          local += sign * f;
        }
      }
  }
  double total = 0;
  MPI_Allreduce(&local, &total, 1, MPI_DOUBLE, MPI_SUM, grid_.comm());
  return total;
}

} // namespace navox
