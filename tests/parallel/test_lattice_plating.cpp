// With vacancy transport, Na plated into a voxel that already holds Na fills the vacant
// sites of its lattice (SodiumModel::lattice_exchange, booked by the vacancy model) and
// deposit() puts the rest in ξ, as the same plating without vacancies does. The step's
// control on how much one voxel's Na changes (SodiumModule, time.max_fill_change) reads
// deposit()'s return, so it sees that growth. (Before, deposit() booked all of it in the
// lattice and returned 0 for it: a step could grow a voxel by many voxels' worth
// unchecked, and plating with the vacancy model, even without a vacant site, settled
// differently from plating without it.)
#include "mesh/grid.hpp"
#include "mesh/voxel_walk.hpp"
#include "physics/sodium/sodium_metal.hpp"
#include "solver/electrochemistry/ionic_potential.hpp"
#include "solver/sodium/sodium.hpp"
#include "support/plating_cell.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <cstdint>
#include <vector>

namespace {

constexpr int kSE = 0, kNa = 1, kCC = 2;
constexpr std::int64_t kN = 2, kSELayers = 4, kNaLayers = 4, kCCLayers = 4;

struct Deposit {
  double change = 0;           ///< deposit()'s return
  std::vector<double> xi;      ///< ξ of the layer of Na at the SE after it
  double exchanged = 0;        ///< the lattice exchange summed over that layer
};

/// One plating step on a flat Na electrode (2 x 2 voxels, periodic), the Na voxels at
/// the SE holding `vacant` vacant sites (< 0: no vacancy model).
Deposit plate(double vacant) {
  navox::Grid grid(MPI_COMM_WORLD, navox::test::half_micron_cell({kN, kN, kSELayers + kNaLayers + kCCLayers}), {"phi", "xi"});
  navox::MaterialTable mats(3);
  mats[kSE] = navox::test::plating_electrolyte();
  mats[kNa] = {"Na", navox::Phase::NA, 0, 0, 298.15};
  mats[kCC] = {"Cu", navox::Phase::CC, 0, 0, 298.15};
  Vec labels = navox::test::voxel_field(grid, [](auto, auto, auto k) {
    return k < kSELayers ? double(kSE) : k < kSELayers + kNaLayers ? double(kNa) : double(kCC);
  });
  Vec vacancies = navox::test::voxel_field(grid, [&](auto, auto, auto k) { return k == kSELayers ? vacant : 0.0; });
  Vec phi = navox::test::zero_potential(grid);
  Deposit out;
  {
    navox::IonicPotential ionic(grid, labels, mats);
    navox::SodiumModel sodium(grid, labels, mats, navox::physics::SodiumMetal{});
    if (vacant >= 0) sodium.strip_through_vacancies(vacancies);
    const double dt = 20.0, applied = -20.0 * grid.spec().xy_area(); // 2 mA/cm^2 plating
    sodium.set_activity(ionic);
    ionic.solve_current(phi, {298.15, 0.0, 1.0 / dt}, applied);
    out.change = sodium.deposit(ionic, dt);
    const std::vector<double> xi = navox::test::gather_natural(grid, sodium.xi());
    out.xi.assign(xi.begin() + kSELayers * kN * kN, xi.begin() + (kSELayers + 1) * kN * kN);
    if (vacant >= 0) {
      const std::vector<double> e = navox::test::gather_natural(grid, sodium.lattice_exchange());
      for (double v : e) out.exchanged += v;
    }
  }
  VecDestroy(&phi);
  VecDestroy(&vacancies);
  VecDestroy(&labels);
  return out;
}

TEST(LatticePlating, WhatTheVacantSitesCannotTakeGrowsXiAsWithoutVacancies) {
  const Deposit without = plate(-1);
  // 2 mA/cm^2 for 20 s: ~0.2 of a 0.5 um voxel (less the double layer's share).
  ASSERT_GT(without.change, 0.15);
  ASSERT_LT(without.change, 0.25);
  // No vacant sites: the same ξ to the bit, the same change, nothing exchanged.
  const Deposit none = plate(0.0);
  EXPECT_EQ(none.xi, without.xi);
  EXPECT_EQ(none.change, without.change);
  EXPECT_EQ(none.exchanged, 0.0);
  // Some: they fill first (4 voxels x 0.05), the rest grows ξ.
  const Deposit some = plate(0.05);
  EXPECT_NEAR(some.change, without.change - 0.05, 1e-12);
  EXPECT_NEAR(some.exchanged, 4 * 0.05, 1e-12);
  for (std::size_t n = 0; n < some.xi.size(); ++n) EXPECT_NEAR(some.xi[n], without.xi[n] - 0.05, 1e-12);
  // More than the plated Na: ξ does not grow, the lattice takes all of it.
  const Deposit many = plate(0.5);
  EXPECT_EQ(many.change, 0.0);
  for (double x : many.xi) EXPECT_EQ(x, 1.0);
  EXPECT_NEAR(many.exchanged, 4 * (without.xi[0] - 1), 1e-12);
}

} // namespace
