// The analysis solve's matrix-free operator (solver/analysis/conduction_stencil.hpp): its
// product against the two-point-flux sum written out over the whole grid, electrode
// terms included; its rows against its product; its Gauss-Seidel sweeps against PETSc's
// on the AIJ matrix of those rows; and the aggregation hierarchy built from its rows
// (AggregationMG's Galerkin product by rows) against the one PETSc's Galerkin product
// builds from that matrix, before and after a direction's electrode terms. On the
// default partition and split along x, y and z.
#include "mesh/collective.hpp"
#include "mesh/grid.hpp"
#include "solver/analysis/conduction_stencil.hpp"
#include "solver/multigrid/aggregation_mg.hpp"
#include "support/coarse_operators.hpp"
#include "support/vec_difference.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>
#include <petscksp.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace {

constexpr std::array<double, 3> kConductance = {1.0, 0.7, 1.3}; // anisotropic voxels
constexpr double kElectrode = 2.1;

/// A pore network: about 60 % of the voxels, by a hash of the voxel.
bool pore(std::int64_t i, std::int64_t j, std::int64_t k) {
  std::uint64_t h = static_cast<std::uint64_t>(i * 73856093 ^ j * 19349663 ^ k * 83492791);
  h ^= h >> 13;
  h *= 0x9E3779B97F4A7C15ull;
  return (h >> 40) % 10 < 6;
}

/// A pore voxel with a pore face neighbour inside the grid `n` (no row without a
/// connection: its diagonal would be zero).
bool member(std::int64_t i, std::int64_t j, std::int64_t k, const std::array<std::int64_t, 3>& n) {
  if (!pore(i, j, k)) return false;
  const std::int64_t c[3] = {i, j, k};
  for (int d = 0; d < 3; ++d)
    for (int s : {-1, 1}) {
      std::int64_t w[3] = {c[0], c[1], c[2]};
      w[d] += s;
      if (w[d] >= 0 && w[d] < n[d] && pore(w[0], w[1], w[2])) return true;
    }
  return false;
}

/// The global row of each owned voxel (block order), rank by rank, -1 outside the pores.
std::vector<PetscInt> numbering(const navox::Grid& grid) {
  const navox::Box b = grid.owned();
  std::vector<PetscInt> index(static_cast<std::size_t>(b.size()), -1);
  PetscInt rows = 0;
  for (std::int64_t o = 0; o < b.size(); ++o) {
    const auto v = b.voxel(o);
    if (member(v[0], v[1], v[2], grid.spec().dims)) index[static_cast<std::size_t>(o)] = rows++;
  }
  const auto first = static_cast<PetscInt>(navox::lower_ranks_sum(grid.comm(), rows));
  for (PetscInt& r : index)
    if (r >= 0) r += first;
  return index;
}

std::vector<double> gather(Vec x) {
  Vec all = nullptr;
  VecScatter scatter = nullptr;
  VecScatterCreateToAll(x, &scatter, &all);
  VecScatterBegin(scatter, x, all, INSERT_VALUES, SCATTER_FORWARD);
  VecScatterEnd(scatter, x, all, INSERT_VALUES, SCATTER_FORWARD);
  PetscInt n = 0;
  const PetscScalar* a = nullptr;
  VecGetSize(all, &n);
  VecGetArrayRead(all, &a);
  std::vector<double> out(a, a + n);
  VecRestoreArrayRead(all, &a);
  VecScatterDestroy(&scatter);
  VecDestroy(&all);
  return out;
}

/// A vector of A's rows with a smooth-ish pattern plus a hash (not a null vector).
void fill(Vec x, double phase) {
  PetscInt first = 0, end = 0;
  VecGetOwnershipRange(x, &first, &end);
  PetscScalar* a = nullptr;
  VecGetArray(x, &a);
  for (PetscInt r = first; r < end; ++r) a[r - first] = std::sin(0.37 * double(r) + phase) + 0.1 * double(r % 7);
  VecRestoreArray(x, &a);
}

double matrix_difference(Mat a, Mat b) {
  Mat d = nullptr;
  MatDuplicate(a, MAT_COPY_VALUES, &d);
  MatAXPY(d, -1.0, b, DIFFERENT_NONZERO_PATTERN);
  PetscReal nd = 0, na = 0;
  MatNorm(d, NORM_FROBENIUS, &nd);
  MatNorm(a, NORM_FROBENIUS, &na);
  MatDestroy(&d);
  return nd / na;
}

void check(const std::array<PetscInt, 3>& processors, const char* what) {
  SCOPED_TRACE(what);
  navox::GridSpec spec;
  spec.dims = {24, 22, 20};
  spec.processors = processors;
  navox::Grid grid(MPI_COMM_WORLD, spec, {"potential"});
  const std::vector<PetscInt> index = numbering(grid);
  navox::ConductionStencil stencil(grid, index, kConductance);
  Mat A = stencil.mat();
  Vec x = nullptr, y = nullptr, z = nullptr;
  MatCreateVecs(A, &x, &y);
  VecDuplicate(x, &z);

  // The product against the sum over faces, from the whole grid on every rank.
  std::vector<double> row_of;
  {
    Vec rows = navox::test::voxel_field(grid, [&](auto i, auto j, auto k) {
      return double(index[static_cast<std::size_t>(grid.owned().offset(i, j, k))]);
    });
    row_of = navox::test::gather_natural(grid, rows);
    VecDestroy(&rows);
  }
  const auto& n = spec.dims;
  for (int axis : {-1, 1}) {
    stencil.set_electrodes(axis, kElectrode);
    fill(x, 0.3 + axis);
    ASSERT_EQ(MatMult(A, x, y), 0);
    const std::vector<double> xs = gather(x);
    const navox::Box b = grid.owned();
    const PetscScalar* yv = nullptr;
    VecGetArrayRead(y, &yv);
    double worst = 0;
    for (std::int64_t o = 0; o < b.size(); ++o) {
      const PetscInt r = index[static_cast<std::size_t>(o)];
      if (r < 0) continue;
      const auto v = b.voxel(o);
      double expect = 0, diag = 0;
      for (int d = 0; d < 3; ++d)
        for (int s : {-1, 1}) {
          std::array<std::int64_t, 3> w = v;
          w[d] += s;
          if (w[d] < 0 || w[d] >= n[d]) continue;
          const double c = row_of[static_cast<std::size_t>(w[0] + n[0] * (w[1] + n[1] * w[2]))];
          if (c < 0) continue;
          diag += kConductance[d];
          expect -= kConductance[d] * xs[static_cast<std::size_t>(c)];
        }
      if (axis >= 0) diag += kElectrode * ((v[axis] == 0) + (v[axis] == n[axis] - 1));
      expect += diag * xs[static_cast<std::size_t>(r)];
      PetscInt first = 0;
      VecGetOwnershipRange(y, &first, nullptr);
      worst = std::max(worst, std::abs(yv[r - first] - expect) / (1 + std::abs(expect)));
    }
    VecRestoreArrayRead(y, &yv);
    EXPECT_LT(worst, 1e-14) << "product, electrode axis " << axis;

    // Its rows, assembled, give the same product; its diagonal is theirs.
    Mat B = navox::assembled_rows(A);
    MatMult(B, x, z);
    EXPECT_LT(navox::test::relative_difference(z, y), 1e-14) << "rows, electrode axis " << axis;
    MatGetDiagonal(A, y);
    MatGetDiagonal(B, z);
    EXPECT_EQ(navox::test::relative_difference(z, y), 0.0);

    // Gauss-Seidel as PETSc sweeps the AIJ matrix: from zero and from an iterate.
    const MatSORType sweeps[] = {SOR_LOCAL_FORWARD_SWEEP, SOR_LOCAL_BACKWARD_SWEEP, SOR_LOCAL_SYMMETRIC_SWEEP};
    for (MatSORType type : sweeps)
      for (bool from_zero : {true, false})
        for (PetscInt its : {1, 2}) {
          const auto flag = static_cast<MatSORType>(type | (from_zero ? SOR_ZERO_INITIAL_GUESS : 0));
          fill(y, 1.1);
          fill(z, 1.1);
          ASSERT_EQ(MatSOR(A, x, 1.0, flag, 0.0, its, 1, y), 0);
          ASSERT_EQ(MatSOR(B, x, 1.0, flag, 0.0, its, 1, z), 0);
          EXPECT_LT(navox::test::relative_difference(z, y), 1e-13) << "SOR type " << int(type) << (from_zero ? " from zero" : "")
                                                      << ", " << its << " iterations";
        }
    MatDestroy(&B);
  }

  // The hierarchy from the stencil's rows against PETSc's Galerkin product of the matrix,
  // and after the electrode terms of one direction (update_by against update).
  stencil.set_electrodes(-1, 0);
  Mat B = navox::assembled_rows(A);
  navox::AggregationMG from_rows(grid, index, A, false), from_matrix(grid, index, B);
  KSP ka = nullptr, kb = nullptr;
  PC pa = nullptr, pb = nullptr;
  KSPCreate(grid.comm(), &ka);
  KSPCreate(grid.comm(), &kb);
  KSPGetPC(ka, &pa);
  KSPGetPC(kb, &pb);
  from_rows.configure(pa);
  from_matrix.configure(pb);
  for (int axis : {-1, 2}) {
    VecSet(x, 0.0);
    if (axis >= 0) {
      stencil.set_electrodes(axis, kElectrode);
      MatDestroy(&B);
      B = navox::assembled_rows(A);
      // The change of the diagonal: the electrode terms alone.
      MatGetDiagonal(B, x);
      Mat B0 = nullptr;
      stencil.set_electrodes(-1, 0);
      B0 = navox::assembled_rows(A);
      MatGetDiagonal(B0, y);
      MatDestroy(&B0);
      stencil.set_electrodes(axis, kElectrode);
      VecAXPY(x, -1.0, y);
    }
    from_rows.update_by(pa, x);
    from_matrix.update(pb, B);
    const std::vector<Mat> ra = navox::test::coarse_operators(pa), rb = navox::test::coarse_operators(pb);
    ASSERT_EQ(ra.size(), rb.size());
    EXPECT_GE(ra.size(), 1u);
    for (std::size_t l = 0; l < ra.size(); ++l)
      EXPECT_LT(matrix_difference(rb[l], ra[l]), 1e-14) << "level " << l + 1 << ", electrode axis " << axis;
  }
  KSPDestroy(&ka);
  KSPDestroy(&kb);
  MatDestroy(&B);

  // What the stencil cannot do, it refuses.
  PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);
  EXPECT_NE(MatSOR(A, x, 1.5, SOR_LOCAL_FORWARD_SWEEP, 0.0, 1, 1, y), 0);
  EXPECT_NE(MatSOR(A, x, 1.0, SOR_EISENSTAT, 0.0, 1, 1, y), 0);
  PetscPopErrorHandler();
  VecDestroy(&x);
  VecDestroy(&y);
  VecDestroy(&z);
}

TEST(ConductionStencil, MatchesTheAssembledOperatorOnEveryPartition) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const PetscInt p = size;
  check({-1, -1, -1}, "default partition");
  if (size > 1) {
    check({p, 1, 1}, "split along x");
    check({1, p, 1}, "split along y");
    check({1, 1, p}, "split along z");
  }
}

} // namespace
