// A generated pellet on the distributed grid: each rank labels only its own
// block, and the global pore count equals the serial whole-volume count on any
// rank count (the labels are a pure function of seed and voxel index).
#include "io/sources/generators.hpp"
#include "mesh/grid.hpp"
#include "support/preset_pellet.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <algorithm>
#include <memory>

namespace {

constexpr int kSolid = 1, kPore = 2;

navox::GridSpec grid_for(const navox::io::PelletSpec& p) {
  navox::GridSpec g;
  g.dims = p.dims;
  g.spacing = p.spacing;
  return g;
}

/// A Cu pellet of 40 x 36 x 44 voxels and the distributed grid it is labelled on.
struct CuCell {
  navox::io::PelletSpec spec = navox::test::preset_pellet("Cu", {40, 36, 44}, 0.5e-6, 2024, kSolid, kPore);
  std::unique_ptr<navox::io::LabelSource> src = navox::io::pellet(spec);
  navox::Grid grid{MPI_COMM_WORLD, grid_for(spec), {"phi"}};
};

std::int64_t pores(const std::vector<int>& labels) { return std::count(labels.begin(), labels.end(), kPore); }

TEST(GeneratedCell, PoreCountIndependentOfRankCount) {
  const CuCell c;
  ASSERT_EQ(c.src->dims(), c.spec.dims);
  const std::int64_t local = pores(c.src->labels(c.grid.owned()));
  std::int64_t global = 0;
  MPI_Allreduce(&local, &global, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);

  const std::int64_t serial = pores(c.src->labels(navox::Box{{0, 0, 0}, c.spec.dims}));
  EXPECT_EQ(global, serial);
  const double porosity = double(global) / double(c.grid.voxel_count());
  EXPECT_NEAR(porosity, c.spec.porosity, 0.03); // a small cell: only a loose check
}

TEST(GeneratedCell, OwnedBlockMatchesTheSerialVolume) {
  const CuCell c;
  const navox::Box all{{0, 0, 0}, c.spec.dims};
  const std::vector<int> serial = c.src->labels(all);
  const navox::Box b = c.grid.owned();
  std::vector<int> expected;
  for (auto k = b.lo[2]; k < b.hi(2); ++k)
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i) expected.push_back(serial[all.offset(i, j, k)]);
  EXPECT_EQ(c.src->labels(b), expected) << "rank " << c.grid.rank();
}

} // namespace
