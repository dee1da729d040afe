// One small SE|CC contact on an otherwise blocked interface (a gap of empty pore
// between SE and CC): the galvanostatic solve puts all of the applied current
// through the contact, and the local current density is highest at the contact's
// edge and corners (primary-distribution behaviour), on 1, 2 and 4 ranks.
#include "mesh/block_access.hpp"
#include "mesh/grid.hpp"
#include "physics/electrochemistry/interface_kinetics.hpp"
#include "solver/electrochemistry/ionic_potential.hpp"
#include "solver/sodium/sodium.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

namespace {

TEST(SingleContact, CurrentPeaksAtTheEdgeAndSumsToTheApplied) {
  navox::GridSpec spec;
  spec.dims = {12, 12, 10};
  spec.spacing = {1e-6, 1e-6, 1e-6};
  navox::Grid grid(MPI_COMM_WORLD, spec, {"phi", "xi"});
  navox::MaterialTable mats(3);
  mats[0] = {"NBH", navox::Phase::SE, 0.09, 0, 298.15};
  mats[0].charge_transfer_resistance = 1e-6; // 0.01 ohm cm^2: nearly ideal, primary distribution
  mats[1] = {"Al", navox::Phase::CC, 0, 0, 298.15};
  mats[2] = {"gap", navox::Phase::PORE, 0, 0, 298.15};
  // SE below z = 6, a one-voxel gap at z = 6 bridged by a 4x4 CC pillar at x, y in [4, 8), CC above.
  auto in_contact = [](std::int64_t i, std::int64_t j) { return i >= 4 && i < 8 && j >= 4 && j < 8; };
  const navox::Box b = grid.owned();
  Vec labels = navox::test::voxel_field(
      grid, [&](auto i, auto j, auto k) { return k < 6 ? 0.0 : k > 6 ? 1.0 : in_contact(i, j) ? 1.0 : 2.0; });
  Vec phi;
  ASSERT_EQ(DMCreateGlobalVector(grid.field_dm("phi"), &phi), 0);
  VecSet(phi, 0.0);
  {
    navox::IonicPotential ionic(grid, labels, mats);
    navox::SodiumModel sodium(grid, labels, mats, navox::physics::SodiumMetal{});
    sodium.set_activity(ionic);
    const double area = 12e-6 * 12e-6, applied = -10.0 * area; // 1 mA/cm^2 plating
    const navox::IonicResult r = ionic.solve_current(phi, {298.15, 0.0, 0.0}, applied);
    // V follows phi in every residual evaluation: the current is met to round-off.
    EXPECT_NEAR(r.electrode_current / applied, 1.0, 1e-12);
    EXPECT_NEAR(r.counter_current / -applied, 1.0, 1e-6); // what enters at z = 0 leaves at the contact
    EXPECT_LT(r.electrode_potential, 0.0);

    // Face current densities on the contact, by position: corner, edge, centre.
    double local[3] = {0, 0, 0}; // most negative (largest plating) density of each kind
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i) {
        if (b.lo[2] > 5 || b.hi(2) <= 5 || !in_contact(i, j)) continue;
        const navox::ElectrodeFace* f = ionic.face_at(i, j, 5, 5);
        ASSERT_NE(f, nullptr) << "the contact's faces are electrode faces";
        const double density = f->current / 1e-12;
        const int edges = (i == 4 || i == 7) + (j == 4 || j == 7);
        const int kind = edges == 2 ? 0 : edges == 1 ? 1 : 2;
        local[kind] = std::min(local[kind], density);
      }
    double worst[3];
    MPI_Allreduce(local, worst, 3, MPI_DOUBLE, MPI_MIN, MPI_COMM_WORLD);
    // The contact is 1/9 of the area: its mean density is 9 mA/cm^2, edges carry more.
    EXPECT_LT(worst[0], worst[1]);
    EXPECT_LT(worst[1], worst[2]);
    EXPECT_LT(worst[0], 1.2 * worst[2]);
    EXPECT_LT(worst[0], -90.0);
    EXPECT_NEAR(r.max_current_density, -worst[0], 1e-9 * -worst[0]);
  }
  VecDestroy(&phi);
  VecDestroy(&labels);
}

} // namespace
