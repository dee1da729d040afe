// A collector lifted off the SE: the bodies only the plate holds and their rigid
// motions deflated from the elastic solve (solver/mechanics/rigid_deflation.hpp), on
// 1, 2 and 4 ranks, the default partition and splits along x, y and z, walls and
// periodic sides. The cell: SE below k = 2, a gap k = 2..3 of Na at the stack pressure,
// a CC slab above with a closed pore in it, and in its top a block cut off by
// a moat (a second body the plate alone holds):
//  - load_bearing_labels numbers the two bodies by size (the slab 0, the block 1) and
//    nothing else;
//  - the deflated solve gives the solution of the solve without it
//    (`-displacement_plate_deflation false`) to the CG's tolerance, and the support
//    carries the stack load;
//  - under the default geometric levels it takes at most 20 CG iterations (15-17
//    against 65-68 without with walls, against 41-44 periodic): without it the slab's
//    and the block's rigid motions, held by the ersatz alone, are near-null modes. The
//    block's rotations count: with the translations alone deflated it took 39-41 with
//    walls and 26-27 periodic (the slab wraps around the periodic cell and has no
//    rotation columns there). GAMG on the whole grid (4 ranks along one axis) resolves
//    them itself and is left alone.
//  - the same cell moved by two voxels along x on the periodic cell, so that the block
//    straddles the seam: its rotations are taken in coordinates unwrapped across it
//    (without them, 26-27 iterations as with the translations alone).
#include "mesh/grid.hpp"
#include "mesh/voxel_walk.hpp"
#include "solver/mechanics/elasticity.hpp"
#include "solver/mechanics/load_bearing.hpp"
#include "support/elastic_materials.hpp"
#include "support/partitions.hpp"
#include "support/vec_difference.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>

#include <petscsys.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <tuple>

namespace {

constexpr std::int64_t kNx = 8, kNy = 8, kNz = 12;
constexpr double kSE = 0, kCC = 1, kPore = 2;
constexpr double kP = 5e6;
/// The cell below is moved by this many voxels along x (the parameter's third member).
std::int64_t g_shift = 0;

/// Voxel i of the moved cell is voxel i − g_shift of the cell as drawn (periodic along x).
std::int64_t drawn(std::int64_t i) { return ((i - g_shift) % kNx + kNx) % kNx; }
bool gap(std::int64_t, std::int64_t, std::int64_t k) { return k == 2 || k == 3; }
bool closed_pore(std::int64_t i, std::int64_t j, std::int64_t k) {
  return drawn(i) == 2 && j == 2 && k >= 5 && k <= 7;
}
bool block(std::int64_t i, std::int64_t j, std::int64_t k) {
  return drawn(i) >= 5 && drawn(i) <= 6 && j >= 5 && j <= 6 && k >= 10;
}
bool moat(std::int64_t i, std::int64_t j, std::int64_t k) {
  return drawn(i) >= 4 && drawn(i) <= 7 && j >= 4 && j <= 7 && k >= 9 && !block(i, j, k);
}
double label(std::int64_t i, std::int64_t j, std::int64_t k) {
  if (k < 2) return kSE;
  return gap(i, j, k) || closed_pore(i, j, k) || moat(i, j, k) ? kPore : kCC;
}
bool slab(std::int64_t i, std::int64_t j, std::int64_t k) { return label(i, j, k) == kCC && !block(i, j, k); }

/// The cell on this parameter's partition (walls or periodic sides; moved along x, on
/// the periodic cell only), its materials and labels.
class PlateDeflation : public ::testing::TestWithParam<std::tuple<std::array<int, 3>, bool, int>> {
protected:
  void SetUp() override {
    g_shift = std::get<2>(GetParam());
    if (g_shift != 0 && !std::get<1>(GetParam())) GTEST_SKIP() << "moved across the seam on the periodic cell only";
    navox::GridSpec s;
    s.dims = {kNx, kNy, kNz};
    s.spacing = {1e-6, 0.8e-6, 1.2e-6};
    s.periodic_lateral = std::get<1>(GetParam());
    if (!navox::test::takes_split(std::get<0>(GetParam()), s)) GTEST_SKIP() << "split for another rank count";
    grid_ = std::make_unique<navox::Grid>(MPI_COMM_WORLD, s, std::vector<std::string>{});
    labels_ = navox::test::voxel_field(*grid_, label);
  }
  void TearDown() override {
    if (labels_) VecDestroy(&labels_);
  }
  std::unique_ptr<navox::Grid> grid_;
  const navox::MaterialTable mats_ = navox::test::elastic_materials();
  Vec labels_ = nullptr;
};

TEST_P(PlateDeflation, TheBodiesOnlyThePlateHoldsAreNumberedBySize) {
  const navox::Grid& grid = *grid_;
  const auto& mats = mats_;
  Vec labels = labels_;
  navox::ScalarVector out(grid), bodies(grid);
  const navox::LoadBearing held = navox::load_bearing_labels(grid, labels, mats, int(mats.size()), out, bodies);
  EXPECT_EQ(held.loose, 0);
  EXPECT_EQ(held.plate_bodies, 2);
  const std::vector<double> got = navox::test::gather_natural(grid, bodies);
  for (std::int64_t k = 0; k < kNz; ++k)
    for (std::int64_t j = 0; j < kNy; ++j)
      for (std::int64_t i = 0; i < kNx; ++i)
        EXPECT_EQ(got[std::size_t(i + kNx * (j + kNy * k))], slab(i, j, k) ? 0.0 : block(i, j, k) ? 1.0 : -1.0)
            << "voxel (" << i << ", " << j << ", " << k << ")";
}

TEST_P(PlateDeflation, TheDeflatedSolveIsTheSolveInFewerIterations) {
  const navox::Grid& grid = *grid_;
  const auto& mats = mats_;
  Vec labels = labels_;
  Vec na = navox::test::voxel_field(grid, [](auto i, auto j, auto k) { return gap(i, j, k) ? kP : 0.0; });
  navox::ElasticLoad load;
  load.stack_pressure = kP;
  load.na_pressure = na;
  const double force = kP * double(kNx * kNy) * 1e-6 * 0.8e-6;

  navox::Elasticity deflated(grid, labels, mats);
  const navox::ElasticResult with = deflated.solve(load);
  ASSERT_TRUE(with.converged);
  PetscOptionsSetValue(nullptr, "-displacement_plate_deflation", "false");
  navox::Elasticity plain(grid, labels, mats);
  const navox::ElasticResult without = plain.solve(load);
  PetscOptionsClearValue(nullptr, "-displacement_plate_deflation");
  ASSERT_TRUE(without.converged);

  const double diff = navox::test::relative_difference(deflated.solution(), plain.solution());
  std::printf("CG iterations %d deflated, %d without; displacement differs by %.3g of its largest value\n",
              int(with.iterations), int(without.iterations), diff);
  EXPECT_LE(diff, 1e-8);
  // Under the default geometric levels; GAMG on the whole grid (where the blocks do not
  // halve: 4 ranks along one axis) resolves the rigid motions itself and is not deflated.
  if (deflated.two_levels()) {
    EXPECT_LT(with.iterations + 10, without.iterations);
    EXPECT_LE(with.iterations, 20); // the block's rotations too (39-41 with walls without them)
  } else {
    EXPECT_EQ(with.iterations, without.iterations);
    EXPECT_EQ(diff, 0.0);
  }
  EXPECT_NEAR(deflated.transmitted_force(0) / force, 1.0, 1e-8);
  EXPECT_NEAR(deflated.transmitted_force(6) / force, 1.0, 1e-8); // through the slab
  VecDestroy(&na);
}

INSTANTIATE_TEST_SUITE_P(
    Splits, PlateDeflation,
    ::testing::Combine(::testing::ValuesIn(navox::test::splits_1_2_4()),
                       ::testing::Bool(), ::testing::Values(0, 2)));

} // namespace
