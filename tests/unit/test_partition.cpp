// The default split of the grid among ranks (mesh/partition.hpp): x and y first, z
// once the lateral blocks would be narrower than kMinLateral, PETSc where nothing fits.
#include "mesh/partition.hpp"

#include <gtest/gtest.h>

namespace {

using Split = std::array<int, 3>;

TEST(Partition, SplitsTheLateralAxesFirst) {
  EXPECT_EQ(navox::lateral_first(1, {128, 128, 128}), (Split{1, 1, 1}));
  EXPECT_EQ(navox::lateral_first(2, {128, 128, 128}), (Split{2, 1, 1})); // x on a tie
  EXPECT_EQ(navox::lateral_first(4, {128, 128, 128}), (Split{2, 2, 1}));
  EXPECT_EQ(navox::lateral_first(64, {512, 512, 512}), (Split{8, 8, 1}));
  // The fewest faces between blocks: 4 x 1 cuts 3 x 64 voxels a layer, 2 x 2 64 + 256.
  EXPECT_EQ(navox::lateral_first(4, {256, 64, 64}), (Split{4, 1, 1}));
  // 6 ranks over 128 x 64: only 3 x 2 keeps both widths at 32 or more (42 and 32).
  EXPECT_EQ(navox::lateral_first(6, {128, 64, 40}), (Split{3, 2, 1}));
}

TEST(Partition, SplitsZOnceLateralBlocksWouldBeNarrow) {
  // 8 x 8 would leave 16-voxel columns: 4 x 4 x 4 keeps 32.
  EXPECT_EQ(navox::lateral_first(64, {128, 128, 128}), (Split{4, 4, 4}));
  // The cycling deck's 32 x 32 cell: z only.
  EXPECT_EQ(navox::lateral_first(2, {32, 32, 48}), (Split{1, 1, 2}));
  EXPECT_EQ(navox::lateral_first(4, {32, 32, 48}), (Split{1, 1, 4}));
}

TEST(Partition, LeavesPetscToDecideWhereNothingFits) {
  EXPECT_EQ(navox::lateral_first(4, {7, 6, 9}), (Split{-1, -1, -1}));
  EXPECT_EQ(navox::lateral_first(2, {16, 16, 1}), (Split{-1, -1, -1})); // z cannot be split either
  EXPECT_EQ(navox::lateral_first(3, {64, 32, 2}), (Split{-1, -1, -1})); // 3 divides neither way
}

} // namespace
