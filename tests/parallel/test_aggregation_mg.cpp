// The geometric aggregation multigrid (solver/multigrid/aggregation_mg.hpp) with rows
// balanced over the ranks, as the ionic solve uses it: its interpolation (a shell holding
// one index per row) gives the AIJ matrix's products bit for bit; a diagonal change passed down the
// levels by refresh() gives exactly the coarse operators of a hierarchy built from the
// changed matrix, and the ionic solve with it as default preconditioner converges in a
// few iterations per linear solve to the same potential as a one-level preconditioner.
#include "mesh/block_access.hpp"
#include "mesh/grid.hpp"
#include "solver/electrochemistry/ionic_potential.hpp"
#include "solver/multigrid/aggregate_interpolation.hpp"
#include "solver/multigrid/aggregation_mg.hpp"
#include "support/coarse_operators.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstring>
#include <vector>

namespace {

constexpr std::int64_t kN = 14; ///< a kN^3 box of cells

/// The 7-point Laplacian of a box with Dirichlet walls (so it is definite), rows in
/// natural order split by PETSc; cells[r] = the global row. `shift(row)` adds to the diagonal.
Mat laplacian(std::vector<std::int64_t>& cells, double (*shift)(PetscInt)) {
  Mat A = nullptr;
  const PetscInt n = PetscInt(kN * kN * kN);
  MatCreateAIJ(MPI_COMM_WORLD, PETSC_DECIDE, PETSC_DECIDE, n, n, 7, nullptr, 6, nullptr, &A);
  PetscInt first = 0, end = 0;
  MatGetOwnershipRange(A, &first, &end);
  cells.clear();
  for (PetscInt r = first; r < end; ++r) {
    cells.push_back(r);
    const PetscInt i = r % kN, j = r / kN % kN, k = r / (kN * kN);
    const PetscInt step[3] = {1, PetscInt(kN), PetscInt(kN * kN)};
    const PetscInt at[3] = {i, j, k};
    MatSetValue(A, r, r, 6.0 + shift(r), INSERT_VALUES);
    for (int d = 0; d < 3; ++d) {
      if (at[d] > 0) MatSetValue(A, r, r - step[d], -1.0, INSERT_VALUES);
      if (at[d] + 1 < kN) MatSetValue(A, r, r + step[d], -1.0, INSERT_VALUES);
    }
  }
  MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY);
  MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY);
  return A;
}

double no_shift(PetscInt) { return 0.0; }
/// Face terms on scattered rows, as SE|metal faces add to the ionic Jacobian's diagonal.
double face_shift(PetscInt r) { return r % 5 == 0 ? 0.3 + 1e-3 * double(r % 17) : 0.0; }

TEST(AggregationMG, RefreshedDiagonalEqualsRebuiltHierarchy) {
  std::vector<std::int64_t> cells;
  const std::array<std::int64_t, 3> box{kN, kN, kN};
  Mat A0 = laplacian(cells, no_shift), A1 = laplacian(cells, face_shift);
  KSP k0 = nullptr, k1 = nullptr;
  PC p0 = nullptr, p1 = nullptr;
  KSPCreate(MPI_COMM_WORLD, &k0);
  KSPCreate(MPI_COMM_WORLD, &k1);
  KSPGetPC(k0, &p0);
  KSPGetPC(k1, &p1);
  // A small coarsest level, as the ionic solve has: more than one coarse level.
  navox::AggregationMG built0(MPI_COMM_WORLD, cells, box, A0, 64);
  navox::AggregationMG built1(MPI_COMM_WORLD, cells, box, A1, 64);
  built0.configure(p0);
  built1.configure(p1);
  built0.update(p0, A1); // the hierarchy of A0, told A1's diagonal
  built1.update(p1, A1);
  const std::vector<Mat> refreshed = navox::test::coarse_operators(p0), rebuilt = navox::test::coarse_operators(p1);
  ASSERT_GE(refreshed.size(), 2u);
  ASSERT_EQ(refreshed.size(), rebuilt.size());
  for (std::size_t l = 0; l < refreshed.size(); ++l) {
    Mat d = nullptr;
    MatDuplicate(rebuilt[l], MAT_COPY_VALUES, &d);
    MatAXPY(d, -1.0, refreshed[l], SAME_NONZERO_PATTERN);
    PetscReal diff = 0, norm = 0;
    MatNorm(d, NORM_INFINITY, &diff);
    MatNorm(rebuilt[l], NORM_INFINITY, &norm);
    EXPECT_LT(diff, 1e-13 * norm) << "level " << l + 1;
    MatDestroy(&d);
  }
  // And it preconditions the changed matrix well: few flexible CG iterations.
  KSPSetOperators(k0, A1, A1);
  KSPSetType(k0, KSPFCG);
  KSPSetTolerances(k0, 1e-8, 1e-50, PETSC_DEFAULT, 100);
  Vec b = nullptr, x = nullptr;
  MatCreateVecs(A1, &x, &b);
  VecSet(b, 1.0);
  KSPSolve(k0, b, x);
  PetscInt its = 0;
  KSPGetIterationNumber(k0, &its);
  KSPConvergedReason reason;
  KSPGetConvergedReason(k0, &reason);
  EXPECT_GT(reason, 0);
  EXPECT_LE(its, 15);
  VecDestroy(&b);
  VecDestroy(&x);
  KSPDestroy(&k0);
  KSPDestroy(&k1);
  MatDestroy(&A0);
  MatDestroy(&A1);
}

/// Whether two vectors hold the same bits (signed zeros included).
bool same_bits(Vec a, Vec b) {
  PetscInt n = 0, m = 0;
  VecGetLocalSize(a, &n);
  VecGetLocalSize(b, &m);
  const PetscScalar *x = nullptr, *y = nullptr;
  VecGetArrayRead(a, &x);
  VecGetArrayRead(b, &y);
  bool same = n == m && std::memcmp(x, y, sizeof(PetscScalar) * static_cast<std::size_t>(n)) == 0;
  VecRestoreArrayRead(a, &x);
  VecRestoreArrayRead(b, &y);
  int mine = same ? 1 : 0, all = 0;
  MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  return all == 1;
}

/// Values of every sign and size, zeros of both signs among them, keyed on the global row.
void fill(Vec v, unsigned salt) {
  PetscInt first = 0, end = 0;
  VecGetOwnershipRange(v, &first, &end);
  PetscScalar* x = nullptr;
  VecGetArray(v, &x);
  for (PetscInt r = first; r < end; ++r) {
    const unsigned h = (unsigned(r) * 2654435761u) ^ salt;
    x[r - first] = h % 7 == 0 ? (h % 2 ? -0.0 : 0.0) : std::ldexp(double(h % 1000) - 500.0, int(h % 60) - 30);
  }
  VecRestoreArray(v, &x);
}

TEST(AggregateInterpolation, ShellProductsEqualTheMatrixBitForBit) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  // Uneven aggregates per rank, one of them empty, rows in no particular order.
  const PetscInt rows = 37 + 5 * rank, coarse = 9 + rank;
  std::vector<PetscInt> of(static_cast<std::size_t>(rows));
  for (PetscInt r = 0; r < rows; ++r) of[static_cast<std::size_t>(r)] = (r * 7 + r / 3) % (coarse - 1);
  Mat shell = navox::aggregate_interpolation(MPI_COMM_WORLD, of, coarse);
  Mat aij = navox::aggregate_interpolation_aij(MPI_COMM_WORLD, of, coarse);
  Vec xf = nullptr, xc = nullptr, yf[2] = {nullptr, nullptr}, yc[2] = {nullptr, nullptr};
  MatCreateVecs(aij, &xc, &xf);
  for (int m = 0; m < 2; ++m) {
    VecDuplicate(xf, &yf[m]);
    VecDuplicate(xc, &yc[m]);
  }
  fill(xf, 1u);
  fill(xc, 2u);
  Mat ops[2] = {aij, shell};
  for (int m = 0; m < 2; ++m) MatMult(ops[m], xc, yf[m]);
  EXPECT_TRUE(same_bits(yf[0], yf[1])) << "P x";
  for (int m = 0; m < 2; ++m) MatMultTranspose(ops[m], xf, yc[m]);
  EXPECT_TRUE(same_bits(yc[0], yc[1])) << "P^T x";
  for (int m = 0; m < 2; ++m) {
    fill(yf[m], 3u);
    MatMultAdd(ops[m], xc, yf[m], yf[m]); // in place, as PCMG interpolates
  }
  EXPECT_TRUE(same_bits(yf[0], yf[1])) << "y + P x";
  for (int m = 0; m < 2; ++m) {
    fill(yc[m], 4u);
    MatMultTransposeAdd(ops[m], xf, yc[m], yc[m]);
  }
  EXPECT_TRUE(same_bits(yc[0], yc[1])) << "y + P^T x";
  // Not a formality: the products are not all zero.
  PetscReal norm = 0;
  VecNorm(yc[1], NORM_INFINITY, &norm);
  EXPECT_GT(norm, 0.0);
  for (int m = 0; m < 2; ++m) {
    VecDestroy(&yf[m]);
    VecDestroy(&yc[m]);
  }
  VecDestroy(&xf);
  VecDestroy(&xc);
  MatDestroy(&shell);
  MatDestroy(&aij);
}

/// A rough SE|Na interface: NBH below, Na fingers reaching down into it, Na above.
double rough(std::int64_t i, std::int64_t j, std::int64_t k) {
  const std::int64_t reach = 10 - (i * 3 + j * 5) % 4; // Na from this height up
  return k >= reach ? 1.0 : 0.0;
}

TEST(AggregationMG, IonicDefaultMatchesOneLevelPreconditioner) {
  navox::GridSpec spec;
  spec.dims = {16, 12, 14};
  spec.spacing = {1e-6, 1e-6, 1e-6};
  navox::Grid grid(MPI_COMM_WORLD, spec, {"phi"});
  navox::MaterialTable mats(2);
  mats[0] = {"NBH", navox::Phase::SE, 0.09, 0, 298.15};
  mats[1] = {"Na", navox::Phase::NA, 0, 0, 298.15};
  mats[0].charge_transfer_resistance = 1e-4; // Butler–Volmer faces [ohm m^2]
  mats[0].transfer_coefficient = 0.5;
  Vec labels = navox::test::voxel_field(grid, rough);
  auto run = [&](const char* pc, navox::IonicResult& result) {
    if (pc) PetscOptionsSetValue(nullptr, "-phi_pc_type", pc);
    Vec phi = nullptr;
    DMCreateGlobalVector(grid.field_dm("phi"), &phi);
    VecSet(phi, 0.0);
    std::vector<double> block;
    {
      navox::IonicPotential ionic(grid, labels, mats);
      result = ionic.solve_current(phi, {298.15, 0.0}, 2e-9); // stripping, 2 nA
      block = navox::scalar_block(grid, phi);
    }
    if (pc) PetscOptionsClearValue(nullptr, "-phi_pc_type");
    VecDestroy(&phi);
    return block;
  };
  navox::IonicResult mg, jacobi;
  const std::vector<double> a = run(nullptr, mg), b = run("jacobi", jacobi);
  EXPECT_NEAR(mg.electrode_current, 2e-9, 1e-17);
  EXPECT_NEAR(mg.electrode_potential, jacobi.electrode_potential, 1e-9);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t v = 0; v < a.size(); ++v) ASSERT_NEAR(a[v], b[v], 1e-8) << "voxel " << v;
  // The multigrid needs a few iterations per linear solve where point Jacobi needs many.
  ASSERT_GT(mg.snes_iterations, 0);
  const double per_solve = double(mg.ksp_iterations) / double(mg.snes_iterations);
  EXPECT_LE(per_solve, 12.0);
  EXPECT_LT(mg.ksp_iterations * 3, jacobi.ksp_iterations);
  VecDestroy(&labels);
}

} // namespace
