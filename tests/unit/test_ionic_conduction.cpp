// The ionic conduction face term against hand-computed values, the assembled
// Jacobian against finite differences of the assembled residual, and the
// galvanostatic Jacobian (V following phi, cell_potential.hpp) against finite
// differences of the galvanostatic residual.
#include "mesh/block_access.hpp"
#include "mesh/grid.hpp"
#include "physics/electrochemistry/ionic_conduction.hpp"
#include "solver/electrochemistry/ionic_potential.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>
#include <petscsnes.h>

namespace {

using navox::physics::IonicConduction;

TEST(IonicConduction, HarmonicMeanBetweenVoxels) {
  // sigma 0.09 and 0.5 S/m: sigma_f = 2*0.09*0.5/0.59 = 0.152542... S/m
  // A = 1e-12 m^2, h = 1e-6 m: g = A sigma_f / h = 1.52542e-7 S; dphi = 0.2 V.
  const auto f = IonicConduction::between(0.1, 0.3, 0.09, 0.5, 1e-12, 1e-6);
  const double g = 1e-12 * (2 * 0.09 * 0.5 / 0.59) / 1e-6;
  EXPECT_NEAR(f.value, g * 0.2, 1e-22);
  EXPECT_DOUBLE_EQ(f.d_self, -g);
  EXPECT_DOUBLE_EQ(f.d_other, g);
}

TEST(IonicConduction, ElectrodeFaceUsesHalfVoxel) {
  // 2 * A * sigma / h * (phi_e - phi_p) = 2 * 1e-12 * 0.09 / 1e-6 * (-0.01 - 0.0) = -1.8e-9 A
  const auto f = IonicConduction::to_electrode(0.0, -0.01, 0.09, 1e-12, 1e-6);
  EXPECT_NEAR(f.value, -1.8e-9, 1e-21);
  EXPECT_DOUBLE_EQ(f.d_self, -1.8e-7);
}

TEST(IonicConduction, ArrheniusConductivity) {
  navox::Material m;
  m.conductivity = 0.09;
  m.activation_energy = 40e3;
  m.reference_temperature = 293.15;
  EXPECT_DOUBLE_EQ(IonicConduction::conductivity(m, 293.15), 0.09);
  // 40 kJ/mol from 20 to 60 degC: exp(40000/8.314462618 * (1/293.15 - 1/333.15)) = 7.168...
  const double expected = 0.09 * std::exp(40e3 / 8.314462618 * (1 / 293.15 - 1 / 333.15));
  EXPECT_DOUBLE_EQ(IonicConduction::conductivity(m, 333.15), expected);
  EXPECT_NEAR(expected / 0.09, 7.17, 0.01);
}

/// The cell both Jacobian checks use: 5 x 4 x 6 voxels, two SE materials and pores in
/// a pattern under a Cu layer (k = 5).
navox::GridSpec small_cell() {
  navox::GridSpec spec;
  spec.dims = {5, 4, 6};
  spec.spacing = {1e-6, 1.5e-6, 0.8e-6};
  return spec;
}
navox::MaterialTable small_cell_materials() {
  navox::MaterialTable mats(4);
  mats[0] = {"NBH", navox::Phase::SE, 0.09, 0, 298.15};
  mats[1] = {"NZSP", navox::Phase::SE, 0.5, 0, 298.15};
  mats[2] = {"Cu", navox::Phase::CC, 0, 0, 298.15};
  mats[3] = {"pore", navox::Phase::PORE, 0, 0, 298.15};
  return mats;
}
Vec small_cell_labels(const navox::Grid& grid) {
  return navox::test::voxel_field(
      grid, [](auto i, auto j, auto k) { return k == 5 ? 2.0 : double((i * 7 + j * 3 + k * 5) % 4); });
}

TEST(IonicPotential, JacobianMatchesFiniteDifferences) {
  navox::Grid grid(PETSC_COMM_SELF, small_cell(), {"phi"});
  navox::MaterialTable mats = small_cell_materials();
  Vec labels = small_cell_labels(grid);
  navox::IonicPotential ionic(grid, labels, mats);
  ionic.set_conditions({298.15, -0.02});

  // One unknown per SE voxel (materials 0 and 1 below the Cu layer k = 5), none elsewhere.
  Vec x = ionic.create_unknowns();
  PetscInt rows = 0, se = 0;
  VecGetSize(x, &rows);
  for (int k = 0; k < 5; ++k)
    for (int j = 0; j < 4; ++j)
      for (int i = 0; i < 5; ++i) se += (i * 7 + j * 3 + k * 5) % 4 < 2;
  EXPECT_EQ(rows, se);
  PetscRandom rnd;
  PetscRandomCreate(PETSC_COMM_SELF, &rnd);
  PetscRandomSetInterval(rnd, -0.02, 0.0);
  VecSetRandom(x, rnd);
  Mat J, Jfd;
  ASSERT_EQ(SNESGetJacobian(ionic.snes(), &J, nullptr, nullptr, nullptr), 0);
  ASSERT_EQ(SNESComputeJacobian(ionic.snes(), x, J, J), 0);
  ASSERT_EQ(MatConvert(J, MATAIJ, MAT_INITIAL_MATRIX, &Jfd), 0);
  MatSetOption(Jfd, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_FALSE);
  ASSERT_EQ(SNESComputeJacobianDefault(ionic.snes(), x, Jfd, Jfd, nullptr), 0);
  PetscReal norm_j, norm_diff;
  MatNorm(J, NORM_FROBENIUS, &norm_j);
  MatAXPY(Jfd, -1.0, J, DIFFERENT_NONZERO_PATTERN);
  MatNorm(Jfd, NORM_FROBENIUS, &norm_diff);
  EXPECT_GT(norm_j, 1.0);
  EXPECT_LT(norm_diff / norm_j, 1e-6);

  // The exact Jacobian is symmetric (CG and multigrid rely on it).
  PetscBool symmetric = PETSC_FALSE;
  MatIsSymmetric(J, 1e-12, &symmetric);
  EXPECT_TRUE(symmetric);
  MatDestroy(&Jfd);
  PetscRandomDestroy(&rnd);
  VecDestroy(&x);
  VecDestroy(&labels);
}

TEST(IonicPotential, GalvanostaticJacobianMatchesFiniteDifferences) {
  navox::Grid grid(PETSC_COMM_SELF, small_cell(), {"phi"});
  navox::MaterialTable mats = small_cell_materials();
  // Butler–Volmer faces (1 Ω cm², i0 = 257 A/m²) with a double layer: smooth in V.
  for (int m : {0, 1}) {
    mats[m].charge_transfer_resistance = 1e-4;
    mats[m].double_layer_capacitance = 0.2;
  }
  Vec labels = small_cell_labels(grid);
  navox::IonicPotential ionic(grid, labels, mats);
  ionic.set_conditions({298.15, -0.02, 10.0});
  ionic.set_current(-2e-9); // plating, 2 nA

  Vec x = ionic.create_unknowns();
  PetscInt rows = 0;
  VecGetSize(x, &rows);
  PetscRandom rnd;
  PetscRandomCreate(PETSC_COMM_SELF, &rnd);
  PetscRandomSetInterval(rnd, -0.02, 0.0);
  VecSetRandom(x, rnd);
  // The operator is a shell (J less a rank-one term): its columns, against the
  // finite differences of the residual with V(phi) inside (a dense matrix: the
  // rank-one term couples every face row).
  Mat A, P, Ja, Jfd;
  ASSERT_EQ(SNESGetJacobian(ionic.snes(), &A, &P, nullptr, nullptr), 0);
  ASSERT_NE(A, P);
  ASSERT_EQ(SNESComputeJacobian(ionic.snes(), x, A, P), 0);
  ASSERT_EQ(MatComputeOperator(A, MATDENSE, &Ja), 0);
  ASSERT_EQ(MatCreateDense(PETSC_COMM_SELF, rows, rows, rows, rows, nullptr, &Jfd), 0);
  ASSERT_EQ(SNESComputeJacobianDefault(ionic.snes(), x, Jfd, Jfd, nullptr), 0);
  PetscReal norm_j, norm_diff, norm_rank_one;
  MatNorm(Ja, NORM_FROBENIUS, &norm_j);
  Mat diff;
  MatDuplicate(Jfd, MAT_COPY_VALUES, &diff);
  MatAXPY(diff, -1.0, Ja, SAME_NONZERO_PATTERN);
  MatNorm(diff, NORM_FROBENIUS, &norm_diff);
  EXPECT_LT(norm_diff / norm_j, 1e-6);
  // The rank-one term matters (the check would pass for J alone otherwise).
  Mat Jp;
  MatConvert(P, MATDENSE, MAT_INITIAL_MATRIX, &Jp);
  MatAXPY(Jp, -1.0, Ja, SAME_NONZERO_PATTERN);
  MatNorm(Jp, NORM_FROBENIUS, &norm_rank_one);
  EXPECT_GT(norm_rank_one / norm_j, 1e-3);
  // Symmetric, as CG needs.
  PetscBool symmetric = PETSC_FALSE;
  MatIsSymmetric(Ja, 1e-12 * norm_j, &symmetric);
  EXPECT_TRUE(symmetric);
  for (Mat* m : {&Ja, &Jfd, &diff, &Jp}) MatDestroy(m);
  PetscRandomDestroy(&rnd);
  VecDestroy(&x);
  VecDestroy(&labels);
}

} // namespace
