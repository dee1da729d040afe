// With vacancy transport, Na plated into a voxel that already holds Na goes into its
// lattice (SodiumModel::lattice_exchange): it fills the vacant sites, then grows ξ. The
// step's control on how much one voxel's Na changes (SodiumModule, time.max_fill_change)
// reads SodiumModel::deposit()'s return: that growth must be in it, as the same plating
// without vacancies puts all of it in ξ. (Before, deposit() returned 0 for it, and a step
// could grow a voxel by many voxels' worth unchecked.)
#include "mesh/grid.hpp"
#include "mesh/voxel_walk.hpp"
#include "physics/sodium/sodium_metal.hpp"
#include "solver/electrochemistry/ionic_potential.hpp"
#include "solver/sodium/sodium.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <cstdint>

namespace {

constexpr int kSE = 0, kNa = 1, kCC = 2;
constexpr std::int64_t kN = 2, kSELayers = 4, kNaLayers = 4, kCCLayers = 4;

/// What deposit() returns after one plating step on a flat Na electrode (2 x 2 voxels,
/// periodic), the Na voxels at the SE holding `vacant` vacant sites (< 0: no vacancy model).
double plated_change(double vacant) {
  navox::GridSpec spec;
  spec.dims = {kN, kN, kSELayers + kNaLayers + kCCLayers};
  spec.spacing = {0.5e-6, 0.5e-6, 0.5e-6};
  spec.periodic_lateral = true;
  navox::Grid grid(MPI_COMM_WORLD, spec, {"phi", "xi"});
  navox::MaterialTable mats(3);
  mats[kSE] = {"NBH", navox::Phase::SE, 0.09, 0, 298.15};
  mats[kSE].charge_transfer_resistance = 2e-4;
  mats[kNa] = {"Na", navox::Phase::NA, 0, 0, 298.15};
  mats[kCC] = {"Cu", navox::Phase::CC, 0, 0, 298.15};
  Vec labels = navox::test::voxel_field(grid, [](auto, auto, auto k) {
    return k < kSELayers ? double(kSE) : k < kSELayers + kNaLayers ? double(kNa) : double(kCC);
  });
  Vec vacancies = navox::test::voxel_field(grid, [&](auto, auto, auto k) { return k == kSELayers ? vacant : 0.0; });
  Vec phi = nullptr;
  DMCreateGlobalVector(grid.field_dm("phi"), &phi);
  VecSet(phi, 0.0);
  double change = 0;
  {
    navox::IonicPotential ionic(grid, labels, mats);
    navox::SodiumModel sodium(grid, labels, mats, navox::physics::SodiumMetal{});
    if (vacant >= 0) sodium.strip_through_vacancies(vacancies);
    const double dt = 20.0, applied = -20.0 * grid.spec().xy_area(); // 2 mA/cm^2 plating
    sodium.set_activity(ionic);
    ionic.solve_current(phi, {298.15, 0.0, 1.0 / dt}, applied);
    change = sodium.deposit(ionic, dt);
  }
  VecDestroy(&phi);
  VecDestroy(&vacancies);
  VecDestroy(&labels);
  return change;
}

TEST(LatticePlating, TheStepSeesTheLatticeGrowBeyondItsVacantSites) {
  const double without = plated_change(-1);
  // 2 mA/cm^2 for 20 s: ~0.2 of a 0.5 um voxel (less the double layer's share).
  ASSERT_GT(without, 0.15);
  ASSERT_LT(without, 0.25);
  // No vacant sites: all of it grows ξ, as without the vacancy model.
  EXPECT_NEAR(plated_change(0.0), without, 1e-12 * without);
  // Some: they fill first, the rest grows ξ.
  EXPECT_NEAR(plated_change(0.05), without - 0.05, 1e-12 * without);
  // More than the plated Na: ξ does not grow.
  EXPECT_EQ(plated_change(0.5), 0.0);
}

} // namespace
