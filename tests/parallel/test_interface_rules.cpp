// The interface rules that decide where Na can plate, on 1, 2 and 4 ranks and with
// the ranks split along x, y and z:
//  - nucleation sites: the SE|CC contact faces only (a CC|PORE|SE triple line is the
//    contact's edge), not every SE face under an empty gap (which made the nucleus
//    density and the dip depend on the gap-to-voxel ratio); a nucleus covers the
//    contact within its footprint, across rank boundaries;
//  - a rounding leftover (2.8e-17 of a voxel) next to the collector is not Na: it
//    is removed, its volume booked, and the face beside it stays blocking (one such
//    leftover on 2 ranks and none on 1 made a nucleation run diverge).
#include "mesh/block_access.hpp"
#include "mesh/voxel_walk.hpp"
#include "solver/electrochemistry/ionic_potential.hpp"
#include "solver/sodium/nucleation.hpp"
#include "solver/sodium/sodium.hpp"
#include "support/blocking_al.hpp"
#include "support/partitions.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

namespace {

constexpr int kN = 8;

/// SE below z = 2, a gap layer at z = 2 with a 2 x 2 CC pillar at x, y in {3, 4}, CC above.
double label(std::int64_t i, std::int64_t j, std::int64_t k) {
  if (k < 2) return 0;
  if (k > 2) return 1;
  return (i >= 3 && i <= 4 && j >= 3 && j <= 4) ? 1 : 2;
}

class InterfaceRules : public ::testing::TestWithParam<std::array<int, 3>> {};

TEST_P(InterfaceRules, TripleLinesAreContactEdgesAndLeftoversAreNotNa) {
  navox::GridSpec spec;
  spec.dims = {kN, kN, 4};
  spec.spacing = {0.25e-6, 0.25e-6, 0.25e-6};
  spec.periodic_lateral = true;
  if (!navox::test::takes_split(GetParam(), spec)) GTEST_SKIP() << "split for another rank count";
  navox::Grid grid(MPI_COMM_WORLD, spec, {"phi", "xi"});
  const navox::MaterialTable mats = navox::test::nbh_and_blocking_al(true);
  Vec labels = navox::test::voxel_field(grid, label);
  {
    navox::IonicPotential ionic(grid, labels, mats);
    navox::SodiumModel sodium(grid, labels, mats, navox::physics::SodiumMetal{});
    // A rounding leftover in the gap voxel (0, 0, 2), which lies on the CC above it.
    {
      navox::Owned xi(grid, sodium.xi());
      if (grid.owned().contains(0, 0, 2)) xi(0, 0, 2) = 2.8e-17;
    }
    const double before = sodium.volume();
    sodium.settle();
    EXPECT_EQ(sodium.volume(), before) << "the leftover's volume is booked, not lost";
    sodium.set_activity(ionic);

    // Count, over all ranks, the faces that may nucleate and those that plate.
    long local[3] = {0, 0, 0}; // nucleation sites: contact faces, other faces; active faces
    const navox::Box b = grid.owned();
    for (auto k = b.lo[2]; k < b.hi(2); ++k)
      for (auto j = b.lo[1]; j < b.hi(1); ++j)
        for (auto i = b.lo[0]; i < b.hi(0); ++i) {
          if (label(i, j, k) != 0) continue;
          const navox::ElectrodeFace* fp = ionic.face_at(i, j, k, 5);
          if (label(i, j, k + 1) == 0) {
            EXPECT_EQ(fp, nullptr) << "an SE|SE face is no electrode face";
            continue;
          }
          ASSERT_NE(fp, nullptr) << "an SE|non-SE face is an electrode face";
          const auto& f = *fp;
          if (f.bare_collector >= 0) ++local[label(i, j, k + 1) == 1 ? 0 : 1];
          if (f.active_cathodic > 0 || f.active_anodic > 0) ++local[2];
          if (i == 0 && j == 0 && k == 1) {
            EXPECT_EQ(f.active_cathodic, 0.0) << "a leftover must not switch a face on";
            EXPECT_EQ(f.bare_collector, -1) << "an SE face under the empty gap is no nucleation site";
          }
        }
    long global[3];
    MPI_Allreduce(local, global, 3, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
    EXPECT_EQ(global[0], 4) << "the pillar's four SE|CC faces";
    EXPECT_EQ(global[1], 0) << "no gap face (before: all 60 under the gap)";
    EXPECT_EQ(global[2], 0) << "a blocking collector with no nuclei plates nowhere";

    // Every site fires within the step; in firing order, the first nucleus's 0.3 um
    // footprint covers its face and the two beside it (not the diagonal one, 0.35 um
    // away), so exactly two nuclei form and cover the 0.5 x 0.5 um contact, on
    // whichever ranks its faces lie.
    for (auto& f : ionic.faces())
      if (f.bare_collector >= 0) f.eta_old = -0.2; // far past the barrier: every site fires
    navox::NucleationSpec ns;
    navox::Nucleation nucleation(grid, mats, ns);
    nucleation.draw(ionic, 1, 1.0, 298.15);
    const long formed = static_cast<long>(nucleation.accept(1.0).size());
    long covered_local = 0, covered = 0;
    for (const auto& f : ionic.faces()) covered_local += f.coverage >= 1 ? 1 : 0;
    MPI_Allreduce(&covered_local, &covered, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
    EXPECT_EQ(covered, 4) << "the whole contact, and nothing under the gap";
    EXPECT_EQ(nucleation.count(), 2) << "a nucleus's footprint suppresses the nuclei its faces would form";
    if (grid.rank() == 0) {
      EXPECT_EQ(formed, 2);
    }
    // The leftover is gone on every partition.
    const auto xi = navox::test::gather_natural(grid, sodium.xi());
    EXPECT_EQ(xi[static_cast<std::size_t>((2 * kN + 0) * kN + 0)], 0.0);
  }
  VecDestroy(&labels);
}

INSTANTIATE_TEST_SUITE_P(Splits, InterfaceRules,
                         ::testing::Values(std::array<int, 3>{-1, -1, -1}, std::array<int, 3>{2, 1, 1},
                                           std::array<int, 3>{1, 2, 1}, std::array<int, 3>{1, 1, 2},
                                           std::array<int, 3>{1, 1, 4}, std::array<int, 3>{2, 2, 1}));

} // namespace
