// The θ system without a matrix (solver/sodium/occupancy_operator.hpp):
//  - its product and diagonal against the two-point sums written out over the whole
//    grid (capacity + Σ D min(ξ_P, ξ_N)/h_a² (θ_P − θ_N) on the voxels with metal, the
//    identity elsewhere), anisotropic voxels, walls and periodic sides, on the default
//    partition and split along x, y and z;
//  - periodic grids one and two voxels wide, where two faces meet one neighbour;
//  - its inflow Σ g (θ_N − θ_P) against the same sums, summing to 0 over the grid;
//  - its rows, assembled, give its product and are exactly symmetric;
//  - after a new set() a Jacobi preconditioner set up before applies the new diagonal,
//    and CG + Jacobi on it solves the system CG + SOR solves on its assembled rows;
//  - a run whose θ preconditioner needs the entries (`-theta_pc_type sor`) opens the same
//    voids at the same time as the default (tests/data/vacancies/contact_strip.yaml).
#include "io/output/hdf5_writer.hpp"
#include "mesh/grid.hpp"
#include "mesh/preallocated_aij.hpp"
#include "mesh/voxel_walk.hpp"
#include "solver/sodium/occupancy_operator.hpp"
#include "support/deck_run.hpp"
#include "support/partitions.hpp"
#include "support/run_summary_file.hpp"
#include "support/test_paths.hpp"
#include "support/vec_difference.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>
#include <petscksp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace {

constexpr double kDiffusivity = 3.1e-15;                          // [m²/s]
constexpr std::array<double, 3> kSpacing = {0.5e-6, 0.4e-6, 0.7e-6}; // anisotropic voxels [m]

double hash01(std::int64_t i, std::int64_t j, std::int64_t k, std::uint64_t salt) {
  std::uint64_t h = static_cast<std::uint64_t>(i * 73856093 ^ j * 19349663 ^ k * 83492791) + salt;
  h ^= h >> 13;
  h *= 0x9E3779B97F4A7C15ull;
  h ^= h >> 29;
  return double(h >> 11) / double(1ull << 53);
}

/// ξ where the voxel takes part (about 65 % of them), 0 elsewhere.
double metal_of(std::int64_t i, std::int64_t j, std::int64_t k) {
  const double u = hash01(i, j, k, 1);
  return u < 0.35 ? 0.0 : 0.05 + 0.95 * hash01(i, j, k, 2);
}
/// The capacity ξ/Δt + k ξ [1/s].
double capacity_of(double xi, double dt) { return xi / dt + 2e-3 * xi; }

/// Sets the operator's rows for Δt; returns the metal fractions (a vector to destroy).
Vec set_rows(const navox::Grid& grid, navox::OccupancyOperator& op, double dt) {
  Vec metal = navox::test::voxel_field(grid, metal_of);
  {
    navox::OwnedRead m(grid, metal);
    navox::Owned cap(grid, op.capacity());
    navox::for_owned(grid, [&](auto i, auto j, auto k) {
      if (m(i, j, k) > 0) cap(i, j, k) = capacity_of(m(i, j, k), dt);
    });
  }
  navox::physics::VacancyDiffusion law;
  law.diffusivity = kDiffusivity;
  op.set(metal, law);
  return metal;
}

void check(navox::GridSpec spec, const std::string& what) {
  SCOPED_TRACE(what);
  constexpr double dt = 60;
  spec.spacing = kSpacing;
  navox::Grid grid(MPI_COMM_WORLD, spec, {"theta"});
  navox::OccupancyOperator op(grid);
  Vec metal = set_rows(grid, op, dt);
  Mat A = op.mat();
  Vec x = navox::test::voxel_field(grid, [](auto i, auto j, auto k) { return 0.2 + hash01(i, j, k, 7); });
  Vec y = nullptr, z = nullptr;
  VecDuplicate(x, &y);
  VecDuplicate(x, &z);
  ASSERT_EQ(MatMult(A, x, y), 0);

  // The product and the diagonal against the sums over faces, on the whole grid.
  const std::vector<double> m = navox::test::gather_natural(grid, metal), xs = navox::test::gather_natural(grid, x),
                            ys = navox::test::gather_natural(grid, y);
  ASSERT_EQ(MatGetDiagonal(A, z), 0);
  const std::vector<double> ds = navox::test::gather_natural(grid, z);
  op.inflow(x, z);
  const std::vector<double> qs = navox::test::gather_natural(grid, z);
  const auto& n = spec.dims;
  auto at = [&](std::int64_t i, std::int64_t j, std::int64_t k) { return std::size_t(i + n[0] * (j + n[1] * k)); };
  double worst_product = 0, worst_diagonal = 0, worst_inflow = 0, inflow_sum = 0, inflow_scale = 0;
  long rows = 0;
  for (std::int64_t k = 0; k < n[2]; ++k)
    for (std::int64_t j = 0; j < n[1]; ++j)
      for (std::int64_t i = 0; i < n[0]; ++i) {
        const std::size_t p = at(i, j, k);
        double diag = 1, expect = xs[p];
        if (m[p] > 0) {
          ++rows;
          diag = capacity_of(m[p], dt);
          double off = 0, in = 0;
          for (int d = 0; d < 3; ++d)
            for (int s : {-1, 1}) {
              std::array<std::int64_t, 3> w = {i, j, k};
              w[d] += s;
              if (w[d] < 0 || w[d] >= n[d]) {
                if (d == 2 || !spec.periodic_lateral) continue;
                w[d] = (w[d] + n[d]) % n[d];
              }
              const std::size_t q = at(w[0], w[1], w[2]);
              if (!(m[q] > 0)) continue;
              const double g = kDiffusivity * std::min(m[p], m[q]) / (kSpacing[d] * kSpacing[d]);
              diag += g;
              off += g * xs[q];
              in += g * (xs[q] - xs[p]);
              inflow_scale = std::max(inflow_scale, g * xs[p]);
            }
          expect = diag * xs[p] - off;
          worst_inflow = std::max(worst_inflow, std::abs(qs[p] - in));
        } else {
          worst_inflow = std::max(worst_inflow, std::abs(qs[p]));
        }
        inflow_sum += qs[p];
        worst_product = std::max(worst_product, std::abs(ys[p] - expect) / (std::abs(diag) * xs[p]));
        worst_diagonal = std::max(worst_diagonal, std::abs(ds[p] - diag) / diag);
      }
  EXPECT_GT(rows, 0);
  EXPECT_LT(worst_product, 1e-14);
  EXPECT_LT(worst_diagonal, 1e-14);
  // The inflow by the same couplings, and what one voxel gains its neighbour loses.
  EXPECT_LT(worst_inflow, 1e-14 * inflow_scale);
  EXPECT_LT(std::abs(inflow_sum), 1e-12 * inflow_scale);

  // Its rows, assembled: the same product, exactly symmetric.
  Mat B = navox::assembled_rows(A);
  ASSERT_EQ(MatMult(B, x, z), 0);
  EXPECT_LT(navox::test::relative_difference(z, y), 1e-15);
  PetscBool symmetric = PETSC_FALSE;
  ASSERT_EQ(MatIsSymmetric(B, 0.0, &symmetric), 0);
  EXPECT_TRUE(symmetric);
  MatDestroy(&B);

  // New rows (another step length): a Jacobi preconditioner set up on the old ones applies
  // the new diagonal, and CG + Jacobi on the operator solves what CG + SOR solves on its
  // assembled rows.
  KSP ka = nullptr, kb = nullptr;
  PC pc = nullptr;
  for (KSP* ksp : {&ka, &kb}) {
    KSPCreate(grid.comm(), ksp);
    KSPSetType(*ksp, KSPCG);
    KSPSetTolerances(*ksp, 1e-13, 1e-50, PETSC_DEFAULT, 2000);
    KSPGetPC(*ksp, &pc);
    PCSetType(pc, ksp == &ka ? PCJACOBI : PCSOR);
  }
  KSPSetOperators(ka, A, A);
  ASSERT_EQ(KSPSetUp(ka), 0);
  VecDestroy(&metal);
  metal = set_rows(grid, op, 7.0);
  ASSERT_EQ(KSPSetUp(ka), 0);
  KSPGetPC(ka, &pc);
  ASSERT_EQ(PCApply(pc, x, y), 0);
  MatGetDiagonal(A, z);
  VecPointwiseDivide(z, x, z);
  EXPECT_LT(navox::test::relative_difference(z, y), 1e-15) << "Jacobi on the new diagonal";
  B = navox::assembled_rows(A);
  KSPSetOperators(kb, B, B);
  VecSet(y, 0.0);
  VecSet(z, 0.0);
  ASSERT_EQ(KSPSolve(ka, x, y), 0);
  ASSERT_EQ(KSPSolve(kb, x, z), 0);
  KSPConvergedReason ra, rb;
  KSPGetConvergedReason(ka, &ra);
  KSPGetConvergedReason(kb, &rb);
  EXPECT_GT(ra, 0);
  EXPECT_GT(rb, 0);
  EXPECT_LT(navox::test::relative_difference(z, y), 1e-10);
  KSPDestroy(&ka);
  KSPDestroy(&kb);
  MatDestroy(&B);
  for (Vec* v : {&metal, &x, &y, &z}) VecDestroy(v);
}

std::string name_of(const std::array<int, 3>& split) {
  return "processors " + std::to_string(split[0]) + " " + std::to_string(split[1]) + " " + std::to_string(split[2]);
}

TEST(OccupancyOperator, ProductAndDiagonalAreTheTwoPointSumsOnAnySplit) {
  for (bool periodic : {false, true}) {
    navox::GridSpec spec;
    spec.dims = {13, 11, 12};
    spec.periodic_lateral = periodic;
    const std::string kind = periodic ? "periodic, " : "walls, ";
    check(spec, kind + "default partition");
    for (const auto& split : navox::test::axis_splits()) {
      spec.processors = split;
      check(spec, kind + name_of(split));
    }
  }
}

TEST(OccupancyOperator, NarrowPeriodicGridsAddTheFacesThatMeetOneNeighbour) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  for (const std::array<std::int64_t, 3>& dims : {std::array<std::int64_t, 3>{2, 1, 9}, {1, 2, 9}}) {
    navox::GridSpec spec;
    spec.dims = dims;
    spec.periodic_lateral = true;
    spec.processors = {1, 1, size};
    check(spec, "dims " + std::to_string(dims[0]) + " " + std::to_string(dims[1]) + " 9");
  }
}

struct Voids {
  std::vector<double> voids, theta;
  double onset = 0;
};

Voids strip(const std::string& dir) {
  const auto run = navox::test::run_deck_on(MPI_COMM_WORLD, "tests/data/vacancies/contact_strip.yaml", dir);
  navox::Box all;
  for (int d = 0; d < 3; ++d) all.n[d] = run.dims[std::size_t(d)];
  char file[64];
  std::snprintf(file, sizeof file, "/navox_%06ld.h5", long(run.reports.back()["step"]));
  Voids v;
  v.voids = navox::io::read_hdf5_field(dir + file, "void", all);
  v.theta = navox::io::read_hdf5_field(dir + file, "theta", all);
  v.onset = navox::test::summary_value(dir, "void_onset", "time");
  return v;
}

TEST(OccupancyOperator, APreconditionerThatNeedsTheEntriesOpensTheSameVoids) {
  const Voids jacobi = strip(navox::test::scratch_dir("occupancy_jacobi"));
  ASSERT_EQ(PetscOptionsSetValue(nullptr, "-theta_pc_type", "sor"), 0);
  const Voids sor = strip(navox::test::scratch_dir("occupancy_sor"));
  ASSERT_EQ(PetscOptionsClearValue(nullptr, "-theta_pc_type"), 0);
  ASSERT_TRUE(std::isfinite(jacobi.onset)) << "no void opened";
  EXPECT_NEAR(sor.onset, jacobi.onset, 1e-8 * jacobi.onset);
  EXPECT_EQ(sor.voids, jacobi.voids);
  ASSERT_EQ(sor.theta.size(), jacobi.theta.size());
  for (std::size_t g = 0; g < jacobi.theta.size(); ++g)
    if (!std::isnan(jacobi.theta[g])) {
      EXPECT_NEAR(sor.theta[g], jacobi.theta[g], 1e-8) << "voxel " << g;
    }
}

} // namespace
