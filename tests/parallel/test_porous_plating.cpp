// Na plated into a porous collector stays in the pore space that reaches the SE
// (the issue "walled-in Na climbs through the collector"): a generated Cu pellet
// (21 % porosity, 0.75 um pores) pressed on NBH, plated galvanostatically until
// its pores at the SE are full and Na has nowhere else to go but to lift the
// collector. After every step:
//  - every voxel holding Na lies in a component of Na-holding space (6-connected
//    PORE/NA voxels) with a voxel beside the SE: no Na has only CC between it and
//    the Na at the SE;
//  - settling conserves the Na volume to 1e-12;
// and the final labels equal a one-process run's, and ξ to 1e-9 (the solves' tolerance).
#include "io/sources/generators.hpp"
#include "mesh/block_access.hpp"
#include "mesh/grid.hpp"
#include "mesh/stencil.hpp"
#include "physics/sodium/sodium_metal.hpp"
#include "solver/electrochemistry/ionic_potential.hpp"
#include "solver/sodium/sodium.hpp"
#include "support/plating_cell.hpp"
#include "support/preset_pellet.hpp"
#include "support/sodium_reach.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace {

constexpr int kSE = 0, kCC = 1, kPore = 2;
constexpr std::int64_t kN = 16, kLayers = 3, kPellet = 13; ///< lateral size, SE layers, pellet layers

struct Plated {
  std::vector<double> xi, labels; ///< whole volume, natural order
  int steps = 0, lifts = 0;
  int worst_violations = 0; ///< the most Na voxels cut off from the SE after any step
  double worst_balance = 0; ///< the largest |Na after settling / before - 1|
};

/// Na voxels (ξ above the tolerance) whose Na-holding component has no voxel beside the SE.
int cut_off(const std::vector<double>& xi, const std::vector<double>& labels) {
  const std::int64_t dims[3] = {kN, kN, kLayers + kPellet};
  return navox::test::na_cut_off_from_se(xi, labels, dims, kPore, kSE);
}

Plated plate(MPI_Comm comm, int steps) {
  const navox::io::PelletSpec pellet =
      navox::test::preset_pellet("Cu", {kN, kN, kPellet}, 0.5e-6, 11, kCC, kPore);
  const std::vector<int> solid = navox::io::pellet(pellet)->labels(navox::Box{{0, 0, 0}, pellet.dims});
  navox::Grid grid(comm, navox::test::half_micron_cell({kN, kN, kLayers + kPellet}), {"phi", "xi"});
  navox::MaterialTable mats(3);
  mats[kSE] = navox::test::plating_electrolyte();
  mats[kCC] = {"Cu", navox::Phase::CC, 0, 0, 298.15};
  mats[kPore] = {"pore", navox::Phase::PORE, 0, 0, 298.15};
  Vec labels = navox::test::voxel_field(grid, [&](auto i, auto j, auto k) {
    return k < kLayers ? double(kSE) : double(solid[static_cast<std::size_t>(((k - kLayers) * kN + j) * kN + i)]);
  });
  Vec phi = navox::test::zero_potential(grid);
  Plated out;
  {
    navox::IonicPotential ionic(grid, labels, mats);
    navox::SodiumModel sodium(grid, labels, mats, navox::physics::SodiumMetal{});
    const double dt = 1.0, applied = -200.0 * grid.spec().xy_area(); // 20 mA/cm^2 plating
    for (int s = 0; s < steps; ++s) {
      sodium.set_activity(ionic);
      ionic.solve_current(phi, {298.15, 0.0, 1.0 / dt}, applied);
      sodium.deposit(ionic, dt);
      const double before = sodium.volume();
      out.lifts += sodium.settle().lifts;
      out.worst_balance = std::max(out.worst_balance, std::abs(sodium.volume() / before - 1));
      ionic.accept_step();
      out.xi = navox::test::gather_natural(grid, sodium.xi());
      out.labels = navox::test::gather_natural(grid, labels);
      out.worst_violations = std::max(out.worst_violations, cut_off(out.xi, out.labels));
      ++out.steps;
    }
  }
  VecDestroy(&phi);
  VecDestroy(&labels);
  return out;
}

TEST(PorousPlating, NaStaysInPoreSpaceThatReachesTheSE) {
  constexpr int kSteps = 12; // 0.6 um of Na on average: more than the pores at the SE hold
  const Plated p = plate(MPI_COMM_WORLD, kSteps);
  ASSERT_EQ(p.steps, kSteps);
  int na = 0;
  for (double x : p.xi) na += navox::physics::SodiumMetal::holds(x) ? 1 : 0;
  EXPECT_GT(na, 100);
  RecordProperty("na_voxels", na);
  RecordProperty("lifts", p.lifts);
  EXPECT_GE(p.lifts, 1); // the pores at the SE filled: the rest lifted the collector
  EXPECT_EQ(p.worst_violations, 0); // the column climb left 13 (and lifted twice)
  EXPECT_LT(p.worst_balance, 1e-12);

  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size == 1) return;
  const Plated serial = plate(MPI_COMM_SELF, kSteps);
  EXPECT_EQ(serial.lifts, p.lifts);
  ASSERT_EQ(serial.labels, p.labels);
  double worst = 0;
  for (std::size_t g = 0; g < p.xi.size(); ++g) worst = std::max(worst, std::abs(p.xi[g] - serial.xi[g]));
  // The ionic solves agree to their tolerance (Newton to 1e-10 of the first residual,
  // a preconditioner that depends on the partition), not bit for bit: 1.8e-9 here.
  EXPECT_LT(worst, 1e-8);
}

} // namespace
