// Connected-components labelling across rank boundaries: component labels are
// the smallest global voxel index of each component, whatever the partition.
#include "mesh/block_access.hpp"
#include "mesh/connected_components.hpp"
#include "mesh/grid.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <functional>
#include <map>

namespace {

using Shape = std::function<bool(std::int64_t, std::int64_t, std::int64_t)>;

/// Labels of `shape` on `grid`, gathered as global index -> label on every rank.
std::map<std::int64_t, double> label(const navox::Grid& grid, const Shape& shape, int* sweeps = nullptr,
                                     int connectivity = 6) {
  Vec m = navox::test::voxel_field(grid, [&](auto i, auto j, auto k) { return shape(i, j, k) ? 1.0 : 0.0; });
  navox::ComponentLabels c = navox::connected_components(grid, m, connectivity);
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

/// Every split of the ranks over x, y and z (one with PETSc's choice first), so that
/// edge and corner contacts fall on rank boundaries of every orientation.
std::vector<std::array<int, 3>> layouts(int size) {
  std::vector<std::array<int, 3>> out{{-1, -1, -1}};
  for (int px = 1; px <= size; ++px)
    for (int py = 1; px * py <= size; ++py)
      if (size % (px * py) == 0) out.push_back({px, py, size / (px * py)});
  return out;
}

/// The number of components of `shape` at `connectivity`, checked on every layout of
/// the ranks to give the same labels (the smallest global index of each component).
int clusters(const navox::GridSpec& base, const Shape& shape, int connectivity) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  std::map<std::int64_t, double> first;
  int count = -1;
  for (const auto& procs : layouts(size)) {
    navox::GridSpec spec = base;
    spec.processors = procs;
    navox::Grid grid(MPI_COMM_WORLD, spec, {});
    const auto lab = label(grid, shape, nullptr, connectivity);
    if (count < 0) {
      first = lab;
      count = 0;
      for (const auto& [g, l] : lab) count += l == double(g);
    } else {
      EXPECT_EQ(lab, first) << "layout " << procs[0] << " x " << procs[1] << " x " << procs[2];
    }
  }
  return count;
}

TEST(ConnectedComponents, EdgeContactJoinsAt18And26) {
  navox::GridSpec spec;
  spec.dims = {4, 4, 4};
  // Two voxels sharing only the edge between them (x and y differ by one), on
  // either side of the middle planes, where 2 and 4 ranks split the grid.
  auto edge = [](auto i, auto j, auto k) { return k == 1 && ((i == 1 && j == 1) || (i == 2 && j == 2)); };
  EXPECT_EQ(clusters(spec, edge, 6), 2);
  EXPECT_EQ(clusters(spec, edge, 18), 1);
  EXPECT_EQ(clusters(spec, edge, 26), 1);
  auto edge_yz = [](auto i, auto j, auto k) { return i == 2 && ((j == 1 && k == 2) || (j == 2 && k == 1)); };
  EXPECT_EQ(clusters(spec, edge_yz, 6), 2);
  EXPECT_EQ(clusters(spec, edge_yz, 18), 1);
  EXPECT_EQ(clusters(spec, edge_yz, 26), 1);
}

TEST(ConnectedComponents, CornerContactJoinsAt26Only) {
  navox::GridSpec spec;
  spec.dims = {4, 4, 4};
  auto corner = [](auto i, auto j, auto k) { return (i == 1 && j == 1 && k == 1) || (i == 2 && j == 2 && k == 2); };
  EXPECT_EQ(clusters(spec, corner, 6), 2);
  EXPECT_EQ(clusters(spec, corner, 18), 2);
  EXPECT_EQ(clusters(spec, corner, 26), 1);
  auto anti = [](auto i, auto j, auto k) { return (i == 2 && j == 1 && k == 2) || (i == 1 && j == 2 && k == 1); };
  EXPECT_EQ(clusters(spec, anti, 6), 2);
  EXPECT_EQ(clusters(spec, anti, 18), 2);
  EXPECT_EQ(clusters(spec, anti, 26), 1);
}

TEST(ConnectedComponents, DiagonalContactAcrossPeriodicSides) {
  // On a periodic grid (0, 0) and (3, 3) share an edge across the x-y corner of the
  // domain, and (0, 0, 1) with (3, 3, 2) a corner: the box stencil's periodic ghosts.
  navox::GridSpec spec;
  spec.dims = {4, 4, 4};
  spec.periodic_lateral = true;
  auto edge = [](auto i, auto j, auto k) { return k == 1 && ((i == 0 && j == 0) || (i == 3 && j == 3)); };
  EXPECT_EQ(clusters(spec, edge, 6), 2);
  EXPECT_EQ(clusters(spec, edge, 18), 1);
  auto corner = [](auto i, auto j, auto k) { return (i == 0 && j == 0 && k == 1) || (i == 3 && j == 3 && k == 2); };
  EXPECT_EQ(clusters(spec, corner, 18), 2);
  EXPECT_EQ(clusters(spec, corner, 26), 1);
  spec.periodic_lateral = false;
  EXPECT_EQ(clusters(spec, edge, 26), 2);
}

/// The labels a serial flood fill gives `shape` (each component labelled with its
/// smallest global voxel index, -1 outside): the reference for the parallel labelling.
std::map<std::int64_t, double> serial_labels(const navox::GridSpec& spec, const Shape& shape, int connectivity) {
  const auto& d = spec.dims;
  const std::int64_t n = d[0] * d[1] * d[2];
  std::vector<double> lab(static_cast<std::size_t>(n), -1);
  auto index = [&](std::int64_t i, std::int64_t j, std::int64_t k) { return i + d[0] * (j + d[1] * k); };
  for (std::int64_t start = 0; start < n; ++start) { // ascending: the first voxel met is the smallest
    const std::int64_t si = start % d[0], sj = start / d[0] % d[1], sk = start / (d[0] * d[1]);
    if (lab[std::size_t(start)] >= 0 || !shape(si, sj, sk)) continue;
    std::vector<std::int64_t> todo{start};
    lab[std::size_t(start)] = double(start);
    while (!todo.empty()) {
      const std::int64_t g = todo.back();
      todo.pop_back();
      const std::int64_t i = g % d[0], j = g / d[0] % d[1], k = g / (d[0] * d[1]);
      for (int dk = -1; dk <= 1; ++dk)
        for (int dj = -1; dj <= 1; ++dj)
          for (int di = -1; di <= 1; ++di) {
            const int order = std::abs(di) + std::abs(dj) + std::abs(dk);
            if (order == 0 || (connectivity == 6 && order > 1) || (connectivity == 18 && order > 2)) continue;
            std::int64_t ni = i + di, nj = j + dj;
            const std::int64_t nk = k + dk;
            if (spec.periodic_lateral) ni = (ni + d[0]) % d[0], nj = (nj + d[1]) % d[1];
            if (ni < 0 || nj < 0 || nk < 0 || ni >= d[0] || nj >= d[1] || nk >= d[2] || !shape(ni, nj, nk)) continue;
            const std::int64_t m = index(ni, nj, nk);
            if (lab[std::size_t(m)] >= 0) continue;
            lab[std::size_t(m)] = double(start);
            todo.push_back(m);
          }
    }
  }
  std::map<std::int64_t, double> out;
  for (std::int64_t g = 0; g < n; ++g) out[g] = lab[std::size_t(g)];
  return out;
}

/// `shape` labelled on every layout of the ranks equals the serial reference; returns
/// the number of components.
int matches_serial(const navox::GridSpec& base, const Shape& shape, int connectivity) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const auto reference = serial_labels(base, shape, connectivity);
  for (const auto& procs : layouts(size)) {
    navox::GridSpec spec = base;
    spec.processors = procs;
    navox::Grid grid(MPI_COMM_WORLD, spec, {});
    EXPECT_EQ(label(grid, shape, nullptr, connectivity), reference)
        << "layout " << procs[0] << " x " << procs[1] << " x " << procs[2] << ", connectivity " << connectivity;
  }
  int count = 0;
  for (const auto& [g, l] : reference) count += l == double(g);
  return count;
}

/// The side s (0..3) of the square ring at distance r from the centre c of the x-y
/// plane, corners included, walked anticlockwise.
bool on_side(std::int64_t i, std::int64_t j, std::int64_t c, std::int64_t r, int s) {
  const std::int64_t lo = c - r, hi = c + r;
  switch (s) {
  case 0: return j == lo && i >= lo && i <= hi;
  case 1: return i == hi && j >= lo && j <= hi;
  case 2: return j == hi && i >= lo && i <= hi;
  default: return i == lo && j >= lo && j <= hi;
  }
}

TEST(ConnectedComponents, HelicesMatchTheSerialReference) {
  // Two helices, one voxel thick, each a quarter of a square ring per layer climbing
  // one layer at each corner (a layer touches only the layers next to it, and only at
  // a corner): an outer one (ring radius 6) and an inner one (radius 3) winding the
  // other way. Each crosses every rank boundary of every layout many times, and its
  // smallest index (at z = 0) is 23 layers from its top.
  navox::GridSpec spec;
  spec.dims = {16, 16, 24};
  auto helices = [](auto i, auto j, auto k) {
    return on_side(i, j, 8, 6, int(k % 4)) || on_side(i, j, 8, 3, int(3 - k % 4));
  };
  for (int connectivity : {6, 26}) EXPECT_EQ(matches_serial(spec, helices, connectivity), 2) << connectivity;
}

TEST(ConnectedComponents, NestedShellsMatchTheSerialReference) {
  // Three closed shells, one inside the other, one voxel apart, and a dot at the
  // centre: four components at any connectivity, each cut by every rank boundary.
  navox::GridSpec spec;
  spec.dims = {15, 15, 21};
  auto shells = [](auto i, auto j, auto k) {
    const std::int64_t c[3] = {7, 7, 10};
    const std::int64_t p[3] = {i, j, k};
    std::int64_t far = 0;
    for (int a = 0; a < 3; ++a) far = std::max<std::int64_t>(far, std::abs(p[a] - c[a]));
    return far == 0 || far == 2 || far == 4 || far == 6;
  };
  for (int connectivity : {6, 26}) EXPECT_EQ(matches_serial(spec, shells, connectivity), 4) << connectivity;
}

TEST(ConnectedComponents, PeriodicWrapMatchesTheSerialReference) {
  // On a periodic grid: a staircase climbing in x and y that wraps across both lateral
  // sides (one piece only through the wrap), and two bars that meet only across the
  // x side; without periodicity the staircase falls into pieces.
  navox::GridSpec spec;
  spec.dims = {12, 10, 16};
  spec.periodic_lateral = true;
  auto wrap = [](auto i, auto j, auto k) {
    // Staircase: at layer k the voxels (k + 5 .. k + 6) mod 12 along x at y = k mod 10,
    // and the step up at x = (k + 6) mod 12; each layer meets the next across a face.
    const bool stair = k < 14 && j == k % 10 && (i == (k + 5) % 12 || i == (k + 6) % 12);
    const bool step = k > 0 && k < 14 && j == (k - 1) % 10 && i == (k + 5) % 12;
    const bool bars = k == 15 && j == 4 && (i <= 2 || i >= 9);
    return stair || step || bars;
  };
  for (int connectivity : {6, 26}) matches_serial(spec, wrap, connectivity);
  EXPECT_EQ(matches_serial(spec, wrap, 6), 2);
  spec.periodic_lateral = false;
  EXPECT_GT(matches_serial(spec, wrap, 6), 2);
}

TEST(ConnectedComponents, RejectsOtherConnectivities) {
  navox::GridSpec spec;
  spec.dims = {4, 4, 4};
  navox::Grid grid(MPI_COMM_WORLD, spec, {});
  Vec m = navox::test::voxel_field(grid, [](auto, auto, auto) { return 1.0; });
  EXPECT_THROW(navox::connected_components(grid, m, 8), navox::Error);
  VecDestroy(&m);
}

} // namespace
