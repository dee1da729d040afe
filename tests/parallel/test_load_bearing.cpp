// Loose solid in the elastic solve (solver/mechanics/load_bearing.hpp), on 1, 2 and 4
// ranks, the default partition and splits along x, y and z, walls and periodic sides:
//  - which SE and CC voxels are loose: joined to the support (z = 0) by no chain of
//    face-sharing solid voxels, nor to the plate (the top layer) where no such chain
//    reaches it; a piece on an edge or a corner of the held solid, an island in a pore,
//    a voxel held across the periodic side only when the grid is periodic, a block in
//    the top layer that only the plate holds (loose where a pillar joins the plate's
//    slab to the SE; the slab held by the plate where none does);
//  - the elastic solve with them is the solve with them as empty pores (to 1e-9 of the
//    largest displacement: the CG's tolerance), their stresses are NaN and the held solid's are not, and the
//    support still carries the stack load;
//  - a relabelled solver (a collector move) finds the new loose solid and solves as a
//    fresh one (to 1e-12);
//  - a label that is not a material index fails on every rank.
#include "mesh/collective.hpp"
#include "mesh/grid.hpp"
#include "mesh/voxel_walk.hpp"
#include "solver/mechanics/elasticity.hpp"
#include "solver/mechanics/load_bearing.hpp"
#include "support/elastic_materials.hpp"
#include "support/partitions.hpp"
#include "support/vec_difference.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <tuple>
#include <vector>

namespace {

constexpr std::int64_t kNx = 8, kNy = 8, kNz = 10;
constexpr double kSE = 0, kCC = 1, kPore = 2;

/// SE below k = 2, empty pore at k = 2..6, a CC slab from k = 7 to the top, and in the
/// pore: a CC column at (2, 2, 4..6) and one at (7, 5, 2..6) hanging from the slab
/// (held); a two-voxel piece (3, 2..3, 3) on an edge of the first column's foot (2, 2, 4)
/// and a corner of it; an island (4..5, 5, 4); and (0, 5, 4), which shares a face with
/// (7, 5, 4) across the periodic side.
bool column(std::int64_t i, std::int64_t j, std::int64_t k) {
  return k >= 2 && k <= 6 && ((i == 2 && j == 2 && k >= 4) || (i == 7 && j == 5));
}
bool hinged(std::int64_t i, std::int64_t j, std::int64_t k) { return i == 3 && (j == 2 || j == 3) && k == 3; }
bool island(std::int64_t i, std::int64_t j, std::int64_t k) { return (i == 4 || i == 5) && j == 5 && k == 4; }
bool wrapped(std::int64_t i, std::int64_t j, std::int64_t k) { return i == 0 && j == 5 && k == 4; }

bool loose(std::int64_t i, std::int64_t j, std::int64_t k, bool periodic) {
  return hinged(i, j, k) || island(i, j, k) || (!periodic && wrapped(i, j, k));
}

double label(std::int64_t i, std::int64_t j, std::int64_t k) {
  if (k < 2) return kSE;
  if (k >= 7) return kCC;
  return column(i, j, k) || hinged(i, j, k) || island(i, j, k) || wrapped(i, j, k) ? kCC : kPore;
}

class LoadBearing : public ::testing::TestWithParam<std::tuple<std::array<int, 3>, bool>> {
protected:
  navox::GridSpec spec() const {
    navox::GridSpec s;
    s.dims = {kNx, kNy, kNz};
    s.spacing = {1e-6, 0.8e-6, 1.2e-6};
    s.periodic_lateral = std::get<1>(GetParam());
    return s;
  }
};

/// Checks load_bearing_labels on `labelling` against `is_loose` voxel by voxel and returns
/// the loose count (EXPECTed to be its result's).
template <class Labelling, class Loose>
std::int64_t expect_loose(const navox::Grid& grid, Vec labels, Labelling&& labelling, Loose&& is_loose) {
  const auto mats = navox::test::elastic_materials();
  const int ersatz = int(mats.size());
  navox::ScalarVector out(grid);
  const std::int64_t loose = navox::load_bearing_labels(grid, labels, mats, ersatz, out).loose;
  const std::vector<double> got = navox::test::gather_natural(grid, out);
  std::int64_t expected = 0;
  for (std::int64_t k = 0; k < kNz; ++k)
    for (std::int64_t j = 0; j < kNy; ++j)
      for (std::int64_t i = 0; i < kNx; ++i) {
        const bool l = is_loose(i, j, k);
        expected += l ? 1 : 0;
        EXPECT_EQ(got[std::size_t(i + kNx * (j + kNy * k))], l ? double(ersatz) : labelling(i, j, k))
            << "voxel (" << i << ", " << j << ", " << k << ")";
      }
  EXPECT_EQ(loose, expected);
  return expected;
}

TEST_P(LoadBearing, LooseSolidIsWhatNoFaceChainHolds) {
  navox::GridSpec s = spec();
  if (!navox::test::takes_split(std::get<0>(GetParam()), s)) GTEST_SKIP() << "split for another rank count";
  const bool periodic = s.periodic_lateral;
  navox::Grid grid(MPI_COMM_WORLD, s, {});
  Vec labels = navox::test::voxel_field(grid, label);
  EXPECT_EQ(expect_loose(grid, labels, label, [&](auto i, auto j, auto k) { return loose(i, j, k, periodic); }),
            periodic ? 4 : 5);
  VecDestroy(&labels);
}

/// The labels above with a CC pillar at (1, 1, 2..6) that joins the slab to the SE, and
/// a block (4..5, 1..2, 8..9) in the slab's top cut off from it by pore all round and
/// below: the plate alone holds it.
bool block(std::int64_t i, std::int64_t j, std::int64_t k) { return i >= 4 && i <= 5 && j >= 1 && j <= 2 && k >= 8; }
double pillar_label(std::int64_t i, std::int64_t j, std::int64_t k) {
  if (i == 1 && j == 1 && k >= 2 && k <= 6) return kCC;
  const bool moat = i >= 3 && i <= 6 && j >= 0 && j <= 3 && k >= 7 && !block(i, j, k);
  return moat ? kPore : label(i, j, k);
}

TEST_P(LoadBearing, WhatOnlyThePlateHoldsIsLooseWhereTheSupportReachesThePlate) {
  navox::GridSpec s = spec();
  if (!navox::test::takes_split(std::get<0>(GetParam()), s)) GTEST_SKIP() << "split for another rank count";
  const bool periodic = s.periodic_lateral;
  navox::Grid grid(MPI_COMM_WORLD, s, {});
  const auto mats = navox::test::elastic_materials();
  Vec labels = navox::test::voxel_field(grid, pillar_label);
  EXPECT_EQ(expect_loose(grid, labels, pillar_label,
                         [&](auto i, auto j, auto k) { return loose(i, j, k, periodic) || block(i, j, k); }),
            periodic ? 12 : 13);
  // The plate's load goes to the held top solid only: the support still carries all of it.
  navox::Elasticity elastic(grid, labels, mats);
  navox::ElasticLoad load;
  load.stack_pressure = 5e6;
  ASSERT_TRUE(elastic.solve(load).converged);
  const double force = 5e6 * double(kNx * kNy) * 1e-6 * 0.8e-6;
  EXPECT_NEAR(elastic.transmitted_force(0) / force, 1.0, 1e-8);
  EXPECT_NEAR(elastic.transmitted_force(4) / force, 1.0, 1e-8); // through the pillar
  // A collector move: built on the other labels and relabelled to these, the solver finds
  // the same loose solid and solves as the fresh one does.
  Vec before = navox::test::voxel_field(grid, label);
  navox::Elasticity moved(grid, before, mats);
  EXPECT_EQ(moved.loose_voxels(), periodic ? 4 : 5);
  moved.relabel(labels);
  EXPECT_EQ(moved.loose_voxels(), periodic ? 12 : 13);
  ASSERT_TRUE(moved.solve(load).converged);
  const double diff = navox::test::relative_difference(elastic.solution(), moved.solution());
  std::printf("relabelled against fresh: displacement differs by %.3g of its largest value\n", diff);
  EXPECT_LE(diff, 1e-12);
  VecDestroy(&before);
  VecDestroy(&labels);
}

TEST_P(LoadBearing, LooseSolidIsSolvedAsAPore) {
  navox::GridSpec s = spec();
  if (!navox::test::takes_split(std::get<0>(GetParam()), s)) GTEST_SKIP() << "split for another rank count";
  const bool periodic = s.periodic_lateral;
  navox::Grid grid(MPI_COMM_WORLD, s, {});
  const auto mats = navox::test::elastic_materials();
  constexpr double kP = 5e6;
  auto solve = [&](auto&& labelling, std::vector<double> (&u)[3], std::vector<double>& von_mises,
                   std::int64_t& loose_voxels) {
    Vec labels = navox::test::voxel_field(grid, labelling);
    navox::Elasticity elastic(grid, labels, mats);
    loose_voxels = elastic.loose_voxels();
    navox::ElasticLoad load;
    load.stack_pressure = kP;
    ASSERT_TRUE(elastic.solve(load).converged);
    const double force = kP * double(kNx * kNy) * 1e-6 * 0.8e-6;
    EXPECT_NEAR(elastic.transmitted_force(0) / force, 1.0, 1e-8);
    Vec v[5];
    for (Vec& x : v) ASSERT_EQ(DMCreateGlobalVector(grid.scalar_dm(), &x), 0);
    elastic.displacement(v[0], v[1], v[2]);
    elastic.stress_invariants(v[3], v[4]);
    for (int d = 0; d < 3; ++d) u[d] = navox::test::gather_natural(grid, v[d]);
    von_mises = navox::test::gather_natural(grid, v[4]);
    for (Vec& x : v) VecDestroy(&x);
    VecDestroy(&labels);
  };
  std::vector<double> with[3], as_pore[3], vm_with, vm_pore;
  std::int64_t n_with = -1, n_pore = -1;
  solve(label, with, vm_with, n_with);
  solve([&](auto i, auto j, auto k) { return loose(i, j, k, periodic) ? kPore : label(i, j, k); }, as_pore, vm_pore,
        n_pore);
  EXPECT_EQ(n_with, periodic ? 4 : 5);
  EXPECT_EQ(n_pore, 0);
  double scale = 0, diff = 0;
  for (int d = 0; d < 3; ++d)
    for (std::size_t n = 0; n < with[d].size(); ++n) {
      scale = std::max(scale, std::abs(as_pore[d][n]));
      diff = std::max(diff, std::abs(with[d][n] - as_pore[d][n]));
    }
  std::printf("loose solid against pores: displacement differs by %.3g of its largest value\n", diff / scale);
  EXPECT_GT(scale, 0.0);
  EXPECT_LE(diff, 1e-9 * scale); // CG to 1e-10 on operators that round alike but for the nodes beside them
  for (std::int64_t k = 0; k < kNz; ++k)
    for (std::int64_t j = 0; j < kNy; ++j)
      for (std::int64_t i = 0; i < kNx; ++i) {
        const std::size_t n = std::size_t(i + kNx * (j + kNy * k));
        if (loose(i, j, k, periodic)) {
          EXPECT_TRUE(std::isnan(vm_with[n])) << "voxel (" << i << ", " << j << ", " << k << ")";
        } else if (label(i, j, k) != kPore) {
          EXPECT_TRUE(vm_with[n] >= 0) << "voxel (" << i << ", " << j << ", " << k << ")"; // not NaN
        }
      }
}

TEST_P(LoadBearing, ALabelThatIsNoMaterialFailsOnEveryRank) {
  navox::GridSpec s = spec();
  if (!navox::test::takes_split(std::get<0>(GetParam()), s)) GTEST_SKIP() << "split for another rank count";
  navox::Grid grid(MPI_COMM_WORLD, s, {});
  const auto mats = navox::test::elastic_materials();
  // One voxel, owned by one rank only, labelled past the materials.
  Vec labels = navox::test::voxel_field(
      grid, [](auto i, auto j, auto k) { return i == kNx - 1 && j == kNy - 1 && k == kNz - 1 ? 3.0 : label(i, j, k); });
  EXPECT_THROW((void)navox::Elasticity(grid, labels, mats), navox::CollectiveError);
  VecDestroy(&labels);
}

INSTANTIATE_TEST_SUITE_P(
    Splits, LoadBearing,
    ::testing::Combine(::testing::ValuesIn(navox::test::splits_1_2_4()),
                       ::testing::Bool()));

} // namespace
