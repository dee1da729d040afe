// Na with no room passes its surplus through Na-holding voxels only, never through
// the collector or the SE, on 1, 2 and 4 ranks split along x, y and z in turn (so
// the paths cross rank boundaries):
//  - a full Na voxel walled in by CC high up a channel of full Na gets its surplus
//    to the channel's one empty voxel, down and sideways, in a few sweeps whatever
//    the channel's length; an empty pore just above it, across CC, stays empty;
//  - of two empty voxels at the same distance, each takes the same share of its room;
//  - a walled-in surplus fills the scattered rooms it reaches in order of distance, in
//    one sweep; a room two senders reach goes to the one with the lower global index,
//    and the other's surplus follows its path to it; a sender whose nearest rooms
//    hold its surplus leaves the rooms beyond them to the others;
//  - a surplus of 20 voxels carried there fills an empty pore outward in a few
//    sweeps, not one voxel per sweep;
//  - a surplus of 300 voxels leaves every voxel it fills, and its source, exactly
//    full: not within the rounding of what passed through them on one side of full or
//    the other, which differed between partitions;
//  - likewise past a neighbour whose room is below the smallest amount moved
//    (round-off of a full voxel), which must not hold the surplus;
//  - Na formed in an SE|CC contact leaves along the SE to the contact's edge, not
//    into an empty pore above the contact;
//  - full Na with no room reachable (a pore at the SE closed by CC) lifts the
//    collector, and the surplus fills the gap that opens beside it;
// conserving the Na volume to 1e-12.
#include "mesh/block_access.hpp"
#include "mesh/grid.hpp"
#include "solver/sodium/sodium.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <array>
#include <cstdint>
#include <functional>
#include <map>

namespace {

using Voxel = std::array<std::int64_t, 3>;

/// The value of a global vector at one voxel, on every rank.
double value_at(const navox::Grid& grid, Vec v, const Voxel& p) {
  const navox::Box b = grid.owned();
  double mine = b.contains(p[0], p[1], p[2]) ? navox::scalar_block(grid, v)[b.offset(p[0], p[1], p[2])] : 0.0,
         all = 0.0;
  MPI_Allreduce(&mine, &all, 1, MPI_DOUBLE, MPI_SUM, grid.comm());
  return all;
}

/// An 8 x 8 x 16 cell, SE below z = 2 and dense CC above, but for the pores given
/// with the Na they hold (ξ, or ξ > 1), split over the ranks along `axis`.
struct Cell {
  navox::GridSpec spec;
  navox::MaterialTable mats;
  explicit Cell(int axis) {
    int size = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    spec.dims = {8, 8, 16};
    spec.spacing = {1e-6, 1e-6, 1e-6};
    spec.processors = {1, 1, 1};
    spec.processors[static_cast<std::size_t>(axis)] = size;
    mats.resize(3);
    mats[0] = {"NBH", navox::Phase::SE, 0.09, 0, 298.15};
    mats[1] = {"Al", navox::Phase::CC, 0, 0, 298.15};
    mats[2] = {"pore", navox::Phase::PORE, 0, 0, 298.15};
  }
};

struct Settled {
  navox::SettleResult result;
  double volume_before = 0, volume_after = 0;
  int lift = 0;
  std::map<Voxel, double> xi; ///< after settling, at the voxels asked for
};

/// Settles `pores` (voxel -> ξ) in the cell split along `axis`, with `overflow` in CC
/// voxels (as plated on their SE face); returns ξ at the voxels in `ask`.
Settled settle(int axis, const std::map<Voxel, double>& pores, const std::vector<Voxel>& ask,
               const std::map<Voxel, double>& overflow = {}) {
  Cell c(axis);
  navox::Grid grid(MPI_COMM_WORLD, c.spec, {"phi", "xi"});
  const navox::Box b = grid.owned();
  Vec labels = navox::test::voxel_field(grid, [&](auto i, auto j, auto k) {
    return k < 2 ? 0.0 : pores.count({i, j, k}) ? 2.0 : 1.0;
  });
  Settled s;
  {
    navox::SodiumModel sodium(grid, labels, c.mats, navox::physics::SodiumMetal{});
    std::vector<double> xi(static_cast<std::size_t>(b.size()), 0.0);
    for (const auto& [p, v] : pores)
      if (b.contains(p[0], p[1], p[2])) xi[static_cast<std::size_t>(b.offset(p[0], p[1], p[2]))] = v;
    navox::set_scalar_block(grid, sodium.xi(), xi);
    std::vector<double> ex(static_cast<std::size_t>(b.size()), 0.0);
    for (const auto& [p, v] : overflow)
      if (b.contains(p[0], p[1], p[2])) ex[static_cast<std::size_t>(b.offset(p[0], p[1], p[2]))] = v;
    navox::set_scalar_block(grid, sodium.overflow(), ex);
    s.volume_before = sodium.volume();
    s.result = sodium.settle();
    s.volume_after = sodium.volume();
    s.lift = sodium.lift();
    for (const Voxel& p : ask) s.xi[p] = value_at(grid, sodium.xi(), p);
  }
  VecDestroy(&labels);
  return s;
}

/// A channel of full Na: up a column at (1, 1) from the SE (z = 2) to z = 12, then
/// along x at the SE to x = 6, then along y to y = 6, empty at its end (6, 6, 2);
/// the top voxel (1, 1, 12) holds 1.75, and an empty pore sits at (1, 1, 14), across
/// one voxel of CC above it.
std::map<Voxel, double> channel() {
  std::map<Voxel, double> p;
  for (std::int64_t k = 2; k <= 12; ++k) p[{1, 1, k}] = 1.0;
  for (std::int64_t i = 1; i <= 6; ++i) p[{i, 1, 2}] = 1.0;
  for (std::int64_t j = 1; j <= 6; ++j) p[{6, j, 2}] = 1.0;
  p[{6, 6, 2}] = 0.0;
  p[{1, 1, 12}] = 1.75;
  p[{1, 1, 14}] = 0.0;
  return p;
}

const Voxel kSource{1, 1, 12}, kRoom{6, 6, 2}, kAbove{1, 1, 14};

class SettleRoutes : public ::testing::TestWithParam<int> {};

TEST_P(SettleRoutes, WalledInSurplusFlowsThroughNaToTheRoomItReaches) {
  const Settled s = settle(GetParam(), channel(), {kSource, kRoom, kAbove});
  EXPECT_EQ(s.result.lifts, 0);
  EXPECT_LE(s.result.sweeps, 4); // one voxel per sweep would take more than 20
  EXPECT_NEAR(s.xi.at(kSource), 1.0, 1e-15);
  EXPECT_NEAR(s.xi.at(kRoom), 0.75, 1e-15);
  EXPECT_EQ(s.xi.at(kAbove), 0.0); // across CC: never reached, though nearer
  EXPECT_NEAR(s.volume_after / s.volume_before, 1.0, 1e-12);
}

TEST_P(SettleRoutes, TwoRoomsAtEqualDistanceTakeTheSameShareOfTheirRoom) {
  // A column of full Na from (3, 3, 12) down to the SE, then two equal branches along
  // x at the SE, each ending in an empty voxel two steps away: (1, 3, 2) and (5, 3, 2).
  // The sender reaches both at the same distance and shares its 0.75 between them in
  // proportion to their room; split along x the search crosses the ranks' blocks.
  std::map<Voxel, double> p;
  for (std::int64_t k = 2; k <= 12; ++k) p[{3, 3, k}] = 1.0;
  for (std::int64_t i = 1; i <= 5; ++i) p[{i, 3, 2}] = 1.0;
  p[{1, 3, 2}] = p[{5, 3, 2}] = 0.0;
  p[{3, 3, 12}] = 1.75;
  const Settled s = settle(GetParam(), p, {{1, 3, 2}, {5, 3, 2}, {3, 3, 12}});
  EXPECT_EQ(s.result.lifts, 0);
  EXPECT_NEAR(s.xi.at({1, 3, 2}), 0.375, 1e-15);
  EXPECT_NEAR(s.xi.at({5, 3, 2}), 0.375, 1e-15);
  EXPECT_NEAR(s.xi.at({3, 3, 12}), 1.0, 1e-15);
  EXPECT_NEAR(s.volume_after / s.volume_before, 1.0, 1e-12);
}

/// A sheet of full Na at z = 6 (CC below and above it: nothing compacts), 8 x 8 voxels.
std::map<Voxel, double> sheet() {
  std::map<Voxel, double> p;
  for (std::int64_t j = 0; j < 8; ++j)
    for (std::int64_t i = 0; i < 8; ++i) p[{i, j, 6}] = 1.0;
  return p;
}

/// Settled without a lift, in at most `sweeps` sweeps, with ξ as `want` at those voxels
/// and the Na volume conserved.
void expect_settled(const Settled& s, int sweeps, const std::map<Voxel, double>& want) {
  EXPECT_EQ(s.result.lifts, 0);
  EXPECT_LE(s.result.sweeps, sweeps);
  for (const auto& [v, x] : want) EXPECT_NEAR(s.xi.at(v), x, 1e-15) << "at " << v[0] << ", " << v[1] << ", " << v[2];
  EXPECT_NEAR(s.volume_after / s.volume_before, 1.0, 1e-12);
}

TEST_P(SettleRoutes, AWalledInSurplusFillsTheNearestScatteredRoomsFirstInOneSweep) {
  // Half-full voxels scattered in the sheet, none beside another with room: two at 2
  // steps from the sender (3, 3, 6), one at 3, one at 8. The sender's 1.25 fills the two
  // nearest and half the room of the next; the far one keeps its 0.5. Passing the
  // surplus on a room at a time took two sweeps per room.
  auto p = sheet();
  const Voxel a{3, 5, 6}, b{1, 3, 6}, c{6, 3, 6}, far{7, 7, 6}, source{3, 3, 6};
  for (const Voxel& v : {a, b, c, far}) p[v] = 0.5;
  p[source] = 2.25;
  // Two sweeps: one that moves, one that finds nothing to move.
  expect_settled(settle(GetParam(), p, {a, b, c, far, source}), 2, {{a, 1.0}, {b, 1.0}, {c, 0.75}, {far, 0.5}, {source, 1.0}});
}

TEST_P(SettleRoutes, ARoomHalfwayBetweenTwoWalledInSendersTakesFromBoth) {
  // One empty voxel (3, 3, 6) two steps from each of two senders with 0.5 too much. The
  // sender with the lower global index claims it; the other, with no room left to claim,
  // sends its surplus along its path to the voxel beside it, which passes it on a sweep
  // later: the room ends full, and both senders at 1.
  auto p = sheet();
  const Voxel room{3, 3, 6}, first{1, 3, 6}, second{5, 3, 6};
  p[room] = 0.0;
  p[first] = p[second] = 1.5;
  expect_settled(settle(GetParam(), p, {room, first, second}), 4, {{room, 1.0}, {first, 1.0}, {second, 1.0}});
}

TEST_P(SettleRoutes, ASenderWhoseNearRoomsHoldItsSurplusLeavesTheRoomsBeyondToOthers) {
  // Senders (1, 1, 6) and (6, 1, 6) with 0.5 too much each; empty voxels at (1, 3, 6),
  // 2 steps from the first, and at (3, 2, 6), 3 steps from the first and 4 from the
  // second. The first's surplus fits in its nearest room, so its search stops there and
  // the farther room goes to the second: both fill in one sweep.
  auto p = sheet();
  const Voxel first{1, 1, 6}, second{6, 1, 6}, near{1, 3, 6}, between{3, 2, 6};
  p[near] = p[between] = 0.0;
  p[first] = p[second] = 1.5;
  expect_settled(settle(GetParam(), p, {first, second, near, between}), 2,
                 {{near, 0.5}, {between, 0.5}, {first, 1.0}, {second, 1.0}});
}

TEST_P(SettleRoutes, ASurplusOfManyVoxelsFillsAPoreOutwardInFewSweeps) {
  // The channel ends in an empty pore of 4 x 4 x 3 voxels (x, y in [3, 6], z in [2, 4]);
  // the source holds 20 voxels more than fits. The surplus arrives at the pore's entry
  // (6, 2, 2) in one sweep and spreads through the open voxels, a layer per sweep.
  auto pores = channel();
  std::vector<Voxel> box;
  for (std::int64_t k = 2; k <= 4; ++k)
    for (std::int64_t j = 3; j <= 6; ++j)
      for (std::int64_t i = 3; i <= 6; ++i) {
        pores[{i, j, k}] = 0.0;
        box.push_back({i, j, k});
      }
  pores[kSource] = 21.0;
  const Settled s = settle(GetParam(), pores, box);
  EXPECT_EQ(s.result.lifts, 0);
  EXPECT_LE(s.result.sweeps, 10); // 8 on any partition; 19 when a sender gave no more than the room
  double in_box = 0;
  for (const auto& [p, v] : s.xi) {
    EXPECT_GE(v, 0.0);
    EXPECT_LE(v, 1.0);
    in_box += v;
  }
  EXPECT_NEAR(in_box, 20.0, 1e-12);
  EXPECT_NEAR(s.volume_after / s.volume_before, 1.0, 1e-12);
}

TEST_P(SettleRoutes, ASurplusOfHundredsOfVoxelsLeavesTheVoxelsItPassesExactlyFull) {
  // After a collector lift hundreds of voxels of surplus pass through single voxels (978
  // through one at 128^3). Each voxel they fill or leave holds the rounding of what
  // passed: 1 - 5e-12 on one partition and 1 + 4e-12 on another, one side of the "room"
  // tolerance or the other, and the next hundreds of voxels went to different places.
  // A pore of 8 x 5 x 9 voxels over the SE, reached up the channel from a source with
  // 300.123456789 voxels too much: every voxel the surplus filled is full exactly, the
  // source too, and the rest is in the voxels still partly full.
  auto pores = channel();
  std::vector<Voxel> pore;
  for (std::int64_t k = 2; k <= 10; ++k)
    for (std::int64_t j = 3; j <= 7; ++j)
      for (std::int64_t i = 0; i <= 7; ++i) {
        pores[{i, j, k}] = (i + j + k) % 3 == 0 ? 0.3 : 0.0;
        pore.push_back({i, j, k});
      }
  const double surplus = 300.123456789;
  pores[kSource] = 1 + surplus;
  std::vector<Voxel> ask = pore;
  ask.push_back(kSource);
  const Settled s = settle(GetParam(), pores, ask);
  EXPECT_EQ(s.result.lifts, 0);
  EXPECT_EQ(s.xi.at(kSource), 1.0);
  int full = 0, partly = 0;
  for (const Voxel& v : pore) {
    const double x = s.xi.at(v);
    if (x == 1.0) ++full;
    else if (x > 0) ++partly;
    EXPECT_FALSE(x > 1 - 1e-9 && x < 1.0) << "at " << v[0] << ", " << v[1] << ", " << v[2] << ": 1 - " << 1 - x;
  }
  EXPECT_GT(full, 250);
  EXPECT_GT(partly, 0);
  EXPECT_NEAR(s.volume_after / s.volume_before, 1.0, 1e-12);
}

TEST_P(SettleRoutes, RoomBelowTheSmallestMoveDoesNotHoldTheSurplus) {
  auto pores = channel();
  pores[{1, 1, 11}] = 1.0 - 1e-16; // the source's only Na neighbour, full to round-off
  const Settled s = settle(GetParam(), pores, {kSource, kRoom, kAbove});
  EXPECT_EQ(s.result.lifts, 0);
  EXPECT_LE(s.result.sweeps, 4);
  EXPECT_NEAR(s.xi.at(kRoom), 0.75, 1e-15);
  EXPECT_EQ(s.xi.at(kAbove), 0.0);
  EXPECT_NEAR(s.volume_after / s.volume_before, 1.0, 1e-12);
}

TEST_P(SettleRoutes, NaFormedInAContactLeavesAlongTheSE) {
  // Contact voxel (3, 3, 2) holds 0.5 plated on its SE face; an empty pore sits right
  // above it, closed by CC, and another at the SE at (6, 3, 2), three contact voxels away.
  const Voxel above{3, 3, 3}, edge{6, 3, 2};
  const Settled s = settle(GetParam(), {{above, 0.0}, {edge, 0.0}}, {above, edge}, {{{3, 3, 2}, 0.5}});
  EXPECT_EQ(s.result.lifts, 0);
  EXPECT_NEAR(s.xi.at(edge), 0.5, 1e-15);
  EXPECT_EQ(s.xi.at(above), 0.0);
  EXPECT_NEAR(s.volume_after / s.volume_before, 1.0, 1e-12);
}

TEST_P(SettleRoutes, FullNaWithNoRoomReachableLiftsTheCollector) {
  // A pore at the SE and one above it, closed by CC, full, 0.75 too much at the SE;
  // an empty pore across the CC beside them.
  const std::map<Voxel, double> pores{{{3, 3, 2}, 1.75}, {{3, 3, 3}, 1.0}, {{5, 3, 2}, 0.0}};
  const Settled s = settle(GetParam(), pores, {{3, 3, 2}, {3, 3, 3}, {2, 3, 2}, {4, 3, 2}, {3, 2, 2}, {3, 4, 2}, {5, 3, 3}, {3, 3, 4}});
  EXPECT_EQ(s.result.lifts, 1);
  EXPECT_EQ(s.lift, 1);
  EXPECT_NEAR(s.xi.at({3, 3, 2}), 1.0, 1e-15);
  EXPECT_NEAR(s.xi.at({3, 3, 3}), 1.0, 1e-15); // under the collector's lowest voxel of its column: stays
  // The gap opens under the collector: beside the full pore at the SE (its four
  // lateral neighbours) and above its column; the SE-side voxel shares out the surplus
  // to the four that touch it, in proportion to their room.
  for (const Voxel& p : {Voxel{2, 3, 2}, Voxel{4, 3, 2}, Voxel{3, 2, 2}, Voxel{3, 4, 2}})
    EXPECT_NEAR(s.xi.at(p), 0.1875, 1e-15);
  EXPECT_EQ(s.xi.at({5, 3, 3}), 0.0); // the gap opened over the empty pore across the CC
  EXPECT_EQ(s.xi.at({3, 3, 4}), 0.0);
  EXPECT_NEAR(s.volume_after / s.volume_before, 1.0, 1e-12);
}

INSTANTIATE_TEST_SUITE_P(SplitAxis, SettleRoutes, ::testing::Values(0, 1, 2),
                         [](const ::testing::TestParamInfo<int>& i) { return std::string(1, "xyz"[i.param]); });

} // namespace
