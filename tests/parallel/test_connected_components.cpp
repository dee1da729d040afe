// Connected-components labelling across rank boundaries: component labels are
// the smallest global voxel index of each component, whatever the partition.
#include "mesh/block_access.hpp"
#include "mesh/connected_components.hpp"
#include "mesh/grid.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <map>

namespace {

using Shape = std::function<bool(std::int64_t, std::int64_t, std::int64_t)>;

/// Labels of `shape` on `grid`, gathered as global index -> label on every rank.
std::map<std::int64_t, double> label(const navox::Grid& grid, const Shape& shape, int* sweeps = nullptr) {
  Vec m = navox::test::voxel_field(grid, [&](auto i, auto j, auto k) { return shape(i, j, k) ? 1.0 : 0.0; });
  navox::ComponentLabels c = navox::connected_components(grid, m);
  if (sweeps) *sweeps = c.sweeps;
  // The whole volume on every rank (the test volumes are tiny).
  const std::vector<double> all = navox::test::gather_natural(grid, c.labels);
  std::map<std::int64_t, double> out;
  for (std::size_t g = 0; g < all.size(); ++g) out[static_cast<std::int64_t>(g)] = all[g];
  VecDestroy(&c.labels);
  VecDestroy(&m);
  return out;
}

TEST(ConnectedComponents, TwoSeparateBlocks) {
  navox::GridSpec spec;
  spec.dims = {8, 6, 10};
  navox::Grid grid(MPI_COMM_WORLD, spec, {"potential"});
  auto idx = [&](std::int64_t i, std::int64_t j, std::int64_t k) { return i + 8 * (j + 6 * k); };
  // Block A: x 1..2, y 1..4, z 0..3; block B: x 5..7, y 0..5, z 5..9 (gap at z = 4 and in x).
  auto in_a = [](auto i, auto j, auto k) { return i >= 1 && i <= 2 && j >= 1 && j <= 4 && k <= 3; };
  auto in_b = [](auto i, auto, auto k) { return i >= 5 && k >= 5; };
  const auto lab = label(grid, [&](auto i, auto j, auto k) { return in_a(i, j, k) || in_b(i, j, k); });
  for (std::int64_t k = 0; k < 10; ++k)
    for (std::int64_t j = 0; j < 6; ++j)
      for (std::int64_t i = 0; i < 8; ++i) {
        const double expected = in_a(i, j, k) ? idx(1, 1, 0) : in_b(i, j, k) ? idx(5, 0, 5) : -1;
        ASSERT_EQ(lab.at(idx(i, j, k)), expected) << i << " " << j << " " << k;
      }
}

TEST(ConnectedComponents, UShapeAcrossRanks) {
  // A U along z: two legs at x = 0 and x = 11 joined by a bottom bar at z = 0;
  // the legs' tops are far from the smallest index, which must travel through
  // every rank block the path crosses. A separate dot lies inside the U.
  navox::GridSpec spec;
  spec.dims = {12, 4, 16};
  navox::Grid grid(MPI_COMM_WORLD, spec, {"potential"});
  auto idx = [&](std::int64_t i, std::int64_t j, std::int64_t k) { return i + 12 * (j + 4 * k); };
  auto in_u = [](auto i, auto j, auto k) { return j == 2 && (i == 0 || i == 11 || k == 0); };
  auto in_dot = [](auto i, auto j, auto k) { return i == 5 && j == 2 && k == 9; };
  int sweeps = 0;
  const auto lab = label(grid, [&](auto i, auto j, auto k) { return in_u(i, j, k) || in_dot(i, j, k); }, &sweeps);
  for (std::int64_t k = 0; k < 16; ++k)
    for (std::int64_t j = 0; j < 4; ++j)
      for (std::int64_t i = 0; i < 12; ++i) {
        const double expected = in_u(i, j, k) ? idx(0, 2, 0) : in_dot(i, j, k) ? idx(5, 2, 9) : -1;
        ASSERT_EQ(lab.at(idx(i, j, k)), expected) << i << " " << j << " " << k;
      }
  EXPECT_GE(sweeps, 1);
}

TEST(ConnectedComponents, FaceLabels) {
  navox::GridSpec spec;
  spec.dims = {6, 6, 8};
  navox::Grid grid(MPI_COMM_WORLD, spec, {"potential"});
  // A column through z at (1, 1) and an island in the middle.
  const navox::Box b = grid.owned();
  std::vector<double> mask(b.size());
  for (auto k = b.lo[2]; k < b.hi(2); ++k)
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i)
        mask[b.offset(i, j, k)] = (i == 1 && j == 1) || (i == 4 && j == 4 && k == 4) ? 1 : 0;
  Vec m;
  DMCreateGlobalVector(grid.scalar_dm(), &m);
  navox::set_scalar_block(grid, m, mask);
  navox::ComponentLabels c = navox::connected_components(grid, m);
  const std::vector<std::int64_t> col = {1 + 6 * 1};
  EXPECT_EQ(navox::labels_on_face(grid, c.labels, 2, 0), col);
  EXPECT_EQ(navox::labels_on_face(grid, c.labels, 2, 1), col);
  EXPECT_EQ(navox::labels_on_face(grid, c.labels, 0, 0), std::vector<std::int64_t>{});
  EXPECT_EQ(navox::labels_on_face(grid, c.labels, 1, 0), std::vector<std::int64_t>{});
  VecDestroy(&c.labels);
  VecDestroy(&m);
}

} // namespace
