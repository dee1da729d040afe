// The DMDA partition covers the voxel grid exactly once, and ghost layers hold
// the neighbours' values after DMGlobalToLocal (periodic wrap laterally).
#include "mesh/block_access.hpp"
#include "mesh/grid.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

namespace {

double tag(std::int64_t i, std::int64_t j, std::int64_t k) { return double(i + 1000 * j + 1000000 * k); }

navox::GridSpec spec(bool periodic) {
  navox::GridSpec s;
  s.dims = {7, 6, 9};
  s.spacing = {1e-6, 2e-6, 0.5e-6};
  s.origin = {1e-6, 0, -3e-6};
  s.periodic_lateral = periodic;
  return s;
}

TEST(Grid, BlocksTileTheVolumeOnce) {
  navox::Grid grid(MPI_COMM_WORLD, spec(false), {"phi", "xi"});
  std::vector<int> hits(7 * 6 * 9, 0);
  for (std::size_t r = 0; r < grid.blocks().size(); ++r) {
    const auto& b = grid.blocks()[r];
    for (auto k = b.lo[2]; k < b.hi(2); ++k)
      for (auto j = b.lo[1]; j < b.hi(1); ++j)
        for (auto i = b.lo[0]; i < b.hi(0); ++i) {
          hits[(k * 6 + j) * 7 + i]++;
          ASSERT_EQ(grid.owner(i, j, k), int(r)); // the owner lookup agrees with the blocks
        }
  }
  for (int h : hits) ASSERT_EQ(h, 1);
  EXPECT_EQ(int(grid.blocks().size()), grid.size());
  EXPECT_THROW(grid.field_dm("theta"), navox::Error);
  const char* name = nullptr;
  ASSERT_EQ(DMDAGetFieldName(grid.field_dm("xi"), 0, &name), 0);
  EXPECT_STREQ(name, "xi");
  // Every field DM shares the labels' partition, so one block layout reads them all.
  PetscInt xs, ys, zs, xm, ym, zm;
  ASSERT_EQ(DMDAGetCorners(grid.field_dm("phi"), &xs, &ys, &zs, &xm, &ym, &zm), 0);
  EXPECT_EQ(grid.owned().lo, (std::array<std::int64_t, 3>{xs, ys, zs}));
  EXPECT_EQ(grid.owned().n, (std::array<std::int64_t, 3>{xm, ym, zm}));
}

TEST(Grid, SplitsTheLateralAxesFirstByDefault) {
  // A 128 x 128 x 8 cell: 1 rank whole, 2 split along x, 4 into 2 x 2 columns, every
  // column the full height (mesh/partition.hpp). grid.processors overrides it.
  navox::GridSpec s = spec(false);
  s.dims = {128, 128, 8};
  navox::Grid grid(MPI_COMM_WORLD, s, {"phi"});
  const std::array<int, 3> want = grid.size() == 1   ? std::array<int, 3>{1, 1, 1}
                                   : grid.size() == 2 ? std::array<int, 3>{2, 1, 1}
                                                      : std::array<int, 3>{2, 2, 1};
  if (grid.size() <= 2 || grid.size() == 4) {
    EXPECT_EQ(grid.ranks_per_axis(), want);
    EXPECT_EQ(grid.owned().n[2], 8);
  }
  s.processors = {1, 1, grid.size()};
  navox::Grid along_z(MPI_COMM_WORLD, s, {"phi"});
  EXPECT_EQ(along_z.ranks_per_axis(), (std::array<int, 3>{1, 1, grid.size()}));
}

TEST(Grid, NoRankHoldsTheWholeVolume) {
  navox::Grid grid(MPI_COMM_WORLD, spec(false), {"phi"});
  PetscInt n = 0;
  Vec v;
  ASSERT_EQ(DMCreateGlobalVector(grid.scalar_dm(), &v), 0);
  ASSERT_EQ(VecGetLocalSize(v, &n), 0);
  EXPECT_EQ(n, grid.owned().size());
  if (grid.size() > 1) {
    EXPECT_LT(n, grid.voxel_count());
  }
  VecDestroy(&v);
}

class Halo : public ::testing::TestWithParam<bool> {};

TEST_P(Halo, GhostsHoldNeighbourValues) {
  const bool periodic = GetParam();
  navox::Grid grid(MPI_COMM_WORLD, spec(periodic), {"phi"});
  const auto& d = grid.spec().dims;
  Vec g = navox::test::voxel_field(grid, [](auto i, auto j, auto k) { return tag(i, j, k); }), l;
  ASSERT_EQ(DMCreateLocalVector(grid.scalar_dm(), &l), 0);
  ASSERT_EQ(DMGlobalToLocalBegin(grid.scalar_dm(), g, INSERT_VALUES, l), 0);
  ASSERT_EQ(DMGlobalToLocalEnd(grid.scalar_dm(), g, INSERT_VALUES, l), 0);
  PetscInt gxs, gys, gzs, gxm, gym, gzm;
  ASSERT_EQ(DMDAGetGhostCorners(grid.scalar_dm(), &gxs, &gys, &gzs, &gxm, &gym, &gzm), 0);
  const PetscScalar*** a = nullptr;
  ASSERT_EQ(DMDAVecGetArrayRead(grid.scalar_dm(), l, &a), 0);
  int checked = 0;
  for (PetscInt k = gzs; k < gzs + gzm; ++k)
    for (PetscInt j = gys; j < gys + gym; ++j)
      for (PetscInt i = gxs; i < gxs + gxm; ++i) {
        // Box stencil: every ghost inside the domain (after periodic wrap) is valid.
        auto wrap = [](PetscInt v, std::int64_t n) { return (v % n + n) % n; };
        const auto wi = periodic ? wrap(i, d[0]) : i, wj = periodic ? wrap(j, d[1]) : j;
        if (wi < 0 || wi >= d[0] || wj < 0 || wj >= d[1] || k < 0 || k >= d[2]) continue;
        ASSERT_EQ(a[k][j][i], tag(wi, wj, k)) << "ghost (" << i << "," << j << "," << k << ")";
        ++checked;
      }
  EXPECT_GE(checked, grid.owned().size());
  DMDAVecRestoreArrayRead(grid.scalar_dm(), l, &a);
  VecDestroy(&l);
  VecDestroy(&g);
}

INSTANTIATE_TEST_SUITE_P(Boundaries, Halo, ::testing::Values(false, true));

} // namespace
