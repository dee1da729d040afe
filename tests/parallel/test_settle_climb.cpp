// Na walled in by dense CC climbs its column within one settling sweep, on 1, 2
// and 4 ranks split along z (so the climb crosses rank boundaries):
//  - to a pore pocket high up the column, in a few sweeps whatever the height
//    (the old rule moved it one voxel per sweep);
//  - with no pocket, to the top, after which the collector lifts by one voxel and
//    the column's surplus fills the gap that opens;
//  - past a neighbour whose room is below the smallest amount moved (round-off
//    of a full voxel), which once held it in place through 64 collector lifts;
// conserving the Na volume to 1e-12.
#include "mesh/block_access.hpp"
#include "mesh/grid.hpp"
#include "solver/sodium/sodium.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <cmath>
#include <cstdint>

namespace {

constexpr std::int64_t kHeight = 40;

/// The value of a global vector at one voxel, on every rank.
double value_at(const navox::Grid& grid, Vec v, std::int64_t i, std::int64_t j, std::int64_t k) {
  const navox::Box b = grid.owned();
  double mine = b.contains(i, j, k) ? navox::scalar_block(grid, v)[b.offset(i, j, k)] : 0.0, all = 0.0;
  MPI_Allreduce(&mine, &all, 1, MPI_DOUBLE, MPI_SUM, grid.comm());
  return all;
}

struct Column {
  navox::GridSpec spec;
  navox::MaterialTable mats;
  Column() {
    int size = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    spec.dims = {3, 3, kHeight};
    spec.spacing = {1e-6, 1e-6, 1e-6};
    spec.periodic_lateral = true;
    spec.processors = {1, 1, size};
    mats.resize(3);
    mats[0] = {"NBH", navox::Phase::SE, 0.09, 0, 298.15};
    mats[1] = {"Al", navox::Phase::CC, 0, 0, 298.15};
    mats[2] = {"pore", navox::Phase::PORE, 0, 0, 298.15};
  }
};

/// SE below z = 2, dense CC above, a pore at (1, 1, 3) holding 1.75 voxels of Na and,
/// if `pocket` > 0, an empty pore at (1, 1, pocket); with `nearly_full`, a pore at
/// (0, 1, 3) beside the source, full but for 1e-16. Returns the settled model's state.
struct Settled {
  navox::SettleResult result;
  double volume_before = 0, volume_after = 0, xi_source = 0, xi_pocket = 0, xi_gap = 0, xi_lifted_source = 0;
  int lift = 0;
};

Settled settle_column(std::int64_t pocket, bool nearly_full = false) {
  Column c;
  navox::Grid grid(MPI_COMM_WORLD, c.spec, {"phi", "xi"});
  const navox::Box b = grid.owned();
  Vec labels = navox::test::voxel_field(grid, [&](auto i, auto j, auto k) {
    const bool pore = (i == 1 && j == 1 && (k == 3 || (pocket > 0 && k == pocket))) ||
                      (nearly_full && i == 0 && j == 1 && k == 3);
    return k < 2 ? 0.0 : pore ? 2.0 : 1.0;
  });
  Settled s;
  {
    navox::SodiumModel sodium(grid, labels, c.mats, navox::physics::SodiumMetal{});
    std::vector<double> xi(static_cast<std::size_t>(b.size()), 0.0);
    if (b.contains(1, 1, 3)) xi[b.offset(1, 1, 3)] = 1.75;
    if (nearly_full && b.contains(0, 1, 3)) xi[b.offset(0, 1, 3)] = 1.0 - 1e-16;
    navox::set_scalar_block(grid, sodium.xi(), xi);
    s.volume_before = sodium.volume();
    s.result = sodium.settle();
    s.volume_after = sodium.volume();
    s.lift = sodium.lift();
    s.xi_source = value_at(grid, sodium.xi(), 1, 1, 3);
    if (pocket > 0) s.xi_pocket = value_at(grid, sodium.xi(), 1, 1, pocket);
    s.xi_gap = value_at(grid, sodium.xi(), 1, 1, 2);
    s.xi_lifted_source = value_at(grid, sodium.xi(), 1, 1, 4);
  }
  VecDestroy(&labels);
  return s;
}

TEST(SettleClimb, WalledInSurplusReachesAPocketHighUpInAFewSweeps) {
  const Settled s = settle_column(kHeight - 6);
  EXPECT_EQ(s.result.lifts, 0);
  EXPECT_LE(s.result.sweeps, 4); // one voxel per sweep would take more than 30
  EXPECT_NEAR(s.xi_source, 1.0, 1e-15);
  EXPECT_NEAR(s.xi_pocket, 0.75, 1e-15);
  EXPECT_NEAR(s.volume_after / s.volume_before, 1.0, 1e-12);
}

TEST(SettleClimb, WithNoRoomTheCollectorLiftsAndTheSurplusFillsTheGap) {
  const Settled s = settle_column(0);
  EXPECT_EQ(s.result.lifts, 1);
  EXPECT_EQ(s.lift, 1);
  EXPECT_LE(s.result.sweeps, 6);
  EXPECT_NEAR(s.xi_gap, 0.75, 1e-15);          // the gap opened at z = 2 under the CC
  EXPECT_NEAR(s.xi_lifted_source, 1.0, 1e-15); // the full pore moved up with the collector
  EXPECT_NEAR(s.volume_after / s.volume_before, 1.0, 1e-12);
}

TEST(SettleClimb, RoomBelowTheSmallestMoveDoesNotHoldTheSurplus) {
  const Settled s = settle_column(kHeight - 6, true);
  EXPECT_EQ(s.result.lifts, 0);
  EXPECT_LE(s.result.sweeps, 4);
  EXPECT_NEAR(s.xi_pocket, 0.75, 1e-15);
  EXPECT_NEAR(s.volume_after / s.volume_before, 1.0, 1e-12);
}

} // namespace
