// The elastic operator without a matrix (solver/mechanics/elasticity_matrix_free.cpp) and
// the element-by-element Galerkin operator of the grid halved
// (solver/mechanics/elasticity_two_levels.cpp) against the assembled matrix of the same
// labels (-displacement_pc_type gamg assembles it): on 1, 2 and 4 ranks split along x, y
// and z, with rollers and with periodic sides, on labels with SE, CC and pores (the
// ersatz material), for random vectors:
//   A_shell x = A x,   C v = P~^T A P~ v + v_held,
// P~ the preconditioner's interpolation (a MatShell: the held coarse DOFs' columns
// removed from P, trilinear but for its weights between materials) made explicit, also
// through its adding products; A_shell x the same to the bit whichever axis the ranks
// split; all of it again after a collector move (Elasticity::relabel keeps the grid
// halved and rebuilds P and the coarse operator). And P itself: in one material the
// DMDA's trilinear interpolation to the bit; across a one-voxel pore gap the collector's
// bottom nodes follow the collector.
#include "mesh/collective.hpp"
#include "mesh/grid.hpp"
#include "solver/mechanics/elasticity.hpp"
#include "support/elastic_materials.hpp"
#include "support/partitions.hpp"
#include "support/vec_difference.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>
#include <petscdmda.h>
#include <petscksp.h>

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace {

/// `-displacement_geometric_levels` for the life of the object.
struct GeometricLevels {
  explicit GeometricLevels(const char* n) { PetscOptionsSetValue(nullptr, "-displacement_geometric_levels", n); }
  ~GeometricLevels() { PetscOptionsClearValue(nullptr, "-displacement_geometric_levels"); }
};

/// `-displacement_half_precision` for the life of the object.
struct HalfPrecision {
  explicit HalfPrecision(const char* p) { PetscOptionsSetValue(nullptr, "-displacement_half_precision", p); }
  ~HalfPrecision() { PetscOptionsClearValue(nullptr, "-displacement_half_precision"); }
};

struct AssembledOperator {
  AssembledOperator() { PetscOptionsSetValue(nullptr, "-displacement_pc_type", "gamg"); }
  ~AssembledOperator() { PetscOptionsClearValue(nullptr, "-displacement_pc_type"); }
};

navox::GridSpec halving(int split_axis, bool periodic) {
  navox::GridSpec spec;
  spec.dims = {16, 16, 16};
  spec.spacing = {1e-6, 1.5e-6, 0.8e-6};
  spec.periodic_lateral = periodic;
  spec.processors = navox::test::split_along(split_axis);
  return spec;
}

/// SE below z = 6, CC above with pores (material 2) in a checkered pattern of columns and
/// a stray SE grain: every material pairing occurs inside coarse elements.
double label(std::int64_t i, std::int64_t j, std::int64_t k) {
  if (k < 6) return (i * 7 + j * 3 + k) % 11 == 0 ? 2.0 : 0.0;
  if ((i + 2 * j) % 5 == 0 && k < 13) return 2.0;
  return (i + j + k) % 9 == 0 ? 0.0 : 1.0;
}

/// The labels before a collector move: the CC two layers higher, a pore gap below it.
double label_before_move(std::int64_t i, std::int64_t j, std::int64_t k) {
  if (k >= 6 && k < 8) return 2.0;
  return label(i, j, k >= 8 ? k - 2 : k);
}

/// Checks the shell against the assembled operators (with `moved`, a shell made on the
/// labels before a collector move and relabelled); returns A_shell x for an x given by
/// the node's global indices, in natural order.
std::vector<double> compare(int split_axis, bool periodic, bool moved = false) {
  const navox::GridSpec spec = halving(split_axis, periodic);
  navox::Grid grid(MPI_COMM_WORLD, spec, {});
  const auto mats = navox::test::elastic_materials();
  Vec labels = navox::test::voxel_field(grid, label);
  Vec before = navox::test::voxel_field(grid, label_before_move);
  GeometricLevels two("2"); // the grid halved under GAMG (three levels: ThreeLevels below)
  navox::Elasticity shell(grid, moved ? before : labels, mats);
  if (moved) shell.relabel(labels);
  EXPECT_TRUE(shell.two_levels());
  EXPECT_EQ(shell.geometric_levels(), 2);
  AssembledOperator assembled_option;
  navox::Elasticity assembled(grid, labels, mats);
  EXPECT_FALSE(assembled.two_levels());
  Mat a_shell = shell.operator_matrix(), a = assembled.operator_matrix();

  // The fine operator.
  PetscRandom rnd = nullptr;
  EXPECT_EQ(PetscRandomCreate(PETSC_COMM_WORLD, &rnd), 0);
  EXPECT_EQ(PetscRandomSetSeed(rnd, 7), 0);
  EXPECT_EQ(PetscRandomSeed(rnd), 0);
  Vec x = nullptr, y = nullptr, y_ref = nullptr;
  EXPECT_EQ(DMCreateGlobalVector(shell.vertex_dm(), &x), 0);
  EXPECT_EQ(VecDuplicate(x, &y), 0);
  EXPECT_EQ(VecDuplicate(x, &y_ref), 0);
  EXPECT_EQ(VecSetRandom(x, rnd), 0);
  EXPECT_EQ(MatMult(a_shell, x, y), 0);
  EXPECT_EQ(MatMult(a, x, y_ref), 0);
  const double fine = navox::test::relative_difference(y_ref, y);
  EXPECT_LE(fine, 1e-13);
  {
    PetscScalar**** xa = nullptr;
    PetscInt xs, ys, zs, xm, ym, zm;
    EXPECT_EQ(DMDAGetCorners(shell.vertex_dm(), &xs, &ys, &zs, &xm, &ym, &zm), 0);
    EXPECT_EQ(DMDAVecGetArrayDOF(shell.vertex_dm(), x, &xa), 0);
    for (PetscInt k = zs; k < zs + zm; ++k)
      for (PetscInt j = ys; j < ys + ym; ++j)
        for (PetscInt i = xs; i < xs + xm; ++i)
          for (int c = 0; c < 3; ++c) xa[k][j][i][c] = std::sin(0.37 * double(i) + 0.91 * double(j) + 1.3 * double(k) + c);
    EXPECT_EQ(DMDAVecRestoreArrayDOF(shell.vertex_dm(), x, &xa), 0);
  }
  EXPECT_EQ(MatMult(a_shell, x, y), 0);
  const std::vector<double> product = navox::test::gather_natural(shell.vertex_dm(), y);
  // The diagonal (Jacobi smoothers ask the shell for it).
  EXPECT_EQ(MatGetDiagonal(a_shell, y), 0);
  EXPECT_EQ(MatGetDiagonal(a, y_ref), 0);
  EXPECT_LE(navox::test::relative_difference(y_ref, y), 1e-14);

  // The coarse operator, from the two-level preconditioner.
  PC pc = nullptr;
  KSP coarse_solve = nullptr;
  Mat c = nullptr;
  pc = shell.multigrid_pc();
  EXPECT_EQ(PCMGGetCoarseSolve(pc, &coarse_solve), 0);
  EXPECT_EQ(KSPGetOperators(coarse_solve, &c, nullptr), 0);
  DM coarse_dm = nullptr;
  Mat p_shell = nullptr, p_free = nullptr, ptap = nullptr;
  EXPECT_EQ(DMCoarsen(shell.vertex_dm(), PETSC_COMM_WORLD, &coarse_dm), 0);
  EXPECT_EQ(PCMGGetInterpolation(pc, 1, &p_shell), 0);
  EXPECT_EQ(MatComputeOperator(p_shell, MATAIJ, &p_free), 0);
  Vec free = nullptr, held = nullptr, v = nullptr, w = nullptr, w_ref = nullptr;
  EXPECT_EQ(DMCreateGlobalVector(coarse_dm, &free), 0);
  PetscScalar**** f = nullptr;
  PetscInt xs, ys, zs, xm, ym, zm;
  EXPECT_EQ(DMDAGetCorners(coarse_dm, &xs, &ys, &zs, &xm, &ym, &zm), 0);
  EXPECT_EQ(DMDAVecGetArrayDOF(coarse_dm, free, &f), 0);
  int held_here = 0;
  for (PetscInt k = zs; k < zs + zm; ++k)
    for (PetscInt j = ys; j < ys + ym; ++j)
      for (PetscInt i = xs; i < xs + xm; ++i)
        for (int cpt = 0; cpt < 3; ++cpt) {
          const bool h = shell.fixed(2 * i, 2 * j, 2 * k, cpt);
          f[k][j][i][cpt] = h ? 0.0 : 1.0;
          held_here += h;
        }
  EXPECT_EQ(DMDAVecRestoreArrayDOF(coarse_dm, free, &f), 0);
  int held_total = 0;
  MPI_Allreduce(&held_here, &held_total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  EXPECT_GT(held_total, 0);
  EXPECT_EQ(MatPtAP(a, p_free, MAT_INITIAL_MATRIX, 2.0, &ptap), 0);
  EXPECT_EQ(VecDuplicate(free, &held), 0);
  EXPECT_EQ(VecDuplicate(free, &v), 0);
  EXPECT_EQ(VecDuplicate(free, &w), 0);
  EXPECT_EQ(VecDuplicate(free, &w_ref), 0);
  EXPECT_EQ(VecSet(held, 1.0), 0);
  EXPECT_EQ(VecAXPY(held, -1.0, free), 0);
  EXPECT_EQ(VecSetRandom(v, rnd), 0);
  EXPECT_EQ(MatMult(c, v, w), 0);
  EXPECT_EQ(MatMult(ptap, v, w_ref), 0);
  EXPECT_EQ(VecPointwiseMult(held, held, v), 0);
  EXPECT_EQ(VecAXPY(w_ref, 1.0, held), 0);
  const double coarse = navox::test::relative_difference(w_ref, w);
  EXPECT_LE(coarse, 1e-12);
  // The shell's products are those of P~ made explicit (PCMG interpolates with MatMultAdd
  // and restricts with MatMultTranspose).
  EXPECT_EQ(VecSetRandom(v, rnd), 0);
  EXPECT_EQ(MatMult(p_shell, v, y), 0);
  EXPECT_EQ(MatMult(p_free, v, y_ref), 0);
  const double prolonged = navox::test::relative_difference(y_ref, y);
  EXPECT_LE(prolonged, 1e-15);
  EXPECT_EQ(VecSetRandom(x, rnd), 0);
  EXPECT_EQ(MatMultTranspose(p_shell, x, w), 0);
  EXPECT_EQ(MatMultTranspose(p_free, x, w_ref), 0);
  const double restricted = navox::test::relative_difference(w_ref, w);
  EXPECT_LE(restricted, 1e-15);
  // ... and adding into a vector, as PCMG interpolates and restricts.
  EXPECT_EQ(MatMultAdd(p_shell, v, y_ref, y), 0);
  EXPECT_EQ(MatMultAdd(p_free, v, y_ref, y_ref), 0);
  EXPECT_LE(navox::test::relative_difference(y_ref, y), 1e-15);
  EXPECT_EQ(MatMultTransposeAdd(p_shell, x, w_ref, w), 0);
  EXPECT_EQ(MatMultTransposeAdd(p_free, x, w_ref, w_ref), 0);
  EXPECT_LE(navox::test::relative_difference(w_ref, w), 1e-15);
  if (grid.rank() == 0)
    std::printf("split along %d%s%s: |A_shell x - A x| %.1e, |C v - (P~^T A P~ v + v_held)| %.1e, |P_mg v - P~ v| %.1e, "
                "|P_mg^T x - P~^T x| %.1e (relative, max norm), %d held coarse DOFs\n",
                split_axis, periodic ? ", periodic" : "", moved ? ", relabelled" : "", fine, coarse, prolonged,
                restricted, held_total);
  for (Vec* z : {&x, &y, &y_ref, &free, &held, &v, &w, &w_ref, &labels, &before}) VecDestroy(z);
  for (Mat* m : {&p_free, &ptap}) MatDestroy(m);
  DMDestroy(&coarse_dm);
  PetscRandomDestroy(&rnd);
  return product;
}

TEST(ElasticOperator, MatrixFreeAndCoarseGalerkinEqualTheAssembledOnAnySplit) {
  const std::vector<double> first = compare(0, false);
  for (int axis = 1; axis < 3; ++axis) EXPECT_TRUE(compare(axis, false) == first) << "split along " << axis;
}

TEST(ElasticOperator, TheSameWithPeriodicSides) {
  const std::vector<double> first = compare(0, true);
  for (int axis = 1; axis < 3; ++axis) EXPECT_TRUE(compare(axis, true) == first) << "split along " << axis;
}

/// After a collector move the kept grid halved and the new coarse operator equal those
/// built from the new labels; the product is the one of a shell made on them.
TEST(ElasticOperator, TheSameAfterACollectorMove) {
  const std::vector<double> fresh = compare(0, false);
  for (int axis = 0; axis < 3; ++axis) EXPECT_TRUE(compare(axis, false, true) == fresh) << "split along " << axis;
  const std::vector<double> fresh_periodic = compare(2, true);
  EXPECT_TRUE(compare(2, true, true) == fresh_periodic);
}

/// Sets every owned coarse DOF of `v` (a global Vec of `coarse_dm`) to value(i, j, k, c).
template <class Fn> void set_coarse(DM coarse_dm, Vec v, Fn&& value) {
  PetscScalar**** a = nullptr;
  PetscInt xs, ys, zs, xm, ym, zm;
  EXPECT_EQ(DMDAGetCorners(coarse_dm, &xs, &ys, &zs, &xm, &ym, &zm), 0);
  EXPECT_EQ(DMDAVecGetArrayDOF(coarse_dm, v, &a), 0);
  for (PetscInt k = zs; k < zs + zm; ++k)
    for (PetscInt j = ys; j < ys + ym; ++j)
      for (PetscInt i = xs; i < xs + xm; ++i)
        for (int c = 0; c < 3; ++c) a[k][j][i][c] = value(i, j, k, c);
  EXPECT_EQ(DMDAVecRestoreArrayDOF(coarse_dm, v, &a), 0);
}

/// P explicit from the preconditioner of an Elasticity on `labels` (`level`: PCMG's, the
/// vertex grid's from the grid halved under two levels).
Mat interpolation_of(const navox::Elasticity& e, PetscInt level = 1) {
  PC pc = nullptr;
  Mat shell = nullptr, p = nullptr;
  pc = e.multigrid_pc();
  EXPECT_EQ(PCMGGetInterpolation(pc, level, &shell), 0);
  EXPECT_EQ(MatComputeOperator(shell, MATAIJ, &p), 0);
  return p;
}

/// In one material P is the DMDA's trilinear interpolation without the held coarse DOFs'
/// columns, to the bit; across a one-voxel pore gap between the SE and the CC (the gap's
/// top at an odd node, where the trilinear weights are 1/2 and 1/2) the collector's bottom
/// nodes take the coarse node in the collector with the weight of the CC's stiffness
/// against the pore's ersatz. On 1, 2, 4 ranks split along x, y, z.
TEST(ElasticOperator, InterpolationIsTrilinearInOneMaterialAndFollowsTheSolidAcrossAGap) {
  GeometricLevels two("2");
  for (int axis = 0; axis < 3; ++axis) {
    const navox::GridSpec spec = halving(axis, false);
    navox::Grid grid(MPI_COMM_WORLD, spec, {});
    const auto mats = navox::test::elastic_materials();
    // One material.
    Vec se = navox::test::voxel_field(grid, [](auto, auto, auto) { return 0.0; });
    {
      navox::Elasticity e(grid, se, mats);
      Mat p = interpolation_of(e), trilinear = nullptr, dmda = nullptr;
      DM coarse_dm = nullptr;
      EXPECT_EQ(DMCoarsen(e.vertex_dm(), PETSC_COMM_WORLD, &coarse_dm), 0);
      EXPECT_EQ(DMCreateInterpolation(coarse_dm, e.vertex_dm(), &dmda, nullptr), 0);
      EXPECT_EQ(MatConvert(dmda, MATAIJ, MAT_INITIAL_MATRIX, &trilinear), 0);
      Vec free = nullptr;
      EXPECT_EQ(DMCreateGlobalVector(coarse_dm, &free), 0);
      set_coarse(coarse_dm, free, [&](auto i, auto j, auto k, int c) { return e.fixed(2 * i, 2 * j, 2 * k, c) ? 0.0 : 1.0; });
      EXPECT_EQ(MatDiagonalScale(trilinear, nullptr, free), 0);
      EXPECT_EQ(MatAXPY(trilinear, -1.0, p, DIFFERENT_NONZERO_PATTERN), 0);
      double difference = -1;
      EXPECT_EQ(MatNorm(trilinear, NORM_INFINITY, &difference), 0);
      EXPECT_EQ(difference, 0.0) << "split along " << axis;
      VecDestroy(&free);
      for (Mat* m : {&p, &trilinear, &dmda}) MatDestroy(m);
      DMDestroy(&coarse_dm);
    }
    VecDestroy(&se);
    // SE below z = 8, a pore layer at z = 8, CC from z = 9: node k = 9 is the collector's
    // bottom, halfway between coarse nodes K = 4 (the SE's top) and 5 (in the CC).
    Vec gap = navox::test::voxel_field(grid, [](auto, auto, auto k) { return k < 8 ? 0.0 : k == 8 ? 2.0 : 1.0; });
    {
      navox::Elasticity e(grid, gap, mats);
      Mat p = interpolation_of(e);
      Vec coarse = nullptr, fine = nullptr;
      EXPECT_EQ(MatCreateVecs(p, &coarse, &fine), 0);
      // u_z = 1 on the coarse nodes in the CC (K >= 5), 0 elsewhere; x and y free.
      DM coarse_dm = nullptr;
      EXPECT_EQ(DMCoarsen(e.vertex_dm(), PETSC_COMM_WORLD, &coarse_dm), 0);
      set_coarse(coarse_dm, coarse, [](auto, auto, auto k, int c) { return c == 2 && k >= 5 ? 1.0 : 0.0; });
      EXPECT_EQ(MatMult(p, coarse, fine), 0);
      const std::vector<double> u = navox::test::gather_natural(e.vertex_dm(), fine);
      const double e_cc = mats[1].youngs_modulus, e_pore = navox::Elasticity::kErsatz * mats[0].youngs_modulus;
      // Four elements on each side; the node's weight toward the lower parent is kept as a
      // float and the upper one is 1 minus it (vertex_interpolation.hpp).
      const double expected = 1.0 - double(float(4 * e_pore / (4 * e_cc + 4 * e_pore)));
      const std::size_t nx = std::size_t(spec.dims[0]) + 1, ny = std::size_t(spec.dims[1]) + 1;
      for (std::size_t j = 0; j < ny; ++j)
        for (std::size_t i = 0; i < nx; ++i) {
          EXPECT_EQ(u[3 * ((9 * ny + j) * nx + i) + 2], expected) << "node " << i << ", " << j << ", 9";
          EXPECT_EQ(u[3 * ((8 * ny + j) * nx + i) + 2], 0.0) << "the SE's top, node " << i << ", " << j << ", 8";
        }
      VecDestroy(&coarse);
      VecDestroy(&fine);
      MatDestroy(&p);
      DMDestroy(&coarse_dm);
    }
    VecDestroy(&gap);
  }
}

/// A grid that quarters on 1, 2 and 4 ranks split along `split_axis`.
navox::GridSpec quartering(int split_axis, bool periodic) {
  navox::GridSpec spec = halving(split_axis, periodic);
  spec.dims[std::size_t(split_axis)] = 32;
  return spec;
}

/// The coarse DMDA of `fine` coarsened `times` times and its mask of free DOFs (those
/// whose vertex-grid node, 2^times × its index, is not held), held ones counted over ranks.
Vec free_mask(const navox::Elasticity& e, int times, DM& coarse_dm, int& held_total) {
  DM dm = e.vertex_dm();
  coarse_dm = nullptr;
  for (int t = 0; t < times; ++t) {
    DM next = nullptr;
    EXPECT_EQ(DMCoarsen(dm, PETSC_COMM_WORLD, &next), 0);
    if (coarse_dm) DMDestroy(&coarse_dm);
    coarse_dm = next;
    dm = next;
  }
  Vec free = nullptr;
  EXPECT_EQ(DMCreateGlobalVector(coarse_dm, &free), 0);
  const PetscInt f = PetscInt(1) << times;
  int held_here = 0;
  set_coarse(coarse_dm, free, [&](auto i, auto j, auto k, int c) {
    const bool h = e.fixed(f * i, f * j, f * k, c);
    held_here += h;
    return h ? 0.0 : 1.0;
  });
  MPI_Allreduce(&held_here, &held_total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  return free;
}

/// |C v - (Q^T A Q v + v_held)| / |C v| for a random v: C a coarse operator, Q the
/// explicit interpolation to the vertex grid, A the assembled fine operator.
double galerkin_difference(Mat c, Mat a, Mat q, Vec free, PetscRandom rnd) {
  Mat qtaq = nullptr;
  Vec v = nullptr, w = nullptr, w_ref = nullptr, held = nullptr;
  EXPECT_EQ(MatPtAP(a, q, MAT_INITIAL_MATRIX, 2.0, &qtaq), 0);
  for (Vec* z : {&v, &w, &w_ref, &held}) EXPECT_EQ(VecDuplicate(free, z), 0);
  EXPECT_EQ(VecSetRandom(v, rnd), 0);
  EXPECT_EQ(MatMult(c, v, w), 0);
  EXPECT_EQ(MatMult(qtaq, v, w_ref), 0);
  EXPECT_EQ(VecSet(held, 1.0), 0);
  EXPECT_EQ(VecAXPY(held, -1.0, free), 0);
  EXPECT_EQ(VecPointwiseMult(held, held, v), 0);
  EXPECT_EQ(VecAXPY(w_ref, 1.0, held), 0);
  const double d = navox::test::relative_difference(w_ref, w);
  for (Vec* z : {&v, &w, &w_ref, &held}) VecDestroy(z);
  MatDestroy(&qtaq);
  return d;
}

/// The products' relative asymmetry |v^T C w - w^T C v| / (|v^T C w| + |w^T C v|) for
/// random v, w.
double asymmetry(Mat c, Vec like, PetscRandom rnd) {
  Vec v = nullptr, w = nullptr, cv = nullptr, cw = nullptr;
  for (Vec* z : {&v, &w, &cv, &cw}) EXPECT_EQ(VecDuplicate(like, z), 0);
  EXPECT_EQ(VecSetRandom(v, rnd), 0);
  EXPECT_EQ(VecSetRandom(w, rnd), 0);
  EXPECT_EQ(MatMult(c, v, cv), 0);
  EXPECT_EQ(MatMult(c, w, cw), 0);
  double vcw = 0, wcv = 0;
  EXPECT_EQ(VecDot(v, cw, &vcw), 0);
  EXPECT_EQ(VecDot(w, cv, &wcv), 0);
  for (Vec* z : {&v, &w, &cv, &cw}) VecDestroy(z);
  return std::abs(vcw - wcv) / (std::abs(vcw) + std::abs(wcv));
}

/// The grid divisible by 8 along each axis, and along the split one into 16 voxels a rank
/// on 4 ranks: it halves three times on every split (a periodic axis keeping 3 nodes or
/// more).
navox::GridSpec eighthing(int split_axis, bool periodic) {
  navox::GridSpec spec = halving(split_axis, periodic);
  if (periodic) spec.dims = {24, 24, 16};
  spec.dims[std::size_t(split_axis)] = 64;
  return spec;
}

/// Three and four levels (-displacement_geometric_levels 3|4): each smoothed coarse
/// level's operator (the grid halved, and under four the grid quartered) is
/// Q~^T A Q~ + I_held, Q~ the product of the interpolations from it to the vertex grid,
/// and so is the operator GAMG takes (the grid quartered, or eighthed): Galerkin through
/// every level, against the assembled fine matrix, on 1, 2, 4 ranks split along x, y and
/// z, rollers and periodic, and after a collector move. The smoothed levels assembled in
/// double (-displacement_half_precision double) to round-off; in single precision (the
/// default, solver/mechanics/single_block_stencil.hpp) to a float's rounding, not exactly
/// (so the single-precision operator is the one in use), and symmetric to that.
void compare_deep_levels(int levels, int split_axis, bool periodic, bool moved, const char* precision) {
  HalfPrecision half_precision(precision);
  const bool single = std::string(precision) == "single";
  const navox::GridSpec spec = levels == 3 ? quartering(split_axis, periodic) : eighthing(split_axis, periodic);
  navox::Grid grid(MPI_COMM_WORLD, spec, {});
  const auto mats = navox::test::elastic_materials();
  Vec labels = navox::test::voxel_field(grid, label);
  Vec before = navox::test::voxel_field(grid, label_before_move);
  GeometricLevels option(std::to_string(levels).c_str());
  navox::Elasticity shell(grid, moved ? before : labels, mats);
  if (moved) shell.relabel(labels);
  EXPECT_EQ(shell.geometric_levels(), levels);
  AssembledOperator assembled_option;
  navox::Elasticity assembled(grid, labels, mats);
  Mat a = assembled.operator_matrix();
  PC pc = nullptr;
  PetscInt pcmg_levels = 0;
  pc = shell.multigrid_pc();
  EXPECT_EQ(PCMGGetLevels(pc, &pcmg_levels), 0);
  EXPECT_EQ(pcmg_levels, levels);
  PetscRandom rnd = nullptr;
  EXPECT_EQ(PetscRandomCreate(PETSC_COMM_WORLD, &rnd), 0);
  EXPECT_EQ(PetscRandomSetSeed(rnd, 11), 0);
  EXPECT_EQ(PetscRandomSeed(rnd), 0);
  // Level by level from the finest coarse one: Q~ = P1~ ... (its interpolation).
  Mat q = nullptr;
  std::string report;
  for (int l = levels - 2; l >= 0; --l) {
    Mat p = interpolation_of(shell, l + 1), next = nullptr;
    if (q) {
      EXPECT_EQ(MatMatMult(q, p, MAT_INITIAL_MATRIX, 2.0, &next), 0);
      MatDestroy(&q);
      MatDestroy(&p);
      q = next;
    } else {
      q = p;
    }
    Mat c = nullptr;
    KSP ksp = nullptr;
    if (l > 0)
      EXPECT_EQ(PCMGGetSmoother(pc, l, &ksp), 0);
    else
      EXPECT_EQ(PCMGGetCoarseSolve(pc, &ksp), 0);
    EXPECT_EQ(KSPGetOperators(ksp, &c, nullptr), 0);
    DM dm = nullptr;
    int held = 0;
    Vec free = free_mask(shell, levels - 1 - l, dm, held);
    if (l == 0) {
      EXPECT_GT(held, 0);
    }
    const double d = galerkin_difference(c, a, q, free, rnd);
    char line[160];
    if (l > 0) {
      const double skew = asymmetry(c, free, rnd);
      if (single) {
        EXPECT_LE(d, 1e-6) << "level " << l;
        EXPECT_GT(d, 1e-12) << "level " << l;
        EXPECT_LE(skew, 1e-6) << "level " << l;
      } else {
        EXPECT_LE(d, 1e-12) << "level " << l;
        EXPECT_LE(skew, 1e-14) << "level " << l;
      }
      std::snprintf(line, sizeof line, " level %d (smoothed) %.1e, asymmetry %.1e;", l, d, skew);
    } else {
      EXPECT_LE(d, 1e-12);
      std::snprintf(line, sizeof line, " level 0 (GAMG) %.1e, %d held DOFs", d, held);
    }
    report += line;
    VecDestroy(&free);
    DMDestroy(&dm);
  }
  if (grid.rank() == 0)
    std::printf("%d levels, split along %d%s%s, smoothed levels in %s: |C v - (Q~^T A Q~ v + v_held)|%s\n", levels,
                split_axis, periodic ? ", periodic" : "", moved ? ", relabelled" : "", precision, report.c_str());
  for (Vec* z : {&labels, &before}) VecDestroy(z);
  MatDestroy(&q);
  PetscRandomDestroy(&rnd);
}

TEST(ElasticOperator, ThreeLevelsAreGalerkinThroughBothLevelsOnAnySplit) {
  for (const char* precision : {"single", "double"}) {
    for (int axis = 0; axis < 3; ++axis) compare_deep_levels(3, axis, false, false, precision);
    compare_deep_levels(3, 0, true, false, precision);
    compare_deep_levels(3, 2, false, true, precision);
    compare_deep_levels(3, 1, true, true, precision);
  }
}

/// Four levels on the bigger grid: every split and boundary in single precision, the
/// assembled smoothed levels once.
TEST(ElasticOperator, FourLevelsAreGalerkinThroughEveryLevelOnAnySplit) {
  for (int axis = 0; axis < 3; ++axis) compare_deep_levels(4, axis, false, false, "single");
  compare_deep_levels(4, 0, true, false, "single");
  compare_deep_levels(4, 1, true, true, "single");
  compare_deep_levels(4, 2, false, true, "double");
}

/// The grid halved's nodes between two nodes of the grid quartered take them by their
/// couplings in its operator: in one material 1/2 and 1/2 to rounding (P2 the DMDA's
/// trilinear interpolation); across a one-voxel pore gap, the grid halved's first node
/// plane in the collector (a plane the grid quartered does not have) follows the
/// collector, where weights from the moduli of its elements, stiff on both sides, took
/// ~1/2 of the SE below.
TEST(ElasticOperator, ThreeLevelsInterpolateTheGridHalvedByItsCouplings) {
  GeometricLevels three("3");
  for (int axis = 0; axis < 3; ++axis) {
    const navox::GridSpec spec = quartering(axis, false);
    navox::Grid grid(MPI_COMM_WORLD, spec, {});
    const auto mats = navox::test::elastic_materials();
    Vec se = navox::test::voxel_field(grid, [](auto, auto, auto) { return 0.0; });
    {
      navox::Elasticity e(grid, se, mats);
      EXPECT_EQ(e.geometric_levels(), 3);
      Mat p = interpolation_of(e, 1), trilinear = nullptr, dmda = nullptr;
      DM half_dm = nullptr, quarter_dm = nullptr;
      int held = 0;
      Vec free = free_mask(e, 2, quarter_dm, held);
      EXPECT_EQ(DMCoarsen(e.vertex_dm(), PETSC_COMM_WORLD, &half_dm), 0);
      EXPECT_EQ(DMCreateInterpolation(quarter_dm, half_dm, &dmda, nullptr), 0);
      EXPECT_EQ(MatConvert(dmda, MATAIJ, MAT_INITIAL_MATRIX, &trilinear), 0);
      EXPECT_EQ(MatDiagonalScale(trilinear, nullptr, free), 0);
      EXPECT_EQ(MatAXPY(trilinear, -1.0, p, DIFFERENT_NONZERO_PATTERN), 0);
      double difference = -1;
      EXPECT_EQ(MatNorm(trilinear, NORM_INFINITY, &difference), 0);
      EXPECT_LE(difference, 1e-14) << "split along " << axis;
      VecDestroy(&free);
      for (Mat* m : {&p, &trilinear, &dmda}) MatDestroy(m);
      DMDestroy(&half_dm);
      DMDestroy(&quarter_dm);
    }
    VecDestroy(&se);
    // SE below z = 8, a pore layer at z = 8, CC from z = 9. The grid halved: node plane
    // K = 4 (z = 8) the SE's top, K = 5 (z = 10) in the collector, between the grid
    // quartered's planes 2 (z = 8) and 3 (z = 12).
    Vec gap = navox::test::voxel_field(grid, [](auto, auto, auto k) { return k < 8 ? 0.0 : k == 8 ? 2.0 : 1.0; });
    {
      navox::Elasticity e(grid, gap, mats);
      Mat p = interpolation_of(e, 1);
      Vec coarse = nullptr, fine = nullptr;
      EXPECT_EQ(MatCreateVecs(p, &coarse, &fine), 0);
      DM quarter_dm = nullptr, half_dm = nullptr;
      int held = 0;
      Vec free = free_mask(e, 2, quarter_dm, held);
      EXPECT_EQ(DMCoarsen(e.vertex_dm(), PETSC_COMM_WORLD, &half_dm), 0);
      set_coarse(quarter_dm, coarse, [](auto, auto, auto k, int c) { return c == 2 && k >= 3 ? 1.0 : 0.0; });
      EXPECT_EQ(MatMult(p, coarse, fine), 0);
      const std::vector<double> u = navox::test::gather_natural(half_dm, fine);
      const std::size_t nx = std::size_t(spec.dims[0]) / 2 + 1, ny = std::size_t(spec.dims[1]) / 2 + 1;
      double lowest = 1, se_top = 0;
      for (std::size_t j = 0; j < ny; ++j)
        for (std::size_t i = 0; i < nx; ++i) {
          lowest = std::min(lowest, u[3 * ((5 * ny + j) * nx + i) + 2]);
          se_top = std::max(se_top, std::abs(u[3 * ((4 * ny + j) * nx + i) + 2]));
        }
      EXPECT_GT(lowest, 0.999) << "split along " << axis;
      EXPECT_EQ(se_top, 0.0) << "split along " << axis;
      if (grid.rank() == 0)
        std::printf("three levels, split along %d: the collector's first node plane of the grid halved takes "
                    "%.6f of the collector's node above (>= 0.999)\n",
                    axis, lowest);
      VecDestroy(&coarse);
      VecDestroy(&fine);
      VecDestroy(&free);
      MatDestroy(&p);
      DMDestroy(&quarter_dm);
      DMDestroy(&half_dm);
    }
    VecDestroy(&gap);
  }
}

/// A number of geometric levels the grid cannot have is refused on every rank with the
/// reason, before any solve: 4 on a grid whose voxel counts are not all multiples of 8
/// (24 x 24 x 12, the ranks along x and y: it quarters, so 3 is taken), and a count
/// other than 2, 3 or 4.
TEST(ElasticOperator, GeometricLevelsTheGridCannotHaveAreRefusedOnEveryRank) {
  navox::GridSpec spec = halving(2, false);
  spec.dims = {24, 24, 12};
  spec.processors = {0, 0, 1};
  navox::Grid grid(MPI_COMM_WORLD, spec, {});
  Vec labels = navox::test::voxel_field(grid, label);
  const auto mats = navox::test::elastic_materials();
  auto refused = [&](const char* levels, const std::string& reason) {
    GeometricLevels option(levels);
    try {
      navox::Elasticity e(grid, labels, mats);
      ADD_FAILURE() << "-displacement_geometric_levels " << levels << " was accepted";
    } catch (const navox::CollectiveError& error) {
      EXPECT_NE(std::string(error.what()).find(reason), std::string::npos) << error.what();
    }
  };
  refused("4", "-displacement_geometric_levels 4: the grid does not halve 3 times on these ranks");
  refused("5", "-displacement_geometric_levels 5: 2, 3 or 4");
  {
    GeometricLevels three("3");
    navox::Elasticity e(grid, labels, mats);
    EXPECT_EQ(e.geometric_levels(), 3);
  }
  VecDestroy(&labels);
}

/// A fine-level smoother that needs matrix entries is refused on every rank, with the way
/// to an assembled matrix, before any solve.
TEST(ElasticOperator, SmootherThatNeedsAMatrixIsRefusedOnEveryRank) {
  const navox::GridSpec spec = halving(2, false);
  navox::Grid grid(MPI_COMM_WORLD, spec, {});
  Vec labels = navox::test::voxel_field(grid, label);
  PetscOptionsSetValue(nullptr, "-displacement_mg_levels_pc_type", "sor");
  try {
    navox::Elasticity e(grid, labels, navox::test::elastic_materials());
    ADD_FAILURE() << "SOR on the matrix-free fine level was accepted";
  } catch (const navox::CollectiveError& error) {
    EXPECT_NE(std::string(error.what()).find("-displacement_mg_levels_pc_type sor"), std::string::npos) << error.what();
  }
  PetscOptionsClearValue(nullptr, "-displacement_mg_levels_pc_type");
  VecDestroy(&labels);
}

/// Under three levels the grid halved in single precision has no matrix either: SOR on it
/// is refused on every rank, and accepted with -displacement_half_precision double (an
/// assembled BAIJ); a precision other than single or double is refused.
TEST(ElasticOperator, TheGridHalvedInSinglePrecisionRefusesSmoothersThatNeedAMatrix) {
  GeometricLevels three("3");
  const navox::GridSpec spec = quartering(2, false);
  navox::Grid grid(MPI_COMM_WORLD, spec, {});
  Vec labels = navox::test::voxel_field(grid, label);
  const auto mats = navox::test::elastic_materials();
  PetscOptionsSetValue(nullptr, "-displacement_mg_levels_1_pc_type", "sor");
  try {
    navox::Elasticity e(grid, labels, mats);
    ADD_FAILURE() << "SOR on the grid halved in single precision was accepted";
  } catch (const navox::CollectiveError& error) {
    EXPECT_NE(std::string(error.what()).find("-displacement_mg_levels_1_pc_type sor"), std::string::npos)
        << error.what();
  }
  {
    HalfPrecision assembled("double");
    navox::Elasticity e(grid, labels, mats);
    EXPECT_EQ(e.geometric_levels(), 3);
  }
  PetscOptionsClearValue(nullptr, "-displacement_mg_levels_1_pc_type");
  {
    HalfPrecision wrong("half");
    try {
      navox::Elasticity e(grid, labels, mats);
      ADD_FAILURE() << "-displacement_half_precision half was accepted";
    } catch (const navox::CollectiveError& error) {
      EXPECT_NE(std::string(error.what()).find("-displacement_half_precision half: single or double"),
                std::string::npos)
          << error.what();
    }
  }
  VecDestroy(&labels);
}

} // namespace
